"""Live objects that share a natural key: an error, never silently matched to one of them.

Matching is by natural key (README, "Identity without a state file"), so two live services
with one name (or two addons with one itemCode in a product) leave the files' object with
two candidates. Taking either would update one and leave the other live for ever, and a
re-plan would say the catalog matches; so planning and applying stop and name both ids.
"""

from __future__ import annotations

from catalog_sync.errors import DuplicateKeyError
from catalog_sync.graph import ResourceGraph

__all__ = ["duplicate_problems", "refuse_duplicates"]


def duplicate_problems(live: ResourceGraph) -> list[str]:
    problems = []
    for duplicate in live.duplicates:
        first = live.get(duplicate.address)
        first_id = first.id if first is not None else "?"
        problems.append(
            f"{duplicate.address}: two live objects have this natural key "
            f"(ids {first_id} and {duplicate.id})"
        )
    return problems


def refuse_duplicates(live: ResourceGraph) -> None:
    problems = duplicate_problems(live)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise DuplicateKeyError(
            f"the live catalog has {len(problems)} duplicate natural key(s), so the files "
            f"cannot be matched to it; nothing was planned or written\n{listed}\n"
            "remove or rename all but one of each in Cloudmore, then re-run"
        )
