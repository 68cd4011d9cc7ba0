"""Server text in output: every configured secret blanked in each form it may be echoed in,
whatever its length, and no line of output started by a server (issue 24, items 10 and 11)."""

from __future__ import annotations

import asyncio
import base64
import json
import tempfile
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from catalog_sync.apply import ApplyOptions, ApplyReport, apply_plan, read_journal
from catalog_sync.cli import main
from catalog_sync.cloudmore import ApiSettings, open_read_write
from catalog_sync.errors import ApiValidationError
from catalog_sync.graph import Kind
from catalog_sync.kinds.service import ServiceBody
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Action, FieldChange, Target
from catalog_sync.redact import redact, server_text
from catalog_sync.render.apply_json import render_json
from catalog_sync.render.apply_markdown import render_markdown
from catalog_sync.render.apply_text import render_previous_notice, render_report
from tests.apply.plans import change, plan_of
from tests.apply.support import EXAMPLE, FAST_RETRIES
from tests.cloudmore.fakes import SELLER, FakeCloudmore, FakeSleep

SHORT_PASSWORD = "q7-Zx"  # under 8 characters, as in the report
SHORT_SECRET = 'k"9\\/&'  # needs JSON escaping and URL encoding
CLIENT_ID = "ci.client"
SETTINGS = ApiSettings(
    api_url="https://cloudmore.test",
    username="user@example.com",
    password=SecretStr(SHORT_PASSWORD),
    client_id=CLIENT_ID,
    client_secret=SecretStr(SHORT_SECRET),
    seller_id=SELLER,
)
BASIC = base64.b64encode(f"{CLIENT_ID}:{SHORT_SECRET}".encode()).decode("ascii")
ECHOES = (
    BASIC,  # the Basic credentials without the word "Basic"
    BASIC.rstrip("="),
    SHORT_PASSWORD,
    quote(SHORT_SECRET, safe=""),
    json.dumps(SHORT_SECRET)[1:-1],
)


@pytest.mark.parametrize(
    "url",
    [
        "http://op:Pw-SECRET@127.0.0.1:99999",
        "http://op:Pw-SECRET@127.0.0.1:abc",
        "http://op:Pw-SECRET@[::1",
        "op:Pw-SECRET@127.0.0.1",
    ],
)
@pytest.mark.parametrize("command", ["plan", "doctor"])
def test_an_api_url_with_userinfo_that_fails_to_parse_is_never_shown(
    url: str, command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("CLOUDMORE_API_URL", url)
    result = CliRunner().invoke(main, [command, str(EXAMPLE)] if command == "plan" else [command])
    assert result.exit_code == 1
    assert "CLOUDMORE_API_URL" in result.output
    assert "Pw-SECRET" not in result.output
    assert "Traceback" not in result.output


def _plan_of_one_create() -> object:
    return plan_of(
        change(
            'broker["556677"]',
            Kind.BROKER,
            Action.CREATE,
            field_changes=(
                FieldChange(path="name", before=None, after="B"),
                FieldChange(path="registrationNumber", before=None, after="556677"),
            ),
        ),
        target=Target(api_url=SETTINGS.api_url, seller_id=SELLER),
    )


def _apply(respond: httpx.Response) -> tuple[ApplyReport, str, str]:
    """Apply one create the server answers with ``respond``: the report, the journal's text
    and the crash notice's text."""
    api = FakeCloudmore()
    api.add("POST", r"/brokers$", lambda request: respond, count=10)

    async def run() -> tuple[ApplyReport, str, str]:
        async with open_read_write(
            SETTINGS, transport=api.transport(), sleep=FakeSleep(), retry_policy=FAST_RETRIES
        ) as client:
            with tempfile.TemporaryDirectory() as directory:
                options = ApplyOptions(
                    journal_dir=Path(directory) / "journal", lock_dir=Path(directory)
                )
                report = await apply_plan(
                    _plan_of_one_create(),  # type: ignore[arg-type]
                    client,
                    target_of(SETTINGS),
                    options,
                )
                assert report.journal is not None
                journal = Path(report.journal)
                notice = render_previous_notice(read_journal(journal))
                return report, journal.read_text(encoding="utf-8"), notice

    return asyncio.run(run())


def test_short_secrets_and_their_encodings_echoed_in_a_400_are_blanked() -> None:
    reasons = {"Name": [f"bad {echo} here" for echo in ECHOES]}
    report, journal, notice = _apply(httpx.Response(400, json=reasons))
    (result,) = report.results
    assert result.reason is not None
    assert "[redacted]" in result.reason
    for shown in (result.reason, render_report(report), journal, notice):
        for echo in ECHOES:
            assert echo not in shown, (echo, shown)


@pytest.mark.parametrize(
    "respond",
    [
        httpx.Response(
            400,
            json={
                "Name\n::error title=pwned::x": ["bad\n::error title=pwned::name"],
                "Code": ["\r::warning::carriage", "\u2028::notice::separator"],
            },
        ),
        httpx.Response(500, text="oops\r::error::from a 500 body\r\n::error::again"),
    ],
    ids=["modelstate", "500-body"],
)
def test_no_server_text_starts_a_line_in_any_output(respond: httpx.Response) -> None:
    report, journal, notice = _apply(respond)
    (result,) = report.results
    assert result.reason is not None
    assert "::error" in result.reason  # shown, as text, not obeyed
    outputs = {
        "text": render_report(report),
        "json": render_json(report),
        "markdown": render_markdown(report),
        "journal": journal,
        "notice": notice,
    }
    for name, text in outputs.items():
        lines = text.replace("\r", "\n").replace("\u2028", "\n").splitlines()
        assert not [line for line in lines if line.lstrip().startswith("::")], name


@pytest.mark.anyio
async def test_an_error_message_and_its_reasons_hold_no_line_break() -> None:
    api = FakeCloudmore()
    api.add(
        "POST",
        r"/services$",
        lambda request: httpx.Response(400, json={"A\nB": ["c\rd", "e\x1b[2Jf"]}),
    )
    async with open_read_write(SETTINGS, transport=api.transport()) as client:
        with pytest.raises(ApiValidationError) as rejected:
            await client.create(Kind.SERVICE, (), ServiceBody(name="New service"))
    assert rejected.value.reasons == {"A\\nB": ("c\\rd", "e\\x1b[2Jf")}
    assert "\n" not in str(rejected.value)
    assert "\x1b" not in str(rejected.value)


def test_server_text_escapes_controls_and_redact_leaves_short_words_elsewhere() -> None:
    assert server_text("a\nb\rc\td\u2028e\x85f") == "a\\nb\\rc\td\\u2028e\\x85f"
    assert server_text(f"password was {SHORT_PASSWORD}.") == "password was [redacted]."
    # Outside server text a short credential is not searched for (it would blank words).
    assert redact(f"x {SHORT_PASSWORD}") == f"x {SHORT_PASSWORD}"
