"""A saved plan is applied exactly as `plan` wrote it, and its safety never comes from the file.

Edits a reviewer would not see (a field change's value edited after review, an injected
delete, a zeroed summary, ...) break the plan's digest; a plan object whose safety was stripped
is refused by the rails apply derives again from the changes and live state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.apply import ApplyOptions, apply_plan
from catalog_sync.emulator import EmulatorConfig
from catalog_sync.errors import SafetyError
from catalog_sync.plan.build import target_of
from tests.apply.support import (
    EXAMPLE,
    InProcess,
    cli,
    copy_catalog,
    plan_with,
    served_http,
    writes_after,
)

Edit = Callable[[dict[str, Any]], None]
GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'


def _change(plan: dict[str, Any], address: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in plan["changes"] if c["address"] == address)
    return found


def _shown_price(plan: dict[str, Any]) -> None:
    _change(plan, GWS_STD)["fieldChanges"][0]["after"] = "0.0100"


def _injected_delete(plan: dict[str, Any]) -> None:
    update = _change(plan, GWS_STD)
    plan["changes"].append({**update, "action": "delete", "fieldChanges": []})


def _update_to_delete(plan: dict[str, Any]) -> None:
    _change(plan, GWS_STD)["action"] = "delete"


def _publish_mode(plan: dict[str, Any]) -> None:
    _change(plan, 'service["Cloud PBX"].publish')["fieldChanges"][0]["after"] = "allBrokers"


def _zeroed_summary(plan: dict[str, Any]) -> None:
    plan["summary"] = dict.fromkeys(plan["summary"], 0)


def _catalog_digest(plan: dict[str, Any]) -> None:
    plan["catalog"]["digest"] = "sha256:" + "1" * 64


def _no_digest(plan: dict[str, Any]) -> None:
    del plan["digest"]


EDITS: dict[str, Edit] = {
    "shown price": _shown_price,
    "injected delete": _injected_delete,
    "update turned into a delete": _update_to_delete,
    "publish mode": _publish_mode,
    "zeroed summary": _zeroed_summary,
    "catalog digest": _catalog_digest,
    "digest removed": _no_digest,
}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    with served_http(EmulatorConfig(seed="demo"), monkeypatch) as http:
        yield http


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_an_edited_saved_plan_is_refused_before_any_request(
    served: Any, tmp_path: Path, edit: str
) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    plan_file = tmp_path / "plan.json"
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    EDITS[edit](data)
    plan_file.write_text(json.dumps(data, indent=2), encoding="utf-8")
    seq = int(served.get("/_emulator/requests").json()[-1]["seq"])

    applied = cli("apply", "plan.json")

    assert applied.exit_code == 1, applied.output
    assert "Traceback" not in applied.output
    assert "plan.json: the plan" in applied.stderr
    assert "digest" in applied.stderr
    assert "nothing was applied" in applied.stderr
    log = served.get("/_emulator/requests").json()
    assert writes_after(log, seq) == []
    assert [e for e in log if e["seq"] > seq and e["path"] != "/_emulator/requests"] == []


def test_a_plan_saved_and_read_back_unedited_applies(served: Any) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    applied = cli("apply", "plan.json")
    assert applied.exit_code == 0, applied.output


PRUNE_ALL_BUT_GOOGLE = "settings:\n  prune: true\n  protect:\n    - 'service[\"Cloud PBX\"]'\n"


def _only_google(tmp_path: Path, settings: str) -> Path:
    catalog = copy_catalog(tmp_path, settings=settings)
    for service in (catalog / "services").iterdir():
        if service.name != "google-workspace.yaml":
            service.unlink()
    return catalog


@pytest.mark.anyio
async def test_stripped_protect_flags_and_an_emptied_safety_list_change_nothing(
    tmp_path: Path, journal_dir: Path
) -> None:
    emulator = InProcess("demo")
    catalog = _only_google(tmp_path, PRUNE_ALL_BUT_GOOGLE)
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings, catalog)
        assert {f.rule.value for f in plan.safety} >= {"protect", "maxDeletePercent"}
        stripped = plan.model_copy(
            update={
                "safety": (),
                "changes": tuple(c.model_copy(update={"protect": False}) for c in plan.changes),
            }
        )
        seq = emulator.requests()[-1]["seq"]
        for force in (False, True):
            with pytest.raises(SafetyError) as refused:
                await apply_plan(
                    stripped,
                    client,
                    target_of(emulator.settings),
                    ApplyOptions(journal_dir=journal_dir, force=force),
                )
            assert "rule protect" in str(refused.value)
            assert 'service["Cloud PBX"]' in str(refused.value)
        without_protect = stripped.model_copy(
            update={"settings": stripped.settings.model_copy(update={"protect": ()})}
        )
        with pytest.raises(SafetyError) as threshold:
            await apply_plan(
                without_protect,
                client,
                target_of(emulator.settings),
                ApplyOptions(journal_dir=journal_dir),
            )
    assert "rule maxDeletePercent" in str(threshold.value)
    assert writes_after(emulator.requests(), seq) == []
    assert not journal_dir.exists()


def test_disabling_services_counts_their_subtrees_and_the_share_of_services(
    served: Any, tmp_path: Path
) -> None:
    # 11 of the demo's 37 objects go: under 30%, so the share is tightened to 25%.
    thresholds = "  thresholds:\n    maxDeletePercent: 25\n"
    catalog = _only_google(tmp_path, f"settings:\n  prune: true\n{thresholds}")
    planned = cli("plan", str(catalog), "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    disabled = [c["address"] for c in plan["changes"] if c["action"] == "disable"]
    assert len(disabled) >= 3
    messages = [f["message"] for f in plan["safety"] if f["rule"] == "maxDeletePercent"]
    assert any(f"{len(disabled)} of " in m and "active services" in m for m in messages), messages
    removed = next(m for m in messages if "existing objects" in m)
    # Each disabled service brings its products and addons: far more than one object each.
    assert int(removed.split(" of ")[0]) > 2 * len(disabled)

    seq = int(served.get("/_emulator/requests").json()[-1]["seq"])
    refused = cli("apply", str(catalog), "--yes")
    assert refused.exit_code == 1
    assert "rule maxDeletePercent" in refused.stderr
    assert writes_after(served.get("/_emulator/requests").json(), seq) == []
