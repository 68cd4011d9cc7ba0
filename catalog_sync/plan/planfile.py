"""Saved plans: versioned JSON written atomically, read back with a clear error."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from catalog_sync.errors import PlanFileError
from catalog_sync.plan.digest import digest_problem, sealed
from catalog_sync.plan.model import FORMAT_VERSION, Plan

__all__ = ["plan_json", "read_plan", "write_plan"]


def plan_json(plan: Plan) -> str:
    """The plan as saved and as `--format json` prints it, sealed with its digest."""
    data = sealed(plan.model_dump(mode="json", by_alias=True, exclude={"digest"}))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_plan(plan: Plan, path: Path) -> None:
    """Write so that a reader never sees half a plan: a temporary file, then a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
        ) as handle:
            handle.write(plan_json(plan))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except OSError as error:
        raise PlanFileError(
            f"{path.as_posix()}: cannot write the plan: {error.strerror or error}"
        ) from None


def read_plan(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlanFileError(f"{path}: cannot read the plan: {error.strerror}") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path}: not a plan file (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFileError(
            f"{path}:{error.lineno}:{error.colno}: not a plan file ({error.msg})"
        ) from None
    if not isinstance(data, dict):
        raise PlanFileError(f"{path}: not a plan file (expected a JSON object)")
    version = data.get("formatVersion")
    if version != FORMAT_VERSION:
        raise PlanFileError(
            f"{path}: plan formatVersion {version!r} is not supported by this catalog-sync "
            f"(it reads formatVersion {FORMAT_VERSION}); re-run plan with this version"
        )
    problem = digest_problem(data)
    if problem is not None:
        raise PlanFileError(f"{path}: {problem}; nothing was applied: re-run plan")
    try:
        return Plan.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PlanFileError(
            f"{path}: damaged plan file: {where}: {first['msg']} ({error.error_count()} problem(s))"
        ) from None
