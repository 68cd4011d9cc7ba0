"""The composite action (action.yml) runs its scripts against the emulator on 127.0.0.1 as a
runner would: plan, apply the saved plan, re-plan empty; a failing plan still leaves the body
the workflow posts; validate --online, drift and target give what the workflows read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from catalog_sync.apply.lock import target_key
from catalog_sync.cli.targets import artifact_name
from catalog_sync.emulator import DEMO
from catalog_sync.plan.model import Target
from catalog_sync.plan.planfile import read_plan
from catalog_sync.render.plan_markdown import comment_marker
from tests.apply.support import EXAMPLE
from tests.workflow_support import REPO, demo_url, replace_once, run_action

__all__ = ["demo_url"]

CATALOG = "catalogs/mine"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A catalog repository's checkout: the example catalog at catalogs/mine."""
    root = tmp_path / "workspace"
    shutil.copytree(EXAMPLE, root / CATALOG)
    return root


def test_plan_apply_and_plan_again_through_the_action(
    demo_url: str, workspace: Path, tmp_path: Path
) -> None:
    planned = run_action(
        {"command": "plan", "catalog": CATALOG, "baseline": "../base/" + CATALOG},
        workspace,
        tmp_path / "runner-1",
    )

    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert planned.installs == [f"-m pip install --disable-pip-version-check --quiet {REPO}"]
    assert planned.outputs["exit-code"] == "2"
    assert planned.outputs["change-classes"]
    assert int(planned.outputs["changes"]) > 0
    assert planned.outputs["safety-findings"] == "0"
    # A pull request that adds the catalog has no base catalog: said, and planned without it.
    assert f"::notice title=catalog-sync::no baseline catalog at ../base/{CATALOG}" in (
        planned.stdout
    )
    assert any(line.startswith("::notice ") for line in planned.stdout.splitlines())
    saved = read_plan(Path(planned.outputs["plan-path"]))
    assert saved.catalog.path == CATALOG
    report = planned.report()
    assert report.splitlines()[0] == comment_marker(CATALOG)
    assert report in planned.summary

    applied = run_action(
        {"command": "apply", "plan": planned.outputs["plan-path"]},
        workspace,
        tmp_path / "runner-2",
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.outputs["exit-code"] == "0"
    assert applied.outputs["plan-path"] == planned.outputs["plan-path"]
    assert applied.report() in applied.summary
    assert "every applied change reads back as planned" in applied.report()

    again = run_action({"command": "plan", "catalog": CATALOG}, workspace, tmp_path / "runner-3")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.outputs["exit-code"] == "0"
    assert again.outputs["changes"] == "0"
    assert again.outputs["change-classes"] == ""


def test_a_failing_plan_still_leaves_the_comment_body_and_fails_the_step(
    demo_url: str, workspace: Path, tmp_path: Path
) -> None:
    replace_once(
        workspace / CATALOG / "services" / "cloud-pbx.yaml",
        "categories: [Communication]",
        "categories: [No Such Category]",
    )

    failed = run_action({"command": "plan", "catalog": CATALOG}, workspace, tmp_path / "runner")

    assert failed.returncode == 1
    assert failed.outputs["exit-code"] == "1"
    assert failed.outputs["plan-path"] == ""
    body = failed.report()
    lines = body.splitlines()
    # The plan comment's own marker: the workflow updates the one comment with it.
    assert lines[0] == comment_marker(CATALOG)
    assert len(lines) > 1
    assert body in failed.summary
    assert "::error title=catalog-sync::catalog-sync plan failed (exit code 1)" in failed.stdout
    assert "No Such Category" in failed.stderr + failed.stdout


def test_validate_online_resolves_names_and_annotates_what_does_not(
    demo_url: str, workspace: Path, tmp_path: Path
) -> None:
    inputs = {"command": "validate", "catalog": CATALOG, "online": "true"}
    valid = run_action(inputs, workspace, tmp_path / "runner-1")
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert valid.outputs["exit-code"] == "0"
    assert "were not checked" not in valid.stderr  # names were checked online

    replace_once(
        workspace / CATALOG / "services" / "cloud-pbx.yaml",
        "categories: [Communication]",
        "categories: [No Such Category]",
    )
    invalid = run_action(inputs, workspace, tmp_path / "runner-2")
    assert invalid.returncode == 1
    assert invalid.outputs["exit-code"] == "1"
    assert any(
        line.startswith("::error file=") and "No Such Category" in line
        for line in invalid.stdout.splitlines()
    ), invalid.stdout


def test_drift_hands_on_the_json_report_and_its_markdown(
    demo_url: str, workspace: Path, tmp_path: Path
) -> None:
    drifted = run_action({"command": "drift", "catalog": CATALOG}, workspace, tmp_path / "r")
    assert drifted.returncode == 0, drifted.stdout + drifted.stderr  # drift is an answer
    assert drifted.outputs["exit-code"] == "2"
    report = json.loads(Path(drifted.outputs["drift-path"]).read_text(encoding="utf-8"))
    assert report["digest"].startswith("sha256:")
    assert drifted.report()
    assert drifted.report() in drifted.summary


def test_target_gives_the_lock_key_for_the_concurrency_group(
    demo_url: str, workspace: Path, tmp_path: Path
) -> None:
    found = run_action({"command": "target"}, workspace, tmp_path / "r")
    assert found.returncode == 0, found.stdout + found.stderr
    expected = target_key(Target(api_url=demo_url, seller_id=DEMO.seller_id))
    assert found.outputs["target"] == expected
    assert expected.startswith("http://localhost:")


def test_an_unknown_command_fails_with_an_annotation(workspace: Path, tmp_path: Path) -> None:
    failed = run_action({"command": "destroy"}, workspace, tmp_path / "r")
    assert failed.returncode == 1
    assert "::error title=catalog-sync action::unknown command 'destroy'" in failed.stdout
    assert failed.outputs["exit-code"] == "1"


def test_catalogs_gives_the_matrix_of_every_catalog_with_its_credentials_and_key(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = workspace / "catalogs" / "broker"
    broker.mkdir(parents=True)
    (broker / "catalog.yaml").write_text("settings:\n  side: broker\n", encoding="utf-8")
    (workspace / "pyproject.toml").write_text(
        '[tool.catalog-sync]\ncatalogs = ["catalogs/*"]\n', encoding="utf-8"
    )
    monkeypatch.setenv("CATALOG_SYNC_CREDENTIALS", '{"catalogs/broker": "ACME"}')
    variables = {
        "CLOUDMORE_ENVIRONMENT": "eu",
        "CLOUDMORE_SELLER_ID": DEMO.seller_id,
        "ACME_ENVIRONMENT": "eu",
        "ACME_SELLER_ID": DEMO.seller_id,
        "ACME_RESELLER_ID": DEMO.reseller_id,
    }
    monkeypatch.setenv("CATALOG_SYNC_VARIABLES", json.dumps(variables))
    found = run_action({"command": "catalogs"}, workspace, tmp_path / "r")
    assert found.returncode == 0, found.stdout + found.stderr
    seller = f"https://api.cloudmore.com:443/ seller={DEMO.seller_id}"
    assert json.loads(found.outputs["catalogs"]) == [
        {
            "catalog": "catalogs/broker",
            "side": "broker",
            "credentials": "ACME",
            "key": f"{seller} reseller={DEMO.reseller_id}",
            "name": artifact_name("catalogs/broker"),
        },
        {
            "catalog": "catalogs/mine",
            "side": "seller",
            "credentials": "CLOUDMORE",
            "key": seller,
            "name": artifact_name("catalogs/mine"),
        },
    ]
    # Each catalog's artifacts (catalog-plan-NAME) have a name of their own, one GitHub takes.
    assert artifact_name("catalogs/broker").startswith("catalogs-broker-")
    assert artifact_name("a/b-c") != artifact_name("a-b/c")
    assert not set('/\\":<>|*?') & set(artifact_name('catalogs/we:ird "one"'))
