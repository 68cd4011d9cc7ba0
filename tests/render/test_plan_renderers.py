"""The plan renderers against golden files made from the demo plan."""

import json
import re

import pytest

from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.plan.model import Plan
from catalog_sync.render.plan_markdown import escape_markdown, render_markdown
from catalog_sync.render.plan_text import render_text
from catalog_sync.render.plan_values import changes_money
from tests.golden import assert_golden
from tests.plan.support import plan_on

WORKFLOW_COMMAND = re.compile(r"^::(notice|warning|error)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::.*$")


@pytest.fixture(scope="module")
def demo_plan() -> Plan:
    return plan_on("demo")[0]


@pytest.mark.parametrize(
    ("output_format", "golden"),
    [
        ("text", "plan/demo.txt"),
        ("markdown", "plan/demo.md"),
        ("json", "plan/demo.json"),
        ("github", "plan/demo.github"),
    ],
)
def test_each_format_matches_its_golden_file(
    demo_plan: Plan, output_format: str, golden: str
) -> None:
    assert_golden(golden, render_plan(demo_plan, output_format))


def test_text_shows_price_changes_with_percent_and_a_summary(demo_plan: Plan) -> None:
    text = render_text(demo_plan)
    assert "  ~ price: 10.00 -> 12.00 (+20.0%)" in text
    assert text.rstrip().endswith(
        "Plan: 14 to create, 4 to update, 1 to enable, 3 to publish, 0 to delete, "
        "0 to disable. 2 unmanaged."
    )
    assert "\x1b[" not in text
    assert "\x1b[32m" in render_text(demo_plan, colour=True)


def test_json_round_trips_into_the_same_plan(demo_plan: Plan) -> None:
    data = json.loads(render_plan(demo_plan, "json"))
    assert data["formatVersion"] == 4
    assert data["digest"].startswith("sha256:")
    assert Plan.model_validate(data).model_copy(update={"digest": None}) == demo_plan


def test_github_output_is_workflow_commands_then_the_summary(demo_plan: Plan) -> None:
    *commands, last = render_plan(demo_plan, "github").splitlines()
    assert commands
    for line in commands:
        assert WORKFLOW_COMMAND.match(line), line
    assert last.startswith("Plan: ")
    # Price changes come first among the notices.
    first_change = next(c for c in demo_plan.changes if c.source is not None and changes_money(c))
    assert first_change.source is not None
    assert any(
        f"file={first_change.source.file},line={first_change.source.line}," in line
        for line in commands
    )


def test_markdown_escapes_user_text_and_stays_under_its_limit(demo_plan: Plan) -> None:
    assert escape_markdown("<b>*x*</b> | `y`") == r"&lt;b&gt;\*x\*&lt;/b&gt; \| \`y\`"
    small = render_markdown(demo_plan, limit=2_000)
    assert len(small) <= 2_000
    assert "more section(s) left out" in small
    assert "--format json" in small
    full = render_markdown(demo_plan)
    assert "left out" not in full
    assert full.index("| create |") < full.index("<details>")
