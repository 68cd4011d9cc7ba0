"""The apply report renderers and the unfinished-run notice against golden files; set
UPDATE_GOLDEN=1 to rewrite them."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from catalog_sync.apply.journal import JournalEntry, PreviousRun
from catalog_sync.apply.listener import Phase
from catalog_sync.apply.report import ApplyReport, Mismatch, OperationResult, Outcome
from catalog_sync.graph import Kind
from catalog_sync.plan.model import Action, CatalogRef, Change, Target
from catalog_sync.render.apply_json import render_json
from catalog_sync.render.apply_markdown import render_markdown as render_report_markdown
from catalog_sync.render.apply_progress import LineProgress, LiveProgress
from catalog_sync.render.apply_text import render_previous_run, render_report
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"
PBX = 'service["Cloud PBX"]'
MINUTES = f'{PBX}.product["pbx-minutes"]'

REPORT = ApplyReport(
    target=Target(
        api_url="http://127.0.0.1:8080", seller_id="11111111-1111-4111-8111-111111111111"
    ),
    catalog=CatalogRef(path="catalogs/example", digest="sha256:" + "ab" * 32),
    started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    finished_at=datetime(2026, 1, 2, 3, 4, 9, tzinfo=UTC),
    results=(
        OperationResult(
            address='broker["12345678"]',
            kind=Kind.BROKER,
            action=Action.CREATE,
            outcome=Outcome.DONE,
            id="0f0e0d0c-0000-4000-8000-000000000001",
            seconds=0.125,
        ),
        OperationResult(
            address=PBX, kind=Kind.SERVICE, action=Action.UPDATE, outcome=Outcome.DONE, id="s-1"
        ),
        OperationResult(
            address='service["Legacy Hosting"]',
            kind=Kind.SERVICE,
            action=Action.DISABLE,
            outcome=Outcome.DONE,
            id="s-2",
        ),
        OperationResult(
            address=MINUTES,
            kind=Kind.PRODUCT,
            action=Action.CREATE,
            outcome=Outcome.FAILED,
            reason="POST /api/sellers/1/services/s-1/products: rejected (400): "
            "MaxQuantity: The field MaxQuantity must not be less than MinQuantity.",
        ),
        OperationResult(
            address=f'{MINUTES}.addon["pbx-min-intl"]',
            kind=Kind.ADDON,
            action=Action.CREATE,
            outcome=Outcome.SKIPPED,
            reason=f"skipped because {MINUTES} failed",
            blocked_by=MINUTES,
        ),
        OperationResult(
            address=f"{PBX}.publish",
            kind=Kind.PUBLISH,
            action=Action.PUBLISH,
            outcome=Outcome.SKIPPED,
            id="s-1",
            reason=f"skipped because {MINUTES} failed",
            blocked_by=MINUTES,
        ),
        OperationResult(
            address='service["Secure Mail Gateway"]',
            kind=Kind.SERVICE,
            action=Action.CREATE,
            outcome=Outcome.NOT_ATTEMPTED,
            reason="--fail-fast stopped after the first failure",
        ),
    ),
    verified=True,
    mismatches=(
        Mismatch(
            address='service["Google Workspace"].product["payg"].addon["gws-std"]',
            field="price",
            expected="12.0000",
            actual="10.0000",
        ),
    ),
    forced=("maxUpdatePercent",),
    journal=".catalog-sync/journal/apply-20260102T030405000000Z-42.jsonl",
)


def _golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(rendered.encode())
    assert rendered == path.read_bytes().decode()


def test_the_text_report_matches_its_golden_file() -> None:
    _golden("apply_report.txt", render_report(REPORT))


def test_the_json_report_matches_its_golden_file_and_carries_ok_and_counts() -> None:
    rendered = render_json(REPORT)
    _golden("apply_report.json", rendered)
    data = json.loads(rendered)
    assert data["ok"] is False
    assert data["counts"] == {"done": 3, "failed": 1, "skipped": 2, "not_attempted": 1}
    assert data["results"][4]["blockedBy"] == MINUTES


def test_a_complete_report_says_so_and_colour_is_optional() -> None:
    done = REPORT.model_copy(update={"results": REPORT.results[:3], "mismatches": (), "forced": ()})
    text = render_report(done)
    assert text.endswith(
        "Verification: every applied change reads back as planned.\n"
        "Journal: .catalog-sync/journal/apply-20260102T030405000000Z-42.jsonl\n"
        "Apply complete: the live catalog matches the plan.\n"
    )
    assert "\x1b[" not in text
    assert "\x1b[32mApply complete" in render_report(done, colour=True)


def test_the_unfinished_run_notice_matches_its_golden_file() -> None:
    previous = PreviousRun(
        path=Path(".catalog-sync/journal/apply-20260102T030405000000Z-42.jsonl"),
        started_at="2026-01-02T03:04:05+00:00",
        finished=False,
        results=(
            JournalEntry('broker["12345678"]', "create", "done", "b-1"),
            JournalEntry(PBX, "update", "done", "s-1"),
            JournalEntry(MINUTES, "create", "failed", None, "server error (500)"),
            JournalEntry('service["Secure Mail Gateway"]', "create", "not_attempted"),
        ),
        in_flight=(JournalEntry('service["Managed Firewall"]', "create"),),
    )
    _golden("apply_previous_run.txt", render_previous_run(previous))


def test_plain_progress_lines_count_settled_changes() -> None:
    lines: list[str] = []
    progress = LineProgress(lines.append)
    progress.phase(Phase.APPLYING, 7)
    for result in REPORT.results[:4]:
        progress.finished(result)
    progress.finished(REPORT.results[-1])  # not attempted: no line of its own
    assert lines == [
        "apply: applying",
        'apply: [1/7] broker["12345678"] created',
        f"apply: [2/7] {PBX} updated",
        'apply: [3/7] service["Legacy Hosting"] disabled',
        f"apply: [4/7] {MINUTES} FAILED: {REPORT.results[3].reason}",
    ]


def test_the_live_progress_bar_draws_on_a_terminal_and_prints_failures() -> None:
    stream = io.StringIO()
    with LiveProgress(stream, force_terminal=True) as progress:
        progress.phase(Phase.APPLYING, len(REPORT.results))
        for result in REPORT.results:
            # Progress reads only what a change is and where, not the rest of it.
            started = Change.model_construct(
                address=result.address, kind=result.kind, action=result.action
            )
            progress.started(started)
            progress.finished(result)
    drawn = stream.getvalue()
    assert f"{MINUTES} FAILED: POST" in drawn
    # Never started: counted by the report and listed by the journal, not printed one by one.
    assert "not attempted" not in drawn


def test_the_markdown_report_matches_its_golden_file() -> None:
    rendered = render_report_markdown(REPORT, commit="0123abc")
    assert rendered.startswith("## catalog-sync apply\n")
    assert "**incomplete**" in rendered
    assert_golden("apply_report.md", rendered)
