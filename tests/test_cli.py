import gc
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import catalog_sync.cli
from catalog_sync import __version__
from catalog_sync.cli import main
from catalog_sync.cli.common import run_async


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"catalog-sync, version {__version__}"
    assert __version__ != "0.0.0+unknown"


def test_the_command_runs_the_cli_with_the_cyclic_collector_tuned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripts = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())[
        "project"
    ]["scripts"]
    assert scripts["catalog-sync"] == "catalog_sync.cli:run"
    called: list[str] = []
    monkeypatch.setattr(catalog_sync.cli, "main", lambda: called.append("main"))
    before = gc.get_threshold()
    try:
        catalog_sync.cli.run()
        assert called == ["main"]
        assert gc.get_threshold() == (100_000, 50, 100)
        assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_starting_the_cli_imports_no_terminal_rendering_library() -> None:
    # rich (the apply progress bar) and pygments (httpx's own CLI) cost a tenth of start-up.
    probe = "import sys, catalog_sync.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "'click'" in loaded
    assert "'rich'" not in loaded
    assert "'pygments'" not in loaded


class _Recorded:
    """A result that notes every repr() of it."""

    def __init__(self) -> None:
        self.reprs = 0

    def __repr__(self) -> str:
        self.reprs += 1
        return "<recorded>"


def test_run_async_hands_back_the_result_without_formatting_it() -> None:
    result = _Recorded()

    async def work() -> _Recorded:
        return result

    assert run_async(work()) is result
    assert result.reprs == 0
