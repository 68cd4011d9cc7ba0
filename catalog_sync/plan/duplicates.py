"""Live objects that share a natural key: an error, never silently matched to one of them.

Matching is by natural key (README, "Identity without a state file"), so two live services
with one name (or two addons with one itemCode in a product) leave the files' object with
two candidates. Taking either would update one and leave the other live for ever, and a
re-plan would say the catalog matches; so planning and applying stop and name both ids.
"""

from __future__ import annotations

from catalog_sync.errors import DuplicateKeyError
from catalog_sync.graph import ResourceGraph

__all__ = ["refuse_duplicates"]


def refuse_duplicates(live: ResourceGraph) -> None:
    problems = []
    for duplicate in live.duplicates:
        first = live.get(duplicate.address)
        problems.append(
            f"{duplicate.address}: two live objects have this natural key "
            f"(ids {first.id if first is not None else '?'} and {duplicate.id})"
        )
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise DuplicateKeyError(
            f"the live catalog has {len(problems)} duplicate natural key(s), so the files "
            f"cannot be matched to it; nothing was planned or written\n{listed}\n"
            "remove or rename all but one of each in Cloudmore, then re-run"
        )
