"""`catalog-sync apply` end to end against the emulator served on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_sync.catalog import LoadedCatalog, load_catalog
from catalog_sync.cli import plan_cmds
from catalog_sync.emulator import EmulatorConfig, SeedName, serve_in_thread
from tests.apply.support import (
    EXAMPLE,
    SELLER,
    api_client,
    cli,
    copy_catalog,
    natural_keys,
    use_emulator,
    writes_after,
)

GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'
PBX_MINUTES = 'service["Cloud PBX"].product["pbx-minutes"]'


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The journal goes under .catalog-sync/ in the working directory.
    monkeypatch.chdir(tmp_path)


class Served:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = api_client(url)

    def last_seq(self) -> int:
        entries = self.requests()
        return int(entries[-1]["seq"]) if entries else 0

    def requests(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.http.get("/_emulator/requests").json()
        return rows

    def faults(self, **config: object) -> None:
        self.http.put("/_emulator/faults", json=config).raise_for_status()

    def no_duplicates(self) -> None:
        keys = natural_keys(self.http)
        assert [key for key, count in keys.items() if count > 1] == []


def _serve(seed: SeedName, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    with serve_in_thread(EmulatorConfig(seed=seed)) as url:
        use_emulator(monkeypatch, url)
        served = Served(url)
        try:
            yield served
        finally:
            served.http.close()


@pytest.fixture
def empty(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    yield from _serve("empty", monkeypatch)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    yield from _serve("demo", monkeypatch)


def _converged(catalog: Path) -> None:
    replan = cli("plan", str(catalog), "--detailed-exitcode")
    assert replan.exit_code == 0, replan.output
    assert "No changes." in replan.stdout


def test_example_onto_empty_converges(empty: Served) -> None:
    applied = cli("apply", str(EXAMPLE), "--yes")
    assert applied.exit_code == 0, applied.output
    assert "52 done, 0 failed, 0 skipped, 0 not attempted" in applied.stdout
    assert "Verification: every applied change reads back as planned." in applied.stdout
    assert "apply: [52/52]" in applied.stderr  # plain progress lines without a terminal
    _converged(EXAMPLE)
    empty.no_duplicates()


def test_example_with_prune_onto_demo_converges(demo: Served, tmp_path: Path) -> None:
    catalog = copy_catalog(tmp_path, settings="settings:\n  prune: true\n")
    applied = cli("apply", str(catalog), "--yes")
    assert applied.exit_code == 0, applied.output
    assert 'service["Legacy Hosting"] disabled' in applied.stdout
    assert 'addon["sandbox-legacy"] deleted' in applied.stdout
    assert "24 done, 0 failed" in applied.stdout
    _converged(catalog)
    demo.no_duplicates()


def test_a_saved_plan_whose_object_moved_is_refused_without_a_write(
    demo: Served, tmp_path: Path
) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    google = next(
        s for s in demo.http.get(f"{SELLER}/services").json() if s["name"] == "Google Workspace"
    )
    products = demo.http.get(f"{SELLER}/services/{google['id']}/products").json()
    payg = next(p for p in products if p["itemCode"] == "payg")
    addons_path = f"{SELLER}/services/{google['id']}/products/{payg['id']}/addons"
    std = next(a for a in demo.http.get(addons_path).json() if a["itemCode"] == "gws-std")
    changed = demo.http.put(f"{addons_path}/{std['id']}", json={**std, "price": 11})
    assert changed.status_code == 204
    seq = demo.last_seq()

    applied = cli("apply", "plan.json")
    assert applied.exit_code == 1
    assert "the plan is stale" in applied.stderr
    assert f"{GWS_STD}: changed since the plan was made: price" in applied.stderr
    assert "Traceback" not in applied.output
    assert writes_after(demo.requests(), seq) == []
    assert Decimal(str(demo.http.get(f"{addons_path}/{std['id']}").json()["price"])) == 11


def test_over_a_threshold_refused_without_force_and_applied_with_it(
    demo: Served, tmp_path: Path
) -> None:
    catalog = copy_catalog(tmp_path, settings="settings:\n  thresholds:\n    maxUpdatePercent: 5\n")
    planned = cli("plan", str(catalog), "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    assert "maxUpdatePercent" in planned.stdout
    seq = demo.last_seq()

    refused = cli("apply", "plan.json")
    assert refused.exit_code == 1
    assert "rule maxUpdatePercent" in refused.stderr
    assert (
        "to proceed: raise settings.thresholds.maxUpdatePercent or pass --force" in refused.stderr
    )
    assert writes_after(demo.requests(), seq) == []
    refused_path = cli("apply", str(catalog), "--yes")
    assert refused_path.exit_code == 1
    assert "rule maxUpdatePercent" in refused_path.stderr
    assert writes_after(demo.requests(), seq) == []

    forced = cli("apply", "plan.json", "--force")
    assert forced.exit_code == 0, forced.output
    assert "--force lifted the safety rules: maxUpdatePercent." in forced.stdout
    _converged(catalog)


def test_disabling_a_protected_service_is_refused_even_with_force(
    demo: Served, tmp_path: Path
) -> None:
    protected = "settings:\n  prune: true\n  protect:\n    - 'service[\"Legacy Hosting\"]'\n"
    catalog = copy_catalog(tmp_path, settings=protected)
    assert cli("plan", str(catalog), "--out", "plan.json").exit_code == 0
    seq = demo.last_seq()
    for attempt in (("apply", "plan.json", "--force"), ("apply", str(catalog), "--yes", "--force")):
        refused = cli(*attempt)
        assert refused.exit_code == 1, refused.output
        assert "rule protect" in refused.stderr
        assert 'service["Legacy Hosting"]' in refused.stderr
        assert "--force does not lift this" in refused.stderr
    assert writes_after(demo.requests(), seq) == []

    # Unprotected in the files, the same change applies.
    copy = copy_catalog(tmp_path / "unprotected", settings="settings:\n  prune: true\n")
    applied = cli("apply", str(copy), "--yes")
    assert applied.exit_code == 0, applied.output
    assert 'service["Legacy Hosting"] disabled' in applied.stdout


def test_without_a_terminal_and_without_yes_nothing_is_applied(demo: Served) -> None:
    seq = demo.last_seq()
    refused = cli("apply", str(EXAMPLE))
    assert refused.exit_code == 1
    assert "Plan: 14 to create" in refused.stdout  # the plan is shown first
    assert "refusing to apply without confirmation" in refused.stderr
    assert "pass --yes" in refused.stderr
    assert writes_after(demo.requests(), seq) == []


def test_json_report_on_stdout_plan_and_progress_on_stderr(empty: Served) -> None:
    applied = cli("apply", str(EXAMPLE), "--yes", "--format", "json")
    assert applied.exit_code == 0, applied.output
    report = json.loads(applied.stdout)
    assert report["ok"] is True
    assert report["counts"]["done"] == 52
    assert report["verified"] is True
    assert "Plan: 47 to create" in applied.stderr


def test_nothing_to_apply_says_so_and_exits_0(empty: Served) -> None:
    assert cli("apply", str(EXAMPLE), "--yes").exit_code == 0
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    for args in (
        ("apply", str(EXAMPLE)),
        ("apply", "plan.json"),
        ("apply", "plan.json", "--format", "json"),
    ):
        again = cli(*args)
        assert again.exit_code == 0, again.output
        assert "No changes: the live catalog already matches." in again.stderr
    assert json.loads(again.stdout)["results"] == []


def test_a_failed_create_exits_1_and_the_report_says_what_was_skipped(demo: Served) -> None:
    pbx = next(s for s in demo.http.get(f"{SELLER}/services").json() if s["name"] == "Cloud PBX")
    # 401 even with a fresh token fails at once (no retry waits), unlike a 5xx.
    demo.faults(
        script=[
            {
                "method": "POST",
                "pathPattern": f"/services/{pbx['id']}/products$",
                "fault": "unauthorized",
                "count": 100,
            }
        ]
    )
    applied = cli("apply", str(EXAMPLE), "--yes")
    assert applied.exit_code == 1
    assert "18 done, 1 failed, 3 skipped, 0 not attempted" in applied.stdout
    assert f"! {PBX_MINUTES} not created: POST " in applied.stdout
    assert "unauthorized (401)" in applied.stdout
    assert f"skipped because {PBX_MINUTES} failed" in applied.stdout
    assert "error: apply did not complete (18 done, 1 failed, 3 skipped" in applied.stderr
    assert "Traceback" not in applied.output


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not a plan file"), ('{"formatVersion": 99}', "formatVersion 99 is not supported")],
)
def test_a_bad_plan_file_is_a_clear_error(
    empty: Served, tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "plan.json").write_text(content, encoding="utf-8")
    result = cli("apply", "plan.json")
    assert result.exit_code == 1
    assert message in result.stderr
    assert isinstance(result.exception, SystemExit)


def test_a_missing_plan_file_is_a_clear_error(empty: Served) -> None:
    result = cli("apply", "nowhere.json")
    assert result.exit_code == 1
    assert "nowhere.json: no such plan file" in result.stderr


def test_a_plan_for_another_target_is_refused(empty: Served, tmp_path: Path) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    with serve_in_thread(EmulatorConfig(seed="empty")) as other:
        moved = cli("apply", "plan.json", "--api-url", other)
        with httpx.Client(base_url=other) as admin:
            log = admin.get("/_emulator/requests").json()
    assert moved.exit_code == 1
    assert f"the configured target is {other}" in moved.stderr
    assert log == []  # refused before any request


def test_a_saved_plan_under_another_name_is_applied_as_a_plan(empty: Served) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "reviewed.plan").exit_code == 0
    applied = cli("apply", "reviewed.plan")
    assert applied.exit_code == 0, applied.output
    assert "applying the saved plan reviewed.plan" in applied.stderr
    _converged(EXAMPLE)


def test_a_catalog_edited_during_confirmation_is_refused_and_parsed_once(
    empty: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = copy_catalog(tmp_path)
    loads: list[Path] = []

    def counting_load(path: Path) -> LoadedCatalog:
        loads.append(path)
        return load_catalog(path)

    def edit_while_asking(to_apply: object, yes: bool) -> None:
        with (catalog / "catalog.yaml").open("a", encoding="utf-8") as file:
            file.write("# edited while the question was on screen\n")

    monkeypatch.setattr(plan_cmds, "load_catalog", counting_load)
    monkeypatch.setattr(plan_cmds, "_confirm", edit_while_asking)
    before = empty.last_seq()
    applied = cli("apply", str(catalog), "--yes")
    assert applied.exit_code != 0
    assert "the files changed since the plan was made" in applied.output
    assert writes_after(empty.requests(), before) == []
    assert len(loads) == 1
