"""No user text starts a line of its own in Markdown output (defect 8)."""

from __future__ import annotations

import pytest

from catalog_sync.apply.report import ApplyReport, Mismatch, OperationResult, Outcome
from catalog_sync.drift import DriftEntry, DriftKind, DriftReport, FieldDrift
from catalog_sync.graph import Address, Kind
from catalog_sync.plan.model import Action, FieldChange
from catalog_sync.render.apply_markdown import render_markdown as render_report_markdown
from catalog_sync.render.drift import render_markdown as render_drift_markdown
from catalog_sync.render.plan_markdown import render_markdown
from tests.apply.plans import CATALOG, TARGET, change, plan_of
from tests.apply.support import NOW


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


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028", "\x85"])
def test_a_line_break_in_an_apply_report_or_a_drift_report_stays_on_its_line(
    newline: str,
) -> None:
    """The apply report and the drift report put names and values in code spans too: every
    line break Python knows is flattened there, and a pipe in a drift table cell is escaped."""
    evil = f"Evil{newline}::error file=x::pwned | cell"
    service = Address.of(Kind.SERVICE, evil)
    report = ApplyReport(
        target=TARGET,
        catalog=CATALOG,
        started_at=NOW,
        finished_at=NOW,
        results=(
            OperationResult(
                address=str(service),
                kind=Kind.SERVICE,
                action=Action.CREATE,
                outcome=Outcome.FAILED,
                reason=f"rejected (400): {evil}",
            ),
        ),
        verified=True,
        mismatches=(Mismatch(address=str(service), field="name", expected=evil, actual="x"),),
    )
    drift = DriftReport(
        tool_version="0.1.0",
        created_at=NOW,
        target=TARGET,
        catalog=CATALOG,
        entries=(
            DriftEntry(
                address=service,
                kind=Kind.SERVICE,
                drift=DriftKind.CHANGED,
                id="s-1",
                fields=(FieldDrift(path="description", live=evil, files="fine"),),
            ),
        ),
        digest="sha256:" + "0" * 32,
    )
    for rendered in (render_report_markdown(report), render_drift_markdown(drift)):
        assert "pwned" in rendered
        assert not any(line.lstrip().startswith("::") for line in rendered.splitlines())
        assert f"{newline}::" not in rendered
    table_rows = [line for line in render_drift_markdown(drift).splitlines() if "pwned" in line]
    assert table_rows
    assert all("\\| cell" in row for row in table_rows)
