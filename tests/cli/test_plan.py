"""`catalog-sync plan` end to end against the emulator served on 127.0.0.1."""

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from catalog_sync.emulator import DEMO, EmulatorConfig, serve_in_thread
from catalog_sync.plan.planfile import read_plan
from tests.apply.support import use_emulator
from tests.plan.support import EXAMPLE


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        yield url


def _env(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    use_emulator(monkeypatch, url)


def _plan(url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    _env(url, monkeypatch)
    return CliRunner().invoke(main, ["plan", *args])


def test_detailed_exitcode_is_2_with_changes_and_0_without(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _plan(demo_url, monkeypatch, str(EXAMPLE)).exit_code == 0
    changes = _plan(demo_url, monkeypatch, str(EXAMPLE), "--detailed-exitcode")
    assert changes.exit_code == 2, changes.output
    assert "Plan: 14 to create" in changes.output

    (tmp_path / "catalog.yaml").write_text("brokers: []\n", encoding="utf-8")
    with serve_in_thread(EmulatorConfig(seed="empty")) as empty_url:
        nothing = _plan(empty_url, monkeypatch, str(tmp_path), "--detailed-exitcode")
    assert nothing.exit_code == 0, nothing.output
    assert "No changes." in nothing.output


def test_out_records_the_target_and_no_secret(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "plans" / "plan.json"
    result = _plan(demo_url, monkeypatch, str(EXAMPLE), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    saved = read_plan(out)
    assert saved.target.api_url == demo_url
    assert saved.target.seller_id == DEMO.seller_id
    assert saved.catalog.digest.startswith("sha256:")
    assert saved.tool_version
    assert all(c.fingerprint for c in saved.changes if c.id is not None)
    text = out.read_text(encoding="utf-8")
    assert json.loads(text)["formatVersion"] == 4
    for secret in (DEMO.password, DEMO.client_secret):
        assert secret not in text
        assert secret not in result.output
    # Emulator tokens are JWTs; nothing shaped like one may be saved or printed.
    assert not re.search(r"eyJ[\w-]+\.[\w-]+\.", text + result.output)


def test_github_format_writes_the_job_summary(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    _env(demo_url, monkeypatch)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "--format", "github"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("::")
    marker, heading = summary.read_text(encoding="utf-8").splitlines()[:2]
    assert marker.startswith("<!-- catalog-sync plan: ")
    assert heading == "## catalog-sync plan"


def test_a_missing_catalog_is_a_clear_error(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = _plan(demo_url, monkeypatch, str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nowhere" in result.output


def test_catalog_sync_timings_prints_each_phase_of_plan_in_order(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOG_SYNC_TIMINGS", "1")
    result = _plan(demo_url, monkeypatch, str(EXAMPLE))
    assert result.exit_code == 0, result.output
    timings = [line.split() for line in result.stderr.splitlines() if line.startswith("timing:")]
    phases = [" ".join(parts[1:-2]) for parts in timings]
    assert phases == ["load files", "read live", "diff", "render"]
    assert all(float(parts[-2]) >= 0 and parts[-1] == "s" for parts in timings)
    assert "timing:" not in result.stdout


def test_without_catalog_sync_timings_plan_prints_no_timings(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CATALOG_SYNC_TIMINGS", raising=False)
    result = _plan(demo_url, monkeypatch, str(EXAMPLE))
    assert "timing:" not in result.output


@pytest.mark.parametrize("output_format", ["text", "json", "markdown", "github"])
def test_a_protect_entry_matching_nothing_is_a_warning_at_its_line_in_every_format(
    demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, output_format: str
) -> None:
    catalog = tmp_path / "example"
    shutil.copytree(EXAMPLE, catalog)
    root = catalog / "catalog.yaml"
    entries = [
        'service["Legacy Hosting"]',  # live only
        'service["Acronis Cyber Protect"].product["acp-workstation"]',  # in the files
        'service["Legacy Hostng"]',  # a typo: protects nothing
    ]
    text = root.read_text(encoding="utf-8")
    root.write_text(
        text + "  protect:\n" + "".join(f"    - '{e}'\n" for e in entries), encoding="utf-8"
    )
    typo_line = text.count("\n") + 1 + 3

    result = _plan(demo_url, monkeypatch, str(catalog), "--format", output_format)

    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if " CS405 " in line]
    assert warnings == [
        f"{root.as_posix()}:{typo_line}:7: CS405 warning: settings.protect entry "
        'service["Legacy Hostng"] matches no object in the files or live: check its '
        "spelling, or remove it"
    ]
    assert "CS405" not in result.stdout
