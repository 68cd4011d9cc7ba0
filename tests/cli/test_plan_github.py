"""`plan --format github` stays within GitHub's limit of 10 annotations per type and step."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from catalog_sync.emulator import EmulatorConfig, serve_in_thread
from tests.apply.support import EXAMPLE, cli, use_emulator

COMMAND = re.compile(r"^::(error|warning|notice)[ :]")


def test_the_example_onto_an_empty_seller_annotates_ten_per_type_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    with serve_in_thread(EmulatorConfig(seed="empty")) as url:
        use_emulator(monkeypatch, url)
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        result = cli("plan", str(EXAMPLE), "--format", "github")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    levels = Counter(m.group(1) for line in lines if (m := COMMAND.match(line)))
    assert levels == {"notice": 10}  # 52 creates, nothing to warn about
    first = next(line for line in lines if line.startswith("::notice"))
    assert "price: " in first  # price changes first
    written = summary.read_text(encoding="utf-8")
    assert "42 notices not annotated" in written
    assert "at most 10 annotations of each type" in written
    assert "## catalog-sync plan" in written
    assert "42 notices not annotated" in lines[-1]
