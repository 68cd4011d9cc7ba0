"""`plan --format github` stays within GitHub's limit of 10 annotations per type and step."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from catalog_sync.emulator import EmulatorConfig, serve_in_thread
from catalog_sync.render.plan_markdown import comment_marker
from tests.apply.support import EXAMPLE, cli, copy_catalog, use_emulator

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


def test_a_plan_that_fails_on_an_unknown_category_still_reaches_the_pull_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = copy_catalog(tmp_path)
    service = catalog / "services" / "cloud-pbx.yaml"
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace("[Communication]", "[Comunication]"), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "[Communication]" in row)
    summary, comment = tmp_path / "summary.md", tmp_path / "out" / "plan.md"
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        use_emulator(monkeypatch, url)
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        result = cli("plan", str(catalog), "--format", "github", "--markdown-out", str(comment))

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (annotation,) = [row for row in result.stdout.splitlines() if row.startswith("::error")]
    assert annotation.startswith(f"::error file={service.as_posix()},line={line},col=")
    assert "Comunication" in annotation
    body = comment.read_text(encoding="utf-8")
    assert body.splitlines()[0] == comment_marker(catalog.as_posix())
    assert "## catalog-sync plan: failed" in body
    assert f"| `{service.as_posix()}:{line}:" in body
    assert "Comunication" in body
    assert summary.read_text(encoding="utf-8") == body
    assert "error:" in result.stderr  # as every command reports an error


def test_a_plan_that_fails_on_credentials_says_so_in_an_annotation_and_the_comment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comment = tmp_path / "plan.md"
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        use_emulator(monkeypatch, url)
        monkeypatch.setenv("CLOUDMORE_PASSWORD", "not-the-password")
        result = cli("plan", str(EXAMPLE), "--format", "github", "--markdown-out", str(comment))

    assert result.exit_code == 1
    (annotation,) = [row for row in result.stdout.splitlines() if row.startswith("::error")]
    assert annotation.startswith("::error title=catalog-sync plan::the plan could not be made: ")
    body = comment.read_text(encoding="utf-8")
    assert body.startswith(comment_marker(EXAMPLE.as_posix()) + "\n## catalog-sync plan: failed")
    assert "> [!CAUTION]" in body
    assert "not-the-password" not in result.output + body


def test_markdown_out_holds_the_comment_of_a_plan_that_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    comment = tmp_path / "plan.md"
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        use_emulator(monkeypatch, url)
        result = cli("plan", str(EXAMPLE), "--format", "json", "--markdown-out", str(comment))
    assert result.exit_code == 0, result.output
    body = comment.read_text(encoding="utf-8")
    assert body.startswith(comment_marker(EXAMPLE.as_posix()) + "\n## catalog-sync plan\n")


def test_a_plan_with_no_catalog_to_find_still_writes_its_comment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()  # the repository's top: the search for a catalog stops here
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_STEP_SUMMARY", "CLOUDMORE_API_URL", "CI"):
        monkeypatch.delenv(name, raising=False)
    result = cli("plan", "--format", "github", "--markdown-out", "plan.md")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "::error " in result.stdout
    body = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert body.startswith(comment_marker(".") + "\n## catalog-sync plan: failed")
    assert "no catalog here" in body
