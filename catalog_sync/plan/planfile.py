"""Saved plans: versioned JSON written atomically (sealed with a digest, signed when a key is
set), read back with a clear error."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from pydantic import ValidationError

from catalog_sync.errors import PlanFileError
from catalog_sync.limits import MAX_PLAN_FILE_BYTES
from catalog_sync.plan.digest import SIGNATURE_KEY, digest_problem, sealed
from catalog_sync.plan.freshness import age_problem
from catalog_sync.plan.model import FORMAT_VERSION, Action, Plan
from catalog_sync.plan.signing import signature_problem, signed
from catalog_sync.safe_files import FileTooLargeError, UnsafeFileError, read_regular

__all__ = ["plan_json", "read_plan", "write_plan"]

_MAX_LISTED = 20


def plan_json(plan: Plan, key: bytes | None = None) -> str:
    """The plan as saved and as `--format json` prints it, sealed with its digest, and signed
    with ``key`` when one is given (catalog_sync/plan/signing.py)."""
    data = sealed(plan.model_dump(mode="json", by_alias=True, exclude={"digest", "signature"}))
    if key is not None:
        data = signed(data, key)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_plan(plan: Plan, path: Path, key: bytes | None = None) -> None:
    """Write so that a reader never sees half a plan: a temporary file (private to the user),
    then a rename, which replaces a link at ``path`` rather than writing through it. A plan
    larger than apply and show read is refused before anything is written."""
    encoded = plan_json(plan, key).encode("utf-8")
    if len(encoded) > MAX_PLAN_FILE_BYTES:
        raise PlanFileError(
            f"{path.as_posix()}: not written: the plan is {len(encoded):,} bytes, more than the "
            f"{MAX_PLAN_FILE_BYTES:,} a saved plan may have (apply and show would refuse it). "
            f"Split the change: make it in steps of fewer objects each (a catalog that changes "
            "fewer services at a time), or apply the catalog directory directly "
            "(`catalog-sync apply DIR` plans and applies without a plan file)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=f".{path.name}.", delete=False
        ) as handle:
            handle.write(encoded)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except OSError as error:
        raise PlanFileError(
            f"{path.as_posix()}: cannot write the plan: {error.strerror or error}"
        ) from None


def read_plan(
    path: Path,
    *,
    key: bytes | None = None,
    max_age: timedelta | None = None,
    now: datetime | None = None,
) -> Plan:
    """The plan saved at ``path``, refused (PlanFileError) when it is not one `plan` wrote, when
    ``key`` is given and the plan is not signed with it, or when ``max_age`` is given and the
    plan is older (README, "How apply stays safe")."""
    try:
        text = _read_regular(path).decode("utf-8")
    except OSError as error:
        raise PlanFileError(f"{path}: cannot read the plan: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path}: not a plan file (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFileError(
            f"{path}:{error.lineno}:{error.colno}: not a plan file ({error.msg})"
        ) from None
    except RecursionError:
        raise PlanFileError(f"{path}: not a plan file (nested too deep)") from None
    if not isinstance(data, dict):
        raise PlanFileError(f"{path}: not a plan file (expected a JSON object)")
    version = data.get("formatVersion")
    if isinstance(version, int) and not isinstance(version, bool) and version < FORMAT_VERSION:
        raise PlanFileError(
            f"{path}: plan formatVersion {version} was made by an older catalog-sync: re-run "
            f"plan (this version reads formatVersion {FORMAT_VERSION})"
        )
    if version != FORMAT_VERSION:
        raise PlanFileError(
            f"{path}: plan formatVersion {version!r} is not supported by this catalog-sync "
            f"(it reads formatVersion {FORMAT_VERSION}); re-run plan with this version"
        )
    problem = digest_problem(data)
    if problem is not None:
        raise PlanFileError(f"{path}: {problem}; nothing was applied: re-run plan")
    problem = signature_problem(data, key)
    if problem is not None:
        raise PlanFileError(f"{path}: {problem}; nothing was applied")
    if key is None:
        # Unchecked, a signature would only look like a guarantee.
        data.pop(SIGNATURE_KEY, None)
    try:
        plan = Plan.model_validate(data)
    except (ValidationError, RecursionError, ArithmeticError) as error:
        if not isinstance(error, ValidationError):
            raise PlanFileError(f"{path}: damaged plan file: {type(error).__name__}") from None
        raise _invalid(path, error) from None
    problems = _plan_problems(plan)
    if problems:
        raise _refused(path, problems)
    if max_age is not None:
        problem = age_problem(plan.created_at, max_age, now or datetime.now(UTC))
        if problem is not None:
            raise PlanFileError(f"{path}: {problem}; nothing was applied")
    return plan


def _invalid(path: Path, error: ValidationError) -> PlanFileError:
    """A rule a change (or the plan) breaks, named with the change; else the first schema
    error of a damaged file."""
    broken = [
        " ".join(filter(None, (_location(e["loc"]), str(e["ctx"]["error"]))))
        for e in error.errors()
        if e["type"] == "value_error" and "error" in e.get("ctx", {})
    ]
    if broken:
        return _refused(path, broken)
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return PlanFileError(
        f"{path}: damaged plan file: {where}: {first['msg']} ({error.error_count()} problem(s))"
    )


def _plan_problems(plan: Plan) -> list[str]:
    """What a saved plan breaks as a whole, each naming the change; empty for a sound plan.

    The digest proves the file is as `plan` wrote it; each change's own rules (ids,
    fingerprints, field paths and values) are checked by the model as the file is read
    (``plan/model.py``). What needs the whole plan is checked here, before apply sends its
    first request: every dependency is a change of the plan, the dependencies form no cycle,
    and the summary counts the changes (README, "How apply stays safe").
    """
    problems: list[str] = []
    addresses = {change.address for change in plan.changes}
    for index, change in enumerate(plan.changes):
        problems.extend(
            f"changes[{index}] {change.address}: depends on {dependency}, which is not in the plan"
            for dependency in change.depends_on
            if dependency not in addresses
        )
    try:
        TopologicalSorter({c.address: c.depends_on for c in plan.changes}).prepare()
    except CycleError as error:
        problems.append(f"the dependencies form a cycle: {' -> '.join(error.args[1])}")
    counted = Counter(change.action.value for change in plan.changes)
    summary = plan.summary
    for action in Action:
        stated = getattr(summary, action.value)
        if stated != counted[action.value]:
            problems.append(
                f"summary.{action.value} is {stated}, but the plan has "
                f"{counted[action.value]} {action.value} change(s)"
            )
    return problems[:_MAX_LISTED]


def _refused(path: Path, problems: list[str]) -> PlanFileError:
    listed = "\n".join(f"  - {problem}" for problem in problems)
    return PlanFileError(
        f"{path}: the plan cannot be applied as it stands, nothing was applied: re-run plan\n"
        f"{listed}"
    )


def _location(loc: tuple[int | str, ...]) -> str:
    """``("changes", 3)`` as ``changes[3]``, as a reader counts in the file."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)[1:]


def _read_regular(path: Path) -> bytes:
    """A regular file of bounded size only (a FIFO would block, a device never end), not
    through a symbolic link, and not one every user may write (anyone could have replaced the
    plan that was reviewed)."""
    try:
        return read_regular(path, MAX_PLAN_FILE_BYTES, refuse_world_writable=True)
    except (UnsafeFileError, FileTooLargeError) as error:
        raise PlanFileError(f"{path}: not a plan file: {error.strerror}") from None
