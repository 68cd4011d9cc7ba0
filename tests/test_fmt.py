"""`catalog-sync fmt`: golden layouts, idempotence, every comment kept, same catalog after."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from catalog_sync.catalog import load_catalog
from catalog_sync.fmt import format_text, unified_diff
from catalog_sync.limits import MAX_CATALOG_FILE_BYTES
from catalog_sync.plan.model import Plan
from tests.golden import assert_golden
from tests.plan.support import plan_on
from tests.workflow_support import run

INPUTS = Path(__file__).parent / "catalog" / "fmt_input"
NAMES = sorted(p.name.removesuffix(".in") for p in INPUTS.glob("*.yaml.in"))


def _comments(text: str) -> Counter[str]:
    return Counter(match.strip() for match in re.findall(r"#.*", text))


@pytest.mark.parametrize("name", NAMES)
def test_golden_layout_idempotent_and_every_comment_kept(name: str) -> None:
    source = (INPUTS / f"{name}.in").read_text(encoding="utf-8")
    formatted = format_text(source)
    assert formatted is not None
    assert formatted != source
    assert_golden(f"fmt/{name}", formatted)
    assert format_text(formatted) == formatted
    assert _comments(formatted) == _comments(source)


def _catalog(tmp_path: Path, name: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    for path in INPUTS.glob("*.yaml.in"):
        shutil.copy(path, directory / path.name.removesuffix(".in"))
    return directory


def _changes(plan: Plan) -> list[tuple[str, str, list[tuple[str, object, object]]]]:
    return [
        (c.address, c.action.value, [(f.path, f.before, f.after) for f in c.field_changes])
        for c in plan.changes
    ]


def test_the_formatted_catalog_validates_and_plans_the_same(tmp_path: Path) -> None:
    before = _catalog(tmp_path, "before")
    after = _catalog(tmp_path, "after")
    result = run("fmt", str(after))
    assert result.exit_code == 0, result.output
    assert "4 catalog file(s): 4 reformatted" in result.output
    assert load_catalog(after).catalog == load_catalog(before).catalog
    assert run("validate", str(after)).exit_code == 0
    planned_before, _ = plan_on("demo", before)
    planned_after, _ = plan_on("demo", after)
    assert _changes(planned_after) == _changes(planned_before)
    assert len(planned_after.changes) > 0


def test_check_lists_the_files_and_touches_none(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, "catalog")
    workflows = catalog / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    other = catalog / "notes.yaml"
    other.write_text("title:   not a catalog file\n", encoding="utf-8")
    snapshot = {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()}

    checked = run("fmt", "--check", str(catalog))
    assert checked.exit_code == 1
    listed = sorted(line for line in checked.output.splitlines() if line.startswith("would"))
    assert listed == [f"would reformat {catalog.as_posix()}/{name}" for name in NAMES]
    assert {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()} == snapshot

    assert run("fmt", str(catalog)).exit_code == 0
    assert run("fmt", "--check", str(catalog)).exit_code == 0
    assert other.read_text(encoding="utf-8") == "title:   not a catalog file\n"


def test_a_syntax_error_is_reported_at_its_position_and_the_file_left_alone(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "catalog.yaml"
    broken.write_text("services:\n  - name: [unclosed\n", encoding="utf-8")
    result = run("fmt", str(broken))
    assert result.exit_code == 1
    assert f"{broken.as_posix()}:3:1: CS105 error: YAML syntax error" in result.output
    assert "Traceback" not in result.output
    assert broken.read_text(encoding="utf-8") == "services:\n  - name: [unclosed\n"


def test_the_example_catalog_is_already_formatted() -> None:
    assert run("fmt", "--check", str(Path(__file__).parents[1] / "catalogs")).exit_code == 0


def test_a_comment_that_closes_a_block_stays_after_it() -> None:
    """A comment after a block's last value, indented into that block, is about the block: it
    must not move on to introduce the next object (catalog/layout.py, "Full-line comments")."""
    formatted = format_text((INPUTS / "trailing.yaml.in").read_text(encoding="utf-8"))
    assert formatted is not None
    lines = formatted.splitlines()

    def at(text: str) -> tuple[int, int]:
        (number,) = [n for n, line in enumerate(lines) if text in line]
        return number, len(lines[number]) - len(lines[number].lstrip())

    restore, restore_indent = at("- name: Restore")
    assert at("# c40")[0] == restore - 1
    assert at("# c40")[1] == restore_indent + 2  # the Backup addon's keys, before Restore's dash
    second, second_indent = at("- name: Second")
    assert at("# c41") == (second - 1, second_indent + 2)  # First's keys: its addons end
    assert at("# c42")[1] == second_indent + 2
    assert at("# c42")[0] > second
    assert at("# c43")[0] == at("vendorName:")[0] - 1
    assert at("# c44")[1] == at("vendorName:")[1]
    assert at("# c45") == (len(lines) - 1, 0)


def test_amounts_in_each_currency_take_the_model_order_and_currencies_keep_theirs() -> None:
    source = (
        "services:\n  - name: S\n    products:\n      - name: P\n        itemCode: p\n"
        "        prices:\n"
        '          SEK: {recommendedPrice: "3.00", cost: "1.00", price: "2.00"}\n'
        '          EUR:\n            cost: "1.00"\n            price: "2.00"\n'
    )
    formatted = format_text(source)
    assert formatted is not None
    assert formatted.endswith(
        "        prices:\n"
        '          SEK:\n            price: "2.00"\n            cost: "1.00"\n'
        '            recommendedPrice: "3.00"\n'
        '          EUR:\n            price: "2.00"\n            cost: "1.00"\n'
    )
    assert format_text(formatted) == formatted


def test_a_comment_after_the_document_end_marker_is_kept() -> None:
    """Issue 24, item 18: the layout dropped everything after ``...``."""
    source = "services:\n    - name: A # c1\n... # on the marker\n# c2 after the end\n\n# c3\n"
    formatted = format_text(source)
    assert formatted == (
        "services:\n  - name: A   # c1\n... # on the marker\n# c2 after the end\n\n# c3\n"
    )
    assert format_text(formatted) == formatted


def _alias_bomb(levels: int) -> str:
    lines = ["settings:", '  a0: &a0 ["x", "x", "x", "x"]']
    lines += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 4)}]" for n in range(1, levels)]
    return "\n".join([*lines, f"services: *a{levels - 1}", ""])


def test_fmt_leaves_an_alias_bomb_alone_as_validate_refuses_it(tmp_path: Path) -> None:
    """Issue 24, item 12: fmt laid out what the aliases expand to (each level x8 the time)."""
    bomb = tmp_path / "catalog.yaml"
    bomb.write_text(_alias_bomb(3), encoding="utf-8")
    result = run("fmt", str(tmp_path))
    assert result.exit_code == 1
    assert "CS107 error: YAML alias found" in result.output
    assert bomb.read_text(encoding="utf-8") == _alias_bomb(3)


def test_fmt_refuses_a_file_larger_than_validate_reads(tmp_path: Path) -> None:
    huge = tmp_path / "catalog.yaml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_CATALOG_FILE_BYTES + 1)
    result = run("fmt", str(huge))
    assert result.exit_code == 1
    assert "the file is too large to be a catalog file" in result.output


@pytest.mark.parametrize("plant", ["fifo", "link to /dev/zero"])
def test_fmt_refuses_a_fifo_or_a_device_without_waiting(tmp_path: Path, plant: str) -> None:
    """In a process of its own with a deadline: before the fix, each read never ended."""
    path = tmp_path / "catalog.yaml"
    if plant == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    result = subprocess.run(
        [sys.executable, "-m", "catalog_sync", "fmt", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "not a regular file" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_fmt_does_not_rewrite_through_a_link_out_of_the_catalog(tmp_path: Path) -> None:
    """Issue 24, item 18: a catalog file linked to a file elsewhere was rewritten there; a
    link inside the catalog is rewritten at its target and stays a link."""
    messy = "services:\n    - name:    A\n"
    outside = tmp_path / "elsewhere" / "shared.yaml"
    outside.parent.mkdir()
    outside.write_text(messy, encoding="utf-8")
    catalog = tmp_path / "catalog"
    (catalog / "shared").mkdir(parents=True)
    (catalog / "shared" / "b.yaml").write_text(messy.replace("A", "B"), encoding="utf-8")
    (catalog / "a.yaml").symlink_to(outside)
    (catalog / "b.yaml").symlink_to(catalog / "shared" / "b.yaml")

    result = run("fmt", str(catalog))
    assert result.exit_code == 1
    assert "outside the catalog" in result.output
    assert outside.read_text(encoding="utf-8") == messy
    assert (catalog / "a.yaml").is_symlink()
    assert (catalog / "b.yaml").is_symlink()
    assert (catalog / "shared" / "b.yaml").read_text(encoding="utf-8") == (
        "services:\n  - name: B\n"
    )


def test_fmt_reports_what_validate_reports_in_a_directory(tmp_path: Path) -> None:
    """Issue 24, item 12: fmt passed over a FIFO or a link to a device that validate reports."""
    os.mkfifo(tmp_path / "services.yaml")
    (tmp_path / "brokers.yaml").symlink_to("/dev/zero")
    result = run("fmt", str(tmp_path))
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if "not a regular file" in line]
    assert len(reported) == 2
    assert reported[0].startswith(f"{(tmp_path / 'brokers.yaml').as_posix()}:")
    assert reported[1].startswith(f"{(tmp_path / 'services.yaml').as_posix()}:")


def test_check_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, "catalog")
    messy = catalog / "messy.yaml"
    source = messy.read_text(encoding="utf-8")
    formatted = format_text(source)
    assert formatted is not None

    result = run("fmt", "--check", "--diff", str(catalog))

    assert result.exit_code == 1
    assert messy.read_text(encoding="utf-8") == source
    name = messy.as_posix()
    assert f"--- {name}\n+++ {name}\n@@ " in result.stdout
    # Every removed line is the source's and every added line the formatted text's.
    section = result.stdout.split(f"--- {name}\n", 1)[1].split("\n--- ", 1)[0]
    removed = [line[1:] for line in section.splitlines()[1:] if line.startswith("-")]
    added = [line[1:] for line in section.splitlines()[1:] if line.startswith("+")]
    assert removed
    assert all(line in source.splitlines() for line in removed)
    assert added
    assert all(line in formatted.splitlines() for line in added)
    assert "would reformat" not in result.stdout
    assert "4 catalog file(s): 4 would reformat" in result.stderr
    assert run("fmt", "--diff", str(catalog)).stdout == result.stdout


def test_the_pre_commit_fmt_hook_rewrites_the_files_it_is_given(tmp_path: Path) -> None:
    """pre-commit runs the hook's entry with the changed files and fails the hook when a file
    changed (docs: "modify files in the working directory"): the entry must rewrite them."""
    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "catalog-sync-fmt"]
    words = hook["entry"].split()
    assert words[0] == "catalog-sync"
    catalog = _catalog(tmp_path, "catalog")
    files = [str(p) for p in sorted(catalog.glob("*.yaml"))]

    result = run(*words[1:], *files)

    assert result.exit_code == 0, result.output
    assert result.stdout.count("reformatted ") == len(files)
    assert run("fmt", "--check", *files).exit_code == 0
    assert run(*words[1:], *files).stdout == ""


def test_a_relative_name_gets_git_prefixes_and_a_missing_last_newline_is_marked() -> None:
    diff = unified_diff("catalogs/x/catalog.yaml", "a: 1\nb: 2", "a: 1\nb: 3")
    assert diff.splitlines()[:2] == [
        "--- a/catalogs/x/catalog.yaml",
        "+++ b/catalogs/x/catalog.yaml",
    ]
    assert diff.endswith(
        "-b: 2\n\\ No newline at end of file\n+b: 3\n\\ No newline at end of file\n"
    )


def test_the_fmt_hook_leaves_a_yaml_file_outside_every_catalog_alone(tmp_path: Path) -> None:
    """pre-commit passes every changed YAML file of the repository, as to validate, which
    skips one outside every catalog: a docker-compose.yml holding only `services:` was laid
    out as a catalog file, its quoted "80:80" written bare (a YAML 1.1 reader's 4880)."""
    (tmp_path / ".git").mkdir()
    catalog = _catalog(tmp_path, "catalog")
    compose = tmp_path / "docker-compose.yml"
    text = 'services:\n  web:\n    image: "nginx"\n    ports: ["80:80"]\n'
    compose.write_text(text, encoding="utf-8")
    messy = catalog / "messy.yaml"

    checked = run("fmt", "--check", "--diff", str(compose), str(messy))
    assert "docker-compose.yml" not in checked.output
    assert f"+++ {messy.as_posix()}" in checked.stdout

    assert run("fmt", str(compose)).exit_code == 0
    assert compose.read_text(encoding="utf-8") == text
