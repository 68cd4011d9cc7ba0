"""`catalog-sync drift`: exit codes, what it names, a stable digest, and ignore rules."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from catalog_sync.catalog import load_catalog
from catalog_sync.cloudmore import open_read_only
from catalog_sync.drift import DriftKind, drift_of
from catalog_sync.emulator import EmulatorConfig, create_app
from catalog_sync.plan.build import make_plan, target_of
from catalog_sync.render import drift as drift_render
from tests.cloudmore.emulator_helpers import IN_PROCESS_URL, demo_settings
from tests.golden import assert_golden
from tests.plan.support import EXAMPLE, NOW, plan_on
from tests.workflow_support import demo_url, replace_once, run, set_addon_price

__all__ = ["demo_url"]

GW = "Google Workspace"
VAULT = 'service["Google Workspace"].product["annual"].addon["gws-vault"]'


def test_drift_after_apply_then_a_price_edited_in_cloudmore(demo_url: str, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    assert run("export", "--out", str(catalog)).exit_code == 0
    replace_once(
        catalog / "services" / "google-workspace.yaml",
        'itemCode: gws-vault\n            price: "5.00"',
        'itemCode: gws-vault\n            price: "5.50"',
    )
    applied = run("apply", str(catalog), "--yes")
    assert applied.exit_code == 0, applied.output
    clean = run("drift", str(catalog))
    assert clean.exit_code == 0, clean.output
    assert "No drift" in clean.output

    set_addon_price(demo_url, GW, "annual", "gws-vault", "6.25")
    drifted = run("drift", str(catalog))
    assert drifted.exit_code == 2, drifted.output
    assert f"{VAULT} differs" in drifted.output
    assert "price: live 6.25, files 5.50" in drifted.output

    first = run("drift", str(catalog), "--format", "json")
    second = run("drift", str(catalog), "--format", "json", "--out", str(tmp_path / "d.json"))
    assert first.exit_code == second.exit_code == 2
    report = json.loads(first.output)
    assert report["digest"] == json.loads(second.output)["digest"]
    saved = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert saved["digest"] == report["digest"]
    (entry,) = report["entries"]
    assert entry["address"] == VAULT
    (field,) = entry["fields"]
    assert (field["path"], field["live"], field["files"]) == ("price", "6.2500", "5.5000")
    assert field["source"]["file"].endswith("google-workspace.yaml")

    replace_once(
        catalog / "catalog.yaml",
        "settings:\n",
        'settings:\n  ignore:\n    - address: service["*"].product["*"].addon["gws-*"]\n'
        "      fields: [price]\n",
    )
    ignored = run("drift", str(catalog))
    assert ignored.exit_code == 0, ignored.output
    assert "Ignored fields (settings.ignore): price on" in ignored.output
    planned = run("plan", str(catalog), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "Ignored fields (settings.ignore)" in planned.output


def test_an_object_created_in_the_ui_is_drift_though_plan_changes_nothing(
    demo_url: str, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog"
    assert run("export", "--out", str(catalog)).exit_code == 0
    (catalog / "services" / "legacy-hosting.yaml").unlink()
    assert run("plan", str(catalog), "--detailed-exitcode").exit_code == 0
    result = run("drift", str(catalog))
    assert result.exit_code == 2
    assert 'service["Legacy Hosting"] (id ' in result.output
    assert "is live but not in the files (and 2 below it)" in result.output


class _Reversed:
    """A live reader that returns every list in reverse order (and detail reads as they are)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)

        async def reversed_list(*args: Any) -> Any:
            found = await method(*args)
            return list(reversed(found)) if isinstance(found, list) else found

        return reversed_list


def test_the_digest_does_not_depend_on_the_order_of_reads() -> None:
    app = create_app(EmulatorConfig(seed="demo"))
    settings = demo_settings(IN_PROCESS_URL)
    loaded = load_catalog(EXAMPLE)

    async def digest(reverse: bool) -> str:
        async with open_read_only(settings, transport=httpx.ASGITransport(app=app)) as client:
            reader = _Reversed(client) if reverse else client
            plan = (await make_plan("c", loaded, reader, target_of(settings), now=NOW)).plan
        return drift_of(plan).digest

    forward, backward = asyncio.run(digest(False)), asyncio.run(digest(True))
    assert forward == backward
    assert forward.startswith("sha256:")


def test_drift_renderers_match_their_golden_files() -> None:
    plan, _ = plan_on("demo")
    report = drift_of(plan)
    assert report.count(DriftKind.MISSING) == 5
    assert report.count(DriftKind.UNMANAGED) == 2
    assert report.count(DriftKind.DISABLED) == 1
    assert_golden("drift/demo.txt", drift_render.render_text(report))
    assert_golden("drift/demo.md", drift_render.render_markdown(report))
    assert_golden("drift/demo.github", drift_render.render_github(report))
    assert_golden("drift/demo.json", drift_render.render_json(report))
    assert drift_render.render_markdown(report).startswith(
        f"<!-- catalog-sync drift: {report.digest} -->\n"
    )


def test_apply_markdown_report_goes_to_stdout_alone(demo_url: str, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    assert run("export", "--out", str(catalog)).exit_code == 0
    replace_once(
        catalog / "catalog.yaml",
        "settings:\n",
        'settings:\n  ignore:\n    - address: service["*"]\n      fields: [description]\n',
    )
    replace_once(
        catalog / "services" / "google-workspace.yaml",
        'itemCode: gws-vault\n            price: "5.00"',
        'itemCode: gws-vault\n            price: "5.50"',
    )
    markdown = run("plan", str(catalog), "--format", "markdown").output
    assert '_Ignored fields \\(settings\\.ignore\\): description on service\\["\\*"\\]_' in markdown
    applied = run("apply", str(catalog), "--yes", "--format", "markdown")
    assert applied.exit_code == 0, applied.output
    assert applied.stdout.startswith("## catalog-sync apply\n")
    assert f"- `~ {VAULT} updated`" in applied.stdout
    assert "Plan for" not in applied.stdout  # the plan went to stderr
    assert "Verification: every applied change reads back as planned." in applied.stdout
