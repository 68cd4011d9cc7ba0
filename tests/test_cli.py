from click.testing import CliRunner

from catalog_sync import __version__
from catalog_sync.cli import main


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"catalog-sync, version {__version__}"
    assert __version__ != "0.0.0+unknown"
