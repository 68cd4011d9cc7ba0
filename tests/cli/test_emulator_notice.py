"""The built-in emulator is never mistaken for Cloudmore (issue 23): without credentials,
plan and apply run against demo data with one note on stderr, every format's header says so,
and apply says it on the line before it asks or proceeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog_sync.render.plan_values import EMULATOR_LINE
from tests.apply.support import cli, copy_catalog
from tests.plan.support import EXAMPLE

START_UP_NOTE = "note: no Cloudmore API configured"
APPLY_NOTE = "note: applying to the built-in emulator"


@pytest.fixture(autouse=True)
def no_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CI",
        "CLOUDMORE_API_URL",
        "CLOUDMORE_ENVIRONMENT",
        "CLOUDMORE_USERNAME",
        "CLOUDMORE_PASSWORD",
        "CLOUDMORE_CLIENT_SECRET",
        "CLOUDMORE_SELLER_ID",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # the embedded emulator keeps its state here


def test_every_plan_format_says_in_its_header_that_it_is_the_emulator() -> None:
    headers = {}
    for output_format in ("text", "markdown", "json", "github"):
        result = cli("plan", str(EXAMPLE), "--format", output_format)
        assert result.exit_code == 0, result.output
        assert result.stderr.count(START_UP_NOTE) == 1
        headers[output_format] = result.stdout.splitlines()
    assert headers["text"][1] == EMULATOR_LINE
    assert headers["markdown"][5:7] == ["> [!NOTE]", f"> **{_escaped(EMULATOR_LINE)}**"]
    assert json.loads("\n".join(headers["json"]))["target"]["emulator"] is True
    assert headers["github"][0] == EMULATOR_LINE
    notice = "::notice title=catalog-sync target::"
    assert any(line.startswith(notice) for line in headers["github"])


def _escaped(text: str) -> str:
    return text.replace(".", "\\.").replace("(", "\\(").replace(")", "\\)").replace("-", "\\-")


def test_apply_says_so_on_the_line_before_it_proceeds(tmp_path: Path) -> None:
    catalog = copy_catalog(tmp_path)
    result = cli("apply", str(catalog), "--yes")
    assert result.exit_code == 0, result.output
    errors = result.stderr.splitlines()
    assert sum(line.startswith(START_UP_NOTE) for line in errors) == 1
    (at,) = [i for i, line in enumerate(errors) if line.startswith(APPLY_NOTE)]
    assert "not to Cloudmore" in errors[at]
    # Nothing but the run's own progress comes after it: the plan and its warnings are above.
    assert not any("CS" in line or "Plan:" in line for line in errors[at + 1 :])
    assert result.stdout.splitlines()[1] == EMULATOR_LINE  # the report's header


def test_applying_a_saved_plan_says_so_too(tmp_path: Path) -> None:
    catalog = copy_catalog(tmp_path)
    saved = tmp_path / "plan.json"
    assert cli("plan", str(catalog), "--out", str(saved)).exit_code == 0
    result = cli("apply", str(saved))
    assert result.exit_code == 0, result.output
    errors = result.stderr.splitlines()
    (at,) = [i for i, line in enumerate(errors) if line.startswith(APPLY_NOTE)]
    assert errors[at - 1].startswith("applying the saved plan")
