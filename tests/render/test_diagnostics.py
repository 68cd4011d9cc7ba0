"""The diagnostic renderers against golden files; set UPDATE_GOLDEN=1 to rewrite them."""

import json
import os
import re
from pathlib import Path

import pytest

from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.render.diagnostics import (
    FORMATS,
    render_github,
    render_json,
    render_text,
    summary,
)

GOLDEN = Path(__file__).parent / "golden"

SAMPLE = (
    Diagnostic(
        SourceLocation("catalogs/demo/services/a,b.yaml", 3, 5),
        "CS303",
        Severity.ERROR,
        "duplicate addon itemCode 'x' (first defined at catalogs/demo/services/a,b.yaml:2:5)",
    ),
    Diagnostic(
        SourceLocation("catalogs/demo/catalog.yaml", 12, 1),
        "CS105",
        Severity.ERROR,
        "YAML syntax error: 100% broken\r\nsecond line",
    ),
    Diagnostic(
        SourceLocation("catalogs/demo/brokers.yaml", 7, 20),
        "CS321",
        Severity.WARNING,
        "price 1 is below cost 2 (margin -1)",
    ),
)


def _golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(rendered.encode())
    assert rendered == path.read_bytes().decode()


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [("text", "diagnostics.txt"), ("json", "diagnostics.json"), ("github", "diagnostics.github")],
)
def test_each_format_matches_its_golden_file(output_format: str, golden: str) -> None:
    _golden(golden, FORMATS[output_format](SAMPLE))


def test_text_lines_start_with_file_line_column_and_code() -> None:
    lines = render_text(SAMPLE).splitlines()
    assert lines[0].startswith("catalogs/demo/services/a,b.yaml:3:5: CS303 error: duplicate")
    assert lines[1].endswith("YAML syntax error: 100% broken\\r\\nsecond line")
    assert lines[-1] == "2 errors, 1 warning"
    assert render_text(()) == "no problems\n"


def test_json_has_exactly_the_documented_fields() -> None:
    items = json.loads(render_json(SAMPLE))
    assert [set(item) for item in items] == [
        {"file", "line", "column", "code", "severity", "message"}
    ] * 3
    assert items[1] == {
        "file": "catalogs/demo/catalog.yaml",
        "line": 12,
        "column": 1,
        "code": "CS105",
        "severity": "error",
        "message": "YAML syntax error: 100% broken\r\nsecond line",
    }
    assert json.loads(render_json(())) == []


# A workflow command: ::name[ key=value(,key=value)*]::data, where no raw newline, and no
# unescaped ',' or ':' inside a property value, may appear.
_COMMAND = re.compile(r"::(error|warning)( [a-z]+=[^,:\r\n]*(,[a-z]+=[^,:\r\n]*)*)?::[^\r\n]*")


def test_github_output_is_valid_workflow_command_syntax() -> None:
    rendered = render_github(SAMPLE)
    assert rendered.endswith("\n")
    lines = rendered.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert _COMMAND.fullmatch(line), line
    assert lines[0].startswith("::error file=catalogs/demo/services/a%2Cb.yaml,line=3,col=5,")
    assert "title=CS303::" in lines[0]
    assert lines[1].endswith("::YAML syntax error: 100%25 broken%0D%0Asecond line")
    assert lines[2].startswith("::warning ")


def test_github_output_annotates_ten_per_severity_and_summarises_the_rest() -> None:
    many = [
        Diagnostic(SourceLocation("f.yaml", n, 1), "CS202", Severity.ERROR, f"problem {n}")
        for n in range(1, 14)
    ]
    many.append(Diagnostic(SourceLocation("f.yaml", 99, 1), "CS321", Severity.WARNING, "w"))
    lines = render_github(many).splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == 10  # GitHub shows no more
    note = "3 more errors not annotated (GitHub shows 10 of each type); run catalog-sync validate"
    assert any(line.startswith(note) for line in lines)
    assert sum(line.startswith("::warning") for line in lines) == 1
    for line in lines:
        assert _COMMAND.fullmatch(line) or line.startswith(note), line


def test_summary_counts() -> None:
    assert summary(SAMPLE[:1]) == "1 error, 0 warnings"
    assert summary(()) == "no problems"
