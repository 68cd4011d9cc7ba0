"""`plan --baseline`: changes the pull request introduces, told from those already pending."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import httpx

from catalog_sync.catalog import load_catalog
from catalog_sync.cloudmore import open_read_only
from catalog_sync.emulator import EmulatorConfig, create_app
from catalog_sync.plan.build import make_plan, target_of
from catalog_sync.plan.model import Origin, Plan
from catalog_sync.render.plan_markdown import render_markdown
from tests.cloudmore.emulator_helpers import IN_PROCESS_URL, demo_settings
from tests.golden import assert_golden
from tests.plan.support import EXAMPLE, NOW
from tests.workflow_support import demo_url, replace_once, run, set_addon_price

__all__ = ["demo_url"]

VAULT = 'service["Google Workspace"].product["annual"].addon["gws-vault"]'
RECORDING = 'service["Cloud PBX"].product["pbx-user"].addon["pbx-recording"]'


def _branches(url: str, tmp_path: Path) -> tuple[Path, Path]:
    """The base branch's catalog (exported from live) and the pull request's copy of it, with
    a price edited in Cloudmore since: drift the base branch already plans to undo."""
    base = tmp_path / "base"
    assert run("export", "--out", str(base)).exit_code == 0
    head = tmp_path / "head"
    shutil.copytree(base, head)
    set_addon_price(url, "Google Workspace", "annual", "gws-vault", "6.25")
    return base, head


def test_pre_existing_drift_and_the_pull_requests_change_are_told_apart(
    demo_url: str, tmp_path: Path
) -> None:
    base, head = _branches(demo_url, tmp_path)
    # The pull request changes another addon.
    replace_once(
        head / "services" / "cloud-pbx.yaml",
        'itemCode: pbx-recording\n            price: "2.00"',
        'itemCode: pbx-recording\n            price: "2.40"',
    )

    result = run("plan", str(head), "--baseline", str(base), "--format", "json")
    assert result.exit_code == 0, result.output
    origins = {c["address"]: c["origin"] for c in json.loads(result.output)["changes"]}
    assert origins == {VAULT: "pre-existing", RECORDING: "introduced"}

    markdown = run("plan", str(head), "--baseline", str(base), "--format", "markdown").output
    assert markdown.index(RECORDING) < markdown.index(VAULT)
    assert "> [!WARNING]\n> 1 change(s) were already pending before this pull request" in markdown
    assert "<details><summary>Pre-existing changes (1)</summary>" in markdown
    assert markdown.index("[!WARNING]") > markdown.index(RECORDING)

    # Without --baseline, every change's origin is null.
    plain = json.loads(run("plan", str(head), "--format", "json").output)
    assert {c["origin"] for c in plain["changes"]} == {None}


def test_a_change_the_pull_request_alters_is_introduced(demo_url: str, tmp_path: Path) -> None:
    base, head = _branches(demo_url, tmp_path)
    replace_once(
        head / "services" / "google-workspace.yaml",
        'itemCode: gws-vault\n            price: "5.00"',
        'itemCode: gws-vault\n            price: "5.75"',
    )
    result = run("plan", str(head), "--baseline", str(base), "--format", "json")
    (change,) = json.loads(result.output)["changes"]
    assert (change["address"], change["origin"]) == (VAULT, "introduced")


def test_a_broken_baseline_is_reported_at_its_own_files(demo_url: str, tmp_path: Path) -> None:
    head = tmp_path / "head"
    assert run("export", "--out", str(head)).exit_code == 0
    base = tmp_path / "base"
    base.mkdir()
    (base / "catalog.yaml").write_text("services: [\n", encoding="utf-8")
    result = run("plan", str(head), "--baseline", str(base))
    assert result.exit_code == 1
    assert f"{base.as_posix()}/catalog.yaml:2:1: CS105 error: YAML syntax error" in result.output
    assert "Traceback" not in result.output


def test_the_baseline_markdown_matches_its_golden_file(tmp_path: Path) -> None:
    head = tmp_path / "head"
    shutil.copytree(EXAMPLE, head)
    replace_once(
        head / "services" / "google-workspace.yaml",
        'itemCode: gws-vault\n            price: "5.00"',
        'itemCode: gws-vault\n            price: "5.50"',
    )
    app = create_app(EmulatorConfig(seed="demo"))
    settings = demo_settings(IN_PROCESS_URL)

    async def plan() -> Plan:
        transport = httpx.ASGITransport(app=app)
        async with open_read_only(settings, transport=transport) as client:
            return (
                await make_plan(
                    "catalogs/example",
                    load_catalog(head),
                    client,
                    target_of(settings),
                    now=NOW,
                    baseline=load_catalog(EXAMPLE),
                )
            ).plan

    made = asyncio.run(plan())
    introduced = [c.address for c in made.changes if c.origin is Origin.INTRODUCED]
    assert introduced == [VAULT]
    assert len(made.changes) == 23  # the demo plan (22) and the edit
    assert_golden("plan/baseline.md", render_markdown(made, commit="0123abc"))
