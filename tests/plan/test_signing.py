"""The keyed plan signature: with CATALOG_SYNC_PLAN_KEY set, only a plan `plan` signed with it
is applied or shown; a plan whose digest was recomputed after an edit is refused; the key
never appears in any output or in the plan file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.emulator import EmulatorConfig
from catalog_sync.errors import ConfigError, PlanFileError
from catalog_sync.plan.digest import sealed
from catalog_sync.plan.planfile import plan_json, read_plan
from catalog_sync.plan.signing import PLAN_KEY_VARIABLE, plan_key
from tests.apply.plans import plan_of
from tests.apply.support import EXAMPLE, cli, served_http, writes_after

KEY = "k3y-" + "0123456789abcdef" * 3
OTHER_KEY = "other-" + "fedcba9876543210" * 3
GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'


def _resealed(data: dict[str, Any]) -> dict[str, Any]:
    """What someone who can write the file does: edit it and recompute its digest."""
    return sealed(data)


def _cheaper(data: dict[str, Any]) -> None:
    change = next(c for c in data["changes"] if c["address"] == GWS_STD)
    change["fieldChanges"][0]["after"] = "0.0100"


def _to_delete(data: dict[str, Any]) -> None:
    change = next(c for c in data["changes"] if c["address"] == GWS_STD)
    change["action"] = "delete"
    change["fieldChanges"] = []
    data["summary"]["update"] -= 1
    data["summary"]["delete"] += 1


def _rails_off(data: dict[str, Any]) -> None:
    data["settings"]["maxDeletePercent"] = 100
    data["settings"]["protect"] = []


def _younger(data: dict[str, Any]) -> None:
    data["createdAt"] = "2099-01-01T00:00:00Z"


FORGERIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "a price set to 0.01": _cheaper,
    "an update turned into a delete": _to_delete,
    "maxDeletePercent 100 and protect emptied": _rails_off,
    "a new createdAt": _younger,
}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(PLAN_KEY_VARIABLE, KEY)
    with served_http(EmulatorConfig(seed="demo"), monkeypatch) as http:
        yield http


def _last_seq(http: Any) -> int:
    return int(http.get("/_emulator/requests").json()[-1]["seq"])


@pytest.mark.parametrize("forge", FORGERIES, ids=list(FORGERIES))
def test_a_signed_plan_edited_with_its_digest_recomputed_is_refused(
    served: Any, tmp_path: Path, forge: str
) -> None:
    planned = cli("plan", str(EXAMPLE), "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    assert "plan saved to plan.json (signed with CATALOG_SYNC_PLAN_KEY)" in planned.stderr
    plan_file = tmp_path / "plan.json"
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    assert data["signature"].startswith("hmac-sha256:")
    FORGERIES[forge](data)
    plan_file.write_text(json.dumps(_resealed(data), indent=2), encoding="utf-8")
    seq = _last_seq(served)

    applied = cli("apply", "plan.json")
    shown = cli("show", "plan.json")

    for result in (applied, shown):
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "the plan's signature does not match CATALOG_SYNC_PLAN_KEY" in result.stderr
        assert "nothing was applied" in result.stderr
    assert writes_after(served.get("/_emulator/requests").json(), seq) == []


def test_with_the_key_set_an_unsigned_plan_is_refused(
    served: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PLAN_KEY_VARIABLE)
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    assert "signature" not in json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    monkeypatch.setenv(PLAN_KEY_VARIABLE, KEY)
    seq = _last_seq(served)

    applied = cli("apply", "plan.json")

    assert applied.exit_code == 1
    assert "the plan is not signed, but CATALOG_SYNC_PLAN_KEY is set" in applied.stderr
    assert writes_after(served.get("/_emulator/requests").json(), seq) == []


def test_a_plan_signed_with_another_key_is_refused(
    served: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    monkeypatch.setenv(PLAN_KEY_VARIABLE, OTHER_KEY)
    applied = cli("apply", "plan.json")
    assert applied.exit_code == 1
    assert "signed with another key" in applied.stderr


def test_a_signed_plan_applies_and_the_key_appears_nowhere(served: Any, tmp_path: Path) -> None:
    planned = cli("plan", str(EXAMPLE), "--out", "plan.json", "--format", "json")
    shown = cli("show", "plan.json", "--format", "json")
    applied = cli("apply", "plan.json", "--format", "json")
    assert applied.exit_code == 0, applied.output
    for result in (planned, shown, applied):
        assert KEY not in result.output
        assert KEY not in result.stderr
    saved = (tmp_path / "plan.json").read_text(encoding="utf-8")
    assert KEY not in saved
    # --format json prints the plan as saved, signature included; show prints it again so.
    assert json.loads(planned.stdout)["signature"] == json.loads(saved)["signature"]
    assert json.loads(shown.stdout)["signature"] == json.loads(saved)["signature"]
    journals = list((tmp_path / ".catalog-sync" / "journal").glob("*.jsonl"))
    assert journals
    assert all(KEY not in path.read_text(encoding="utf-8") for path in journals)


def test_without_the_key_a_signed_plan_is_checked_by_its_digest_alone(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(plan_json(plan_of(), KEY.encode()), encoding="utf-8")
    assert read_plan(path).signature is None  # unchecked, so not kept
    assert read_plan(path, key=KEY.encode()).signature is not None
    data = json.loads(path.read_text(encoding="utf-8"))
    data["signature"] = "hmac-sha256:" + "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    read_plan(path)
    with pytest.raises(PlanFileError, match="signature does not match"):
        read_plan(path, key=KEY.encode())


def test_a_short_key_is_refused_without_showing_it() -> None:
    assert plan_key({}) is None
    assert plan_key({PLAN_KEY_VARIABLE: "  "}) is None
    with pytest.raises(ConfigError) as short:
        plan_key({PLAN_KEY_VARIABLE: "hunter2-hunter2"})
    assert "hunter2" not in str(short.value)
    assert "shorter than 32 characters" in str(short.value)
