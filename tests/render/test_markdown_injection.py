"""No user text starts a line of its own in Markdown output (defect 8)."""

from __future__ import annotations

import pytest

from catalog_sync.graph import Address, Kind
from catalog_sync.plan.model import Action, FieldChange
from catalog_sync.render.plan_markdown import render_markdown
from tests.apply.plans import change, plan_of


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028", "\x85"])
def test_a_line_break_in_a_name_never_starts_a_workflow_command(newline: str) -> None:
    evil = f"Evil{newline}::error file=x::pwned"
    service = Address.of(Kind.SERVICE, evil)
    plan = plan_of(
        change(
            str(service),
            Kind.SERVICE,
            Action.CREATE,
            field_changes=(FieldChange(path="name", before=None, after=evil),),
        ),
        change(
            str(service.child(Kind.PRODUCT, f"p{newline}::warning::x")),
            Kind.PRODUCT,
            Action.CREATE,
            field_changes=(FieldChange(path="name", before=None, after=f"P{newline}::warning::x"),),
        ),
    )
    rendered = render_markdown(plan)
    assert "pwned" in rendered
    assert not any(line.lstrip().startswith("::") for line in rendered.splitlines())
    assert f"{newline}::" not in rendered
