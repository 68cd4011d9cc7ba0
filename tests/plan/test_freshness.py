"""apply refuses a saved plan older than CATALOG_SYNC_PLAN_MAX_AGE (default 24 hours), by the
createdAt the plan records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.emulator import EmulatorConfig
from catalog_sync.errors import ConfigError, PlanFileError
from catalog_sync.plan.digest import sealed
from catalog_sync.plan.freshness import DEFAULT_MAX_AGE, MAX_AGE_VARIABLE, max_plan_age
from catalog_sync.plan.planfile import plan_json, read_plan
from tests.apply.plans import plan_of
from tests.apply.support import EXAMPLE, cli, served_http, writes_after


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    with served_http(EmulatorConfig(seed="demo"), monkeypatch) as http:
        yield http


def _age_by(path: Path, hours: float) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    made = datetime.fromisoformat(data["createdAt"]) - timedelta(hours=hours)
    data["createdAt"] = made.isoformat()
    path.write_text(json.dumps(sealed(data)), encoding="utf-8")


def test_apply_refuses_a_plan_older_than_a_day(served: Any, tmp_path: Path) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    _age_by(tmp_path / "plan.json", 25)
    seq = int(served.get("/_emulator/requests").json()[-1]["seq"])

    applied = cli("apply", "plan.json")

    assert applied.exit_code == 1
    assert "Traceback" not in applied.output
    assert "the plan was made at " in applied.stderr
    assert "25.0 hours ago, longer ago than CATALOG_SYNC_PLAN_MAX_AGE allows (24.0 hours)" in (
        applied.stderr
    )
    assert "nothing was applied" in applied.stderr
    assert writes_after(served.get("/_emulator/requests").json(), seq) == []
    assert cli("show", "plan.json").exit_code == 0  # shown, never applied


def test_the_limit_is_configurable_and_0_lifts_it(
    served: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    _age_by(tmp_path / "plan.json", 2)
    monkeypatch.setenv(MAX_AGE_VARIABLE, "90m")
    refused = cli("apply", "plan.json")
    assert refused.exit_code == 1
    assert "(1.5 hours)" in refused.stderr
    monkeypatch.setenv(MAX_AGE_VARIABLE, "0")
    applied = cli("apply", "plan.json")
    assert applied.exit_code == 0, applied.output


def test_the_age_is_the_plans_own_time_and_the_future_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(plan_json(plan_of()), encoding="utf-8")
    made = read_plan(path).created_at
    read_plan(path, max_age=DEFAULT_MAX_AGE, now=made + timedelta(hours=23))
    with pytest.raises(PlanFileError, match="which is in the future"):
        read_plan(path, max_age=DEFAULT_MAX_AGE, now=made - timedelta(hours=1))
    with pytest.raises(PlanFileError, match="longer ago than"):
        read_plan(path, max_age=DEFAULT_MAX_AGE, now=made + timedelta(hours=25))


@pytest.mark.parametrize(
    ("raw", "age"),
    [
        ("", timedelta(hours=24)),
        ("24h", timedelta(hours=24)),
        ("90m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("3600s", timedelta(hours=1)),
        ("6", timedelta(hours=6)),
        ("0", None),
    ],
)
def test_max_age_values(raw: str, age: timedelta | None) -> None:
    assert max_plan_age({MAX_AGE_VARIABLE: raw}) == age


def test_a_bad_max_age_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="must be a duration such as 24h"):
        max_plan_age({MAX_AGE_VARIABLE: "a day"})


@pytest.mark.parametrize("raw", ["99999999999d", "1" * 400])
def test_a_max_age_too_long_for_a_time_is_a_clear_error(raw: str) -> None:
    with pytest.raises(ConfigError, match="too long to be a time"):
        max_plan_age({MAX_AGE_VARIABLE: raw})
