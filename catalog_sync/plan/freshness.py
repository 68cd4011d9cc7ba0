"""How old a saved plan may be when it is applied: ``CATALOG_SYNC_PLAN_MAX_AGE``.

A plan reviewed and approved today describes today's catalog and live state. Apply re-reads
what the plan touches and refuses what moved (catalog_sync/apply/staleness.py), but a plan
left lying about for a week may still be applied against objects that did not move while the
business it priced did. So apply refuses a saved plan older than the limit, by the
``createdAt`` the plan records (signed with it when a key is set, catalog_sync/plan/signing.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from catalog_sync.errors import ConfigError

__all__ = ["DEFAULT_MAX_AGE", "MAX_AGE_VARIABLE", "age_problem", "max_plan_age"]

MAX_AGE_VARIABLE = "CATALOG_SYNC_PLAN_MAX_AGE"
DEFAULT_MAX_AGE = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=5)
"""A plan made on another machine (a CI runner) may carry a clock a little ahead of this one."""
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)


def max_plan_age(env: Mapping[str, str]) -> timedelta | None:
    """The limit from ``env`` (``90m``, ``24h``, ``2d``, ``3600s``; a bare number is hours),
    24 hours when unset; None for ``0``: no limit, and no check of the plan's time at all."""
    raw = env.get(MAX_AGE_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_AGE
    found = _DURATION.match(raw)
    if found is None:
        raise ConfigError(
            f"{MAX_AGE_VARIABLE} must be a duration such as 24h, 90m or 2d (0 for no limit), "
            f"got {raw!r}"
        )
    amount = float(found.group(1))
    try:
        age = timedelta(**{_UNITS[(found.group(2) or "h").lower()]: amount})
    except OverflowError:
        raise ConfigError(
            f"{MAX_AGE_VARIABLE} is too long to be a time ({raw!r}): give 0 for no limit"
        ) from None
    return age if age > timedelta(0) else None


def age_problem(created_at: datetime, max_age: timedelta, now: datetime) -> str | None:
    """Why a plan made at ``created_at`` may not be applied at ``now``; None when it may."""
    made = created_at if created_at.tzinfo is not None else created_at.replace(tzinfo=UTC)
    if made - now > CLOCK_SKEW:
        return (
            f"the plan says it was made at {made.isoformat(timespec='seconds')}, which is in the "
            "future: re-run plan"
        )
    if now - made <= max_age:
        return None
    return (
        f"the plan was made at {made.isoformat(timespec='seconds')}, {_hours(now - made)} ago, "
        f"longer ago than {MAX_AGE_VARIABLE} allows ({_hours(max_age)}): re-run plan and "
        "review it again"
    )


def _hours(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"
