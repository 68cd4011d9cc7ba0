"""`catalog-sync export`: the live catalog as files that validate and plan nothing."""

from __future__ import annotations

from pathlib import Path

from tests.golden import assert_golden
from tests.workflow_support import demo_url, run

__all__ = ["demo_url"]


def test_export_from_the_demo_seed_validates_and_plans_nothing(
    demo_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    result = run("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [
        "brokers.yaml",
        "catalog.schema.json",
        "catalog.yaml",
        "services/cloud-pbx.yaml",
        "services/google-workspace.yaml",
        "services/legacy-hosting.yaml",
        "services/partner-sandbox.yaml",
    ]
    # The disabled service is reported, not silently dropped.
    assert 'not exported: service["Acronis Cyber Protect"]' in result.output

    validated = run("validate", str(out))
    assert validated.exit_code == 0, validated.output
    planned = run("plan", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.output

    for name in ("catalog.yaml", "brokers.yaml", "services/google-workspace.yaml"):
        text = (out / name).read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=")
        assert_golden(f"export/{name}", text)
    # Names, not ids: no GUID appears in any catalog file.
    for path in out.rglob("*.yaml"):
        assert "-4111-" not in path.read_text(encoding="utf-8")
    # Already in the canonical layout.
    assert run("fmt", "--check", str(out)).exit_code == 0


def test_export_refuses_a_non_empty_directory_without_force(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    stale = out / "services" / "gone.yaml"
    stale.parent.mkdir()
    stale.write_text("services: []\n", encoding="utf-8")

    refused = run("export", "--out", str(out))
    assert refused.exit_code == 1
    assert "is not empty (2 file(s))" in refused.output
    assert "--force" in refused.output
    assert stale.exists()
    assert not (out / "catalog.yaml").exists()

    forced = run("export", "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert not stale.exists(), "a catalog file live no longer has is removed"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me\n"
    assert run("plan", str(out), "--detailed-exitcode").exit_code == 0
