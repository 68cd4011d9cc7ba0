"""The unreadable fields, once per kind, in every plan format's header (docs/contracts.md,
"Unreadable fields"), and nothing planned for them."""

from __future__ import annotations

import json

import pytest

from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.graph import Kind
from tests.plan.support import plan_on


@pytest.fixture(scope="module")
def thin() -> object:
    plan, _ = plan_on("demo", variants=("service-thin",))
    return plan


def test_a_thin_service_read_plans_nothing_for_what_it_lacks(thin: object) -> None:
    plan, _ = plan_on("demo")
    from catalog_sync.plan.model import Plan

    assert isinstance(thin, Plan)
    # Against the whole reads the demo seed plans Acronis's enable, Cloud PBX's description and
    # publish; the thin reads lack status, description and publish: none of them is planned.
    whole = {(c.address, c.action.value) for c in plan.changes}
    planned = {(c.address, c.action.value) for c in thin.changes}
    assert ('service["Acronis Cyber Protect"]', "enable") in whole
    assert ('service["Cloud PBX"].publish', "publish") in whole
    assert not [a for a in planned if a[0] in ('service["Acronis Cyber Protect"]',)]
    assert ('service["Cloud PBX"]', "update") not in planned
    assert ('service["Cloud PBX"].publish', "publish") not in planned
    assert {(u.kind, u.fields) for u in thin.unreadable} == {
        (Kind.SERVICE, ("categories", "description", "provisioningType", "status")),
        (Kind.PUBLISH, ("brokers", "countries", "regions", "to")),
    }


@pytest.mark.parametrize("output_format", ["text", "markdown", "github", "json"])
def test_every_format_names_the_unreadable_fields_once(thin: object, output_format: str) -> None:
    from catalog_sync.plan.model import Plan

    assert isinstance(thin, Plan)
    rendered = render_plan(thin, output_format)
    if output_format == "json":
        data = json.loads(rendered)
        assert [entry["kind"] for entry in data["unreadable"]] == ["service", "publish"]
        return
    assert rendered.count("Unreadable fields") == 1
    plain = rendered.replace("\\", "")  # Markdown escapes the brackets
    assert "service: categories, description, provisioningType, status (5 objects)" in plain


def test_a_plan_with_every_field_read_has_no_unreadable_key() -> None:
    plan, _ = plan_on("demo")
    assert "unreadable" not in json.loads(render_plan(plan, "json"))
    assert "Unreadable" not in render_plan(plan, "text")
