"""User mistakes end in a clear message and exit 1, never a traceback."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog_sync.cli import main
from tests.plan.support import EXAMPLE


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CLOUDMORE_API_URL", "http://[::1", "is not a valid URL"),
        ("CLOUDMORE_API_URL", "ftp://example.com", "must be an http:// or https:// URL with"),
        ("CLOUDMORE_READ_TIMEOUT", "nan", "must be a number greater than 0"),
        ("CLOUDMORE_READ_TIMEOUT", "inf", "must be a number greater than 0"),
    ],
)
def test_bad_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    code, output = _run("doctor")
    assert code == 1
    assert variable in output
    assert expected in output


@pytest.mark.parametrize("garbage", [b"{ not json", b"[]", b'{"format": 1}', b"\xff\xfe"], ids=str)
def test_a_damaged_embedded_state_file_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, garbage: bytes
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    for name in ("CLOUDMORE_API_URL", "CLOUDMORE_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".catalog-sync").mkdir()
    (tmp_path / ".catalog-sync" / "emulator-state.json").write_bytes(garbage)
    code, output = _run("plan", str(EXAMPLE))
    assert code == 1
    assert "cannot use the emulator's state file" in output
    assert "move it away" in output


def test_an_unwritable_plan_location_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, output = _run("plan", str(EXAMPLE), "--out", "afile/plan.json")
    assert code == 1
    assert "afile/plan.json: cannot write the plan" in output


def test_an_error_message_shows_invisible_characters_escaped(tmp_path: Path) -> None:
    """A right-to-left override in a name would reorder the message on a terminal: error
    messages show it escaped, as every text output does (issue 24, item 18)."""
    code, output = _run("show", str(tmp_path / "pl\u202enosj.json"))
    assert code == 1
    assert "pl\\u202enosj.json: cannot read the plan" in output
    assert "\u202e" not in output
