"""Invisible characters and mixed-script look-alikes are shown escaped in every text, Markdown
and GitHub output, wherever the name came from (issue 24, item 18); JSON keeps the exact
strings, JSON-escaped."""

from __future__ import annotations

import json

import pytest

from catalog_sync.apply.report import ApplyReport, OperationResult, Outcome
from catalog_sync.catalog import Code
from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.drift import DriftEntry, DriftKind, DriftReport, FieldDrift
from catalog_sync.graph import Address, Kind
from catalog_sync.lookalike import visible
from catalog_sync.plan.model import Action, FieldChange, Plan, Unmanaged
from catalog_sync.render import diagnostics as diagnostics_render
from catalog_sync.render import drift as drift_render
from catalog_sync.render.apply_markdown import render_markdown as render_report_markdown
from catalog_sync.render.apply_text import render_report
from catalog_sync.render.plan_github import render_github_summary
from tests.apply.plans import CATALOG, TARGET, change, plan_of
from tests.apply.support import NOW

CYRILLIC_A = "\u0410cme"  # a Cyrillic "А", then Latin "cme"
HIDDEN = {
    "zero-width space": "Mail\u200bbox",
    "right-to-left override": "Cloud \u202eXBP",
    "soft hyphen": "Off\u00adice",
    "Cyrillic A": CYRILLIC_A,
}
RAW = ("\u200b", "\u202e", "\u00ad", "\u0410")
ESCAPED = ("Mail\\u200bbox", "Cloud \\u202eXBP", "Off\\u00adice", "\\u0410cme")


def _plan() -> Plan:
    changes = []
    for index, name in enumerate(HIDDEN.values()):
        service = Address.of(Kind.SERVICE, name)
        changes.append(
            change(
                str(service),
                Kind.SERVICE,
                Action.CREATE,
                field_changes=(
                    FieldChange(path="name", before=None, after=name),
                    FieldChange(path="description", before=None, after=f"about {name} {index}"),
                ),
            )
        )
    unmanaged = Unmanaged(address=Address.of(Kind.BROKER, CYRILLIC_A), kind=Kind.BROKER, id="b-1")
    return plan_of(*changes).model_copy(update={"unmanaged": (unmanaged,)})


@pytest.mark.parametrize("output_format", ["text", "markdown", "github"])
def test_a_plan_shows_hidden_and_look_alike_characters_escaped(output_format: str) -> None:
    rendered = render_plan(_plan(), output_format)
    for raw in RAW:
        assert raw not in rendered, output_format
    # GitHub annotations name the unmanaged object; the changes are in the step summary.
    for escaped in ESCAPED if output_format != "github" else ESCAPED[-1:]:
        assert escaped in rendered, (output_format, escaped)


def test_the_step_summary_shows_them_escaped() -> None:
    rendered = render_github_summary(_plan())
    assert not any(raw in rendered for raw in RAW)
    assert "\\u0410cme" in rendered


def test_json_keeps_the_exact_strings() -> None:
    rendered = render_plan(_plan(), "json")
    names = [c["address"] for c in json.loads(rendered)["changes"]]
    assert str(Address.of(Kind.SERVICE, CYRILLIC_A)) in names
    assert "\\u0410cme" not in rendered


def test_apply_reports_drift_and_diagnostics_show_them_escaped() -> None:
    service = Address.of(Kind.SERVICE, CYRILLIC_A)
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
                reason="rejected (400): name Mail\u200bbox is taken",
            ),
        ),
        verified=True,
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
                fields=(FieldDrift(path="description", live="Off\u00adice", files="Office"),),
            ),
        ),
        digest="sha256:" + "0" * 32,
    )
    found = Diagnostic(
        SourceLocation("catalog.yaml", 1, 1),
        Code.LOOKALIKE_KEY,
        Severity.WARNING,
        "name Cloud \u202eXBP",
    )
    outputs = {
        "apply text": render_report(report),
        "apply markdown": render_report_markdown(report),
        "drift text": drift_render.render_text(drift),
        "drift markdown": drift_render.render_markdown(drift),
        "drift github": drift_render.render_github(drift),
        "diagnostics": diagnostics_render.render_text([found]),
        "diagnostics github": diagnostics_render.render_github([found]),
    }
    for name, rendered in outputs.items():
        assert not any(raw in rendered for raw in RAW), name
    assert "\\u0410cme" in outputs["apply text"]
    assert "Mail\\u200bbox" in outputs["apply markdown"]
    assert "Off\\u00adice" in outputs["drift github"]
    assert "Cloud \\u202eXBP" in outputs["diagnostics github"]


def test_text_in_one_script_and_words_in_two_scripts_are_shown_as_they_are() -> None:
    for text in ("Облако", "Office 365 Бизнес", "Café Åre", "\x1b[32m+ name\x1b[0m\n"):
        assert visible(text) == text
    assert visible(visible("Mail\u200b \u0410cme")) == "Mail\\u200b \\u0410cme"
