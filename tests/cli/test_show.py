"""`catalog-sync show`: a saved plan in every format, without reading live state again."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.plan.planfile import read_plan, write_plan
from tests.plan.support import plan_on
from tests.workflow_support import run


@pytest.mark.parametrize("output_format", ["text", "markdown", "json", "github"])
def test_show_renders_the_saved_plan(
    output_format: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No API settings at all: show must not need them.
    for name in ("CLOUDMORE_API_URL", "GITHUB_SHA", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "true")
    plan, _ = plan_on("demo")
    saved = tmp_path / "plan.json"
    write_plan(plan, saved)
    result = run("show", str(saved), "--format", output_format)
    assert result.exit_code == 0, result.output
    assert result.output == render_plan(read_plan(saved), output_format)


def test_markdown_names_the_commit_and_carries_the_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    plan, _ = plan_on("demo")
    saved = tmp_path / "plan.json"
    write_plan(plan, saved)
    markdown = run("show", str(saved), "--format", "markdown").output
    first, heading = markdown.splitlines()[:2]
    assert first == "<!-- catalog-sync plan: catalogs/example -->"
    assert heading == "## catalog-sync plan"
    assert "at commit `0123456789abcdef`, against `http://emulator.test`" in markdown
    assert "(seller `11111111-1111-4111-8111-111111111111`)" in markdown
    assert run("show", str(saved), "--format", "github").exit_code == 0
    assert summary.read_text(encoding="utf-8").startswith("<!-- catalog-sync plan: ")


def test_show_reports_a_missing_plan_file(tmp_path: Path) -> None:
    result = run("show", str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert "cannot read the plan" in result.output
