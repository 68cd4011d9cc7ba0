"""Seller webhooks end to end (docs/contracts.md, "Seller webhooks", "Write-only secrets"):
the files' rules, one list read per read, apply, drift, export, and secrets that never leave
the request body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from catalog_sync.apply import ApplyOptions, apply_plan
from catalog_sync.catalog import Code, load_catalog
from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.drift import drift_of
from catalog_sync.emulator import EmulatorConfig, FaultConfig, ScriptedFault
from catalog_sync.emulator.webhook import TABLE, replace_webhook
from catalog_sync.errors import CatalogError
from catalog_sync.export import export_catalog
from catalog_sync.fmt import format_text
from catalog_sync.graph import Kind
from catalog_sync.live.reader import read_live
from catalog_sync.plan.build import make_plan, refuse_unset_secrets, target_of
from catalog_sync.plan.model import Action
from catalog_sync.plan.planfile import write_plan
from tests.apply.support import (
    InProcess,
    cli,
    copy_catalog,
    plan_and_apply,
    plan_with,
    served_http,
)

PASSWORD_VARIABLE = "WH20_TEST_CONNECTOR_PASSWORD"
TOKEN_VARIABLE = "WH20_TEST_CONNECTOR_TOKEN"
PASSWORD = "pw-Very-Secret-4711"
TOKEN = "tok-Also-Secret-0815"
ACRONIS_HOOK = 'service["Acronis Cyber Protect"].webhook["provision"]'
GWS_HOOK = 'service["Google Workspace"].webhook["provision"]'


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def secrets_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)


def _with_secrets(tmp_path: Path, settings: str | None = None) -> Path:
    """The example catalog, its Acronis webhook authenticating with a password and a header."""
    catalog = copy_catalog(tmp_path, settings=settings)
    path = catalog / "services" / "acronis.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "        httpHeader:\n"
        + "          name: X-Connector-Token\n"
        + f"          value: {{env: {TOKEN_VARIABLE}}}\n"
        + "        basicAuthUserName: cloudmore\n"
        + f"        basicAuthPassword: {{env: {PASSWORD_VARIABLE}}}\n",
        encoding="utf-8",
    )
    return catalog


def _hooks(emulator: InProcess) -> dict[str, dict[str, Any]]:
    store = emulator.app.state.emulator.store
    names = {sid: s["name"] for sid, s in store.services.items()}
    return {f"{names[r['serviceId']]}/{r['name']}": r for r in store.table(TABLE).values()}


def _webhook_gets(entries: list[dict[str, Any]]) -> int:
    return sum(1 for e in entries if e["method"] == "GET" and e["path"].endswith("/webhooks"))


# --- the files ------------------------------------------------------------------------------


def _service(name: str, provisioning: str, hooks: str) -> str:
    return (
        f"  - name: {name}\n    categories: [Security]\n"
        f"    provisioningType: {provisioning}\n{hooks}"
    )


def _codes(diagnostics: Any) -> list[tuple[str, str]]:
    return sorted((str(d.code), d.message) for d in diagnostics)


def test_validate_requires_https_an_env_name_and_a_name_unique_in_its_service(
    tmp_path: Path,
) -> None:
    hooks = (
        "    webhooks:\n"
        "      - {name: a, url: http://c.example.com/x, triggerEventType: SubscriptionCreated}\n"
        "      - {name: b, url: https://c.example.com/x, triggerEventType: SubscriptionCreated,\n"
        "         basicAuthPassword: {env: 1BAD}}\n"
        "      - {name: c, url: https://c.example.com/x, triggerEventType: SubscriptionCreated}\n"
        "      - {name: C, url: https://c.example.com/y, triggerEventType: SubscriptionCreated}\n"
    )
    (tmp_path / "catalog.yaml").write_text(
        "services:\n" + _service("Hooked", "Webhook", hooks), encoding="utf-8"
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    found = {(str(d.code), d.line) for d in raised.value.diagnostics}
    # The webhooks with schema errors are left out of the checks; the duplicate is still
    # found, at the second of the two.
    assert found == {
        (Code.INVALID_URL, 6),
        (Code.INVALID_ENV_NAME, 8),
        (Code.DUPLICATE_WEBHOOK, 10),
    }


def test_validate_warns_of_unknown_events_provisioning_and_unset_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WH20_UNSET_VARIABLE", raising=False)
    hooked = (
        "    webhooks:\n"
        "      - {name: a, url: https://c.example.com/a, triggerEventType: SomethingElse}\n"
        "      - {name: b, url: https://c.example.com/b, triggerEventType: SubscriptionSuspended,\n"
        "         basicAuthPassword: {env: WH20_UNSET_VARIABLE}}\n"
    )
    mailed = (
        "    webhooks:\n"
        "      - {name: m, url: https://c.example.com/m, triggerEventType: BrokerAddService}\n"
    )
    (tmp_path / "catalog.yaml").write_text(
        "services:\n"
        + _service("Hooked", "Webhook", hooked)
        + _service("Mailed", "Email", mailed)
        + _service("Silent", "Webhook", ""),
        encoding="utf-8",
    )
    loaded = load_catalog(tmp_path)
    codes = sorted(str(d.code) for d in loaded.warnings)
    assert codes == sorted(
        [Code.UNKNOWN_EVENT_TYPE, Code.VARIABLE_UNSET, Code.PROVISIONING_MISMATCH] * 1
        + [Code.PROVISIONING_MISMATCH]
    )
    messages = " ".join(d.message for d in loaded.warnings)
    assert "SomethingElse" in messages
    assert "SubscriptionSuspended" not in messages
    assert "WH20_UNSET_VARIABLE" in messages
    assert "'Silent' is provisioned by Webhook but has no webhooks" in messages
    assert "'Mailed' is provisioned by Email" in messages


def test_the_example_catalog_is_warning_free() -> None:
    assert load_catalog(Path(__file__).parents[2] / "catalogs" / "example").warnings == ()


# --- reads ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_no_change_plan_reads_webhooks_once_and_a_one_webhook_apply_twice(
    tmp_path: Path,
) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        await plan_and_apply(client, emulator.settings, tmp_path / "converge")
        seq = emulator.requests()[-1]["seq"]
        unchanged = await plan_with(client, emulator.settings)
        assert unchanged.changes == ()
        plan_reads = [e for e in emulator.requests() if e["seq"] > seq]
        # Three webhooks on two services (five services in all): one list.
        assert _webhook_gets(plan_reads) == 1

        catalog = copy_catalog(tmp_path)
        path = catalog / "services" / "google-workspace.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("/google-workspace\n", "/gws-v2\n", 1), encoding="utf-8")
        plan = await plan_with(client, emulator.settings, catalog)
        assert [(c.address, c.action) for c in plan.changes] == [(GWS_HOOK, Action.UPDATE)]
        seq = emulator.requests()[-1]["seq"]
        report = await apply_plan(
            plan, client, target_of(emulator.settings), ApplyOptions(journal_dir=tmp_path / "j")
        )
        assert report.ok
        assert report.verified
        applied = [e for e in emulator.requests() if e["seq"] > seq]
        # Before writing (the stale check) and after (the verification): no more.
        assert _webhook_gets(applied) == 2
        assert [e["method"] for e in applied if e["method"] != "GET"] == ["PUT"]
        assert (await plan_with(client, emulator.settings, catalog)).changes == ()
    assert _hooks(emulator)["Google Workspace/provision"]["url"].endswith("/gws-v2")


# --- apply and secrets ------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.usefixtures("secrets_set")
async def test_create_update_delete_send_the_secrets_and_replan_empty(tmp_path: Path) -> None:
    emulator = InProcess("empty")
    catalog = _with_secrets(tmp_path, settings="settings:\n  prune: true\n")
    async with emulator.client() as client:
        plan, report = await plan_and_apply(client, emulator.settings, tmp_path / "j", catalog)
        assert report.ok
        assert report.verified
        assert not report.mismatches
        created = next(c for c in plan.changes if c.address == ACRONIS_HOOK)
        assert created.written()["basicAuthPassword"] == f"env:{PASSWORD_VARIABLE}"
        hook = _hooks(emulator)["Acronis Cyber Protect/provision"]
        assert (hook["_basicAuthPassword"], hook["_httpHeaderValue"]) == (PASSWORD, TOKEN)
        assert hook["httpHeader"] == {"name": "X-Connector-Token"}
        assert (await plan_with(client, emulator.settings, catalog)).changes == ()

        # An update of another field sends the secrets again: a PUT without them clears them.
        path = catalog / "services" / "acronis.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("/cloudmore\n", "/cloudmore-v2\n"), encoding="utf-8")
        plan, report = await plan_and_apply(client, emulator.settings, tmp_path / "j", catalog)
        (updated,) = plan.changes
        assert updated.action is Action.UPDATE
        assert {f.path for f in updated.field_changes} == {
            "url",
            "basicAuthPassword",
            "httpHeader.value",
        }
        assert report.ok
        assert report.verified
        assert not report.mismatches
        hook = _hooks(emulator)["Acronis Cyber Protect/provision"]
        assert (hook["url"], hook["_basicAuthPassword"]) == (
            "https://connector.example.com/cloudmore-v2",
            PASSWORD,
        )
        assert (await plan_with(client, emulator.settings, catalog)).changes == ()

        # Pruned: a webhook the files no longer have is deleted.
        path = catalog / "services" / "google-workspace.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[: text.index("      - name: deprovision\n")], encoding="utf-8")
        plan, report = await plan_and_apply(client, emulator.settings, tmp_path / "j", catalog)
        deleted = 'service["Google Workspace"].webhook["deprovision"]'
        assert [(c.address, c.action) for c in plan.changes] == [(deleted, Action.DELETE)]
        assert report.ok
        assert report.verified
        assert "Google Workspace/deprovision" not in _hooks(emulator)
        assert (await plan_with(client, emulator.settings, catalog)).changes == ()


@pytest.mark.anyio
@pytest.mark.usefixtures("secrets_set")
async def test_no_secret_in_a_plan_its_file_the_journal_or_an_export(tmp_path: Path) -> None:
    emulator = InProcess("empty")
    catalog = _with_secrets(tmp_path)
    journal_dir = tmp_path / "journal"
    async with emulator.client() as client:
        plan, report = await plan_and_apply(client, emulator.settings, journal_dir, catalog)
        assert report.ok
        live = await read_live(client)
    outputs = {f: render_plan(plan, f) for f in ("text", "json", "markdown", "github")}
    write_plan(plan, tmp_path / "plan.json")
    outputs["plan file"] = (tmp_path / "plan.json").read_text(encoding="utf-8")
    journals = list(journal_dir.iterdir())
    assert journals
    outputs |= {path.name: path.read_text(encoding="utf-8") for path in journals}
    exported = export_catalog(live.graph)
    outputs |= dict(exported.files)
    for name, text in outputs.items():
        assert PASSWORD not in text, name
        assert TOKEN not in text, name
    assert f"env:{PASSWORD_VARIABLE}" in outputs["json"]
    # Export cannot read a secret: it names a variable for each one the read says is set.
    acronis = outputs["services/acronis-cyber-protect.yaml"]
    assert "env: ACRONIS_CYBER_PROTECT_PROVISION_BASIC_AUTH_PASSWORD\n" in acronis
    assert "env: ACRONIS_CYBER_PROTECT_PROVISION_HTTP_HEADER_VALUE\n" in acronis
    assert "ACRONIS_CYBER_PROTECT_PROVISION_BASIC_AUTH_PASSWORD" in " ".join(exported.skipped)
    assert "basicAuthPassword" not in outputs["services/google-workspace.yaml"]


@pytest.mark.anyio
async def test_an_export_with_secrets_validates_formats_and_plans_no_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    emulator = InProcess("empty")
    async with emulator.client() as client:
        await plan_and_apply(client, emulator.settings, tmp_path / "j", _with_secrets(tmp_path))
        live = await read_live(client)
        exported = tmp_path / "exported"
        for name, text in export_catalog(live.graph).files.items():
            (exported / name).parent.mkdir(parents=True, exist_ok=True)
            (exported / name).write_text(text, encoding="utf-8")
            if name.endswith(".yaml"):
                assert format_text(text) == text, name  # fmt --check
        # The variables export names are not set here: validate warns, plan writes nothing.
        loaded = load_catalog(exported)
        assert {str(d.code) for d in loaded.warnings} == {Code.VARIABLE_UNSET}
        plan = await plan_with(client, emulator.settings, exported)
        assert plan.changes == ()
        refuse_unset_secrets(plan)


@pytest.mark.anyio
async def test_an_unset_variable_is_an_error_only_when_its_webhook_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    emulator = InProcess("demo")
    catalog = _with_secrets(tmp_path)
    assert Code.VARIABLE_UNSET in {str(d.code) for d in load_catalog(catalog).warnings}
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings, catalog)
        with pytest.raises(CatalogError) as raised:
            refuse_unset_secrets(plan)
        (problem,) = raised.value.diagnostics
        assert problem.code == Code.VARIABLE_UNSET_FOR_WRITE
        assert PASSWORD_VARIABLE in problem.message
        assert ACRONIS_HOOK in problem.message
        assert problem.file.endswith("acronis.yaml")
        # A plan that does not write the webhook needs no secret.
        unchanged = await plan_with(client, emulator.settings)
        assert all(c.kind is not Kind.WEBHOOK for c in unchanged.changes)
        refuse_unset_secrets(unchanged)


# --- drift and create-adoption -----------------------------------------------------------------


@pytest.mark.anyio
async def test_drift_reports_a_webhook_url_changed_in_cloudmore(tmp_path: Path) -> None:
    emulator = InProcess("demo")
    async with emulator.client() as client:
        await plan_and_apply(client, emulator.settings, tmp_path / "converge")
        store = emulator.app.state.emulator.store
        hook = _hooks(emulator)["Google Workspace/provision"]
        body = {**hook, "url": "https://elsewhere.example.com/x"}
        replace_webhook(store, hook["id"], body)
        report = drift_of(await plan_with(client, emulator.settings))
    (entry,) = [e for e in report.entries if e.kind is Kind.WEBHOOK]
    assert entry.address == GWS_HOOK
    assert [(f.path, f.live, f.files) for f in entry.fields] == [
        (
            "url",
            "https://elsewhere.example.com/x",
            "https://connector.example.com/google-workspace",
        )
    ]


@pytest.mark.anyio
async def test_after_a_failed_create_only_a_webhook_of_its_own_service_is_adopted(
    tmp_path: Path,
) -> None:
    """Google Workspace has a "provision" webhook; Acronis's is created, and its first POST
    fails. The client lists the collection (all services' webhooks) and must not take Google
    Workspace's for Acronis's: it posts again."""
    emulator = InProcess("demo")
    state = emulator.app.state.emulator
    acronis = _hooks(emulator)["Acronis Cyber Protect/provision"]
    state.store.delete(TABLE, acronis["id"])
    fault = ScriptedFault(method="POST", path_pattern="/webhooks$", fault="server_error")
    state.faults.configure(FaultConfig(script=(fault,)))
    async with emulator.client() as client:
        plan, report = await plan_and_apply(client, emulator.settings, tmp_path / "j")
        assert report.ok
        assert report.verified
        assert client.metrics.adopted_creates == 0
        assert (await plan_with(client, emulator.settings)).changes == ()
    hooks = _hooks(emulator)
    assert (
        hooks["Acronis Cyber Protect/provision"]["id"] != hooks["Google Workspace/provision"]["id"]
    )
    posts = [e for e in emulator.requests() if e["method"] == "POST" and "webhooks" in e["path"]]
    assert [e["status"] for e in posts] == [500, 201]
    assert (ACRONIS_HOOK, Action.CREATE) in [(c.address, c.action) for c in plan.changes]


@pytest.mark.anyio
@pytest.mark.usefixtures("secrets_set")
async def test_rotate_sends_a_new_secret_value_with_nothing_else_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = InProcess("empty")
    catalog = _with_secrets(tmp_path)
    async with emulator.client() as client:
        await plan_and_apply(client, emulator.settings, tmp_path / "j", catalog)
        assert (await plan_with(client, emulator.settings, catalog)).changes == ()
        monkeypatch.setenv(PASSWORD_VARIABLE, "pw-Rotated-Value-2027")
        drafted = await make_plan(
            catalog.as_posix(),
            load_catalog(catalog),
            client,
            target_of(emulator.settings),
            rotate=('service["*"].webhook["*"]',),
        )
        (rotated,) = drafted.plan.changes
        assert (rotated.address, rotated.action) == (ACRONIS_HOOK, Action.UPDATE)
        assert {f.path for f in rotated.field_changes} == {"basicAuthPassword", "httpHeader.value"}
        assert drafted.plan.settings.rotate == ('service["*"].webhook["*"]',)
        shown = render_plan(drafted.plan, "text")
        assert f'~ basicAuthPassword: (write-only, sent) "env:{PASSWORD_VARIABLE}"' in shown
        report = await apply_plan(
            drafted.plan,
            client,
            target_of(emulator.settings),
            ApplyOptions(journal_dir=tmp_path / "j"),
        )
        assert report.ok
        assert report.verified
        assert (await plan_with(client, emulator.settings, catalog)).changes == ()
    hook = _hooks(emulator)["Acronis Cyber Protect/provision"]
    assert (hook["_basicAuthPassword"], hook["_httpHeaderValue"]) == (
        "pw-Rotated-Value-2027",
        TOKEN,
    )


def test_on_the_command_line_validate_warns_plan_refuses_and_drift_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    catalog = _with_secrets(tmp_path)
    validated = cli("validate", str(catalog))
    assert validated.exit_code == 0, validated.output
    assert f"CS329 warning: the environment variable {PASSWORD_VARIABLE}" in validated.output
    with served_http(EmulatorConfig(seed="demo"), monkeypatch):
        planned = cli("plan", str(catalog), "--out", str(tmp_path / "plan.json"))
        assert planned.exit_code == 1, planned.output
        assert f"CS409 error: {ACRONIS_HOOK}: basicAuthPassword" in planned.output
        assert PASSWORD_VARIABLE in planned.output
        assert not (tmp_path / "plan.json").exists()
        bad = cli("plan", str(catalog), "--rotate", 'service["x"].nothing["y"]')
        assert bad.exit_code == 1, bad.output
        assert "Invalid value for '--rotate'" in bad.output
        drifted = cli("drift", str(catalog))
        assert drifted.exit_code == 2, drifted.output
        assert "CS409" not in drifted.output
        assert ACRONIS_HOOK in drifted.output


@pytest.mark.anyio
async def test_an_update_that_would_clear_a_password_the_files_do_not_name_is_refused(
    tmp_path: Path,
) -> None:
    """A password set in the UI (its user name shows it is there) cannot be read back, so a
    PUT for another change would clear it: the plan warns (CS410) and apply refuses."""
    emulator = InProcess("demo")
    store = emulator.app.state.emulator.store
    hook = _hooks(emulator)["Acronis Cyber Protect/provision"]
    body = {**hook, "basicAuthUserName": "ui-user", "basicAuthPassword": PASSWORD}
    replace_webhook(store, hook["id"], body)
    catalog = copy_catalog(tmp_path)
    path = catalog / "services" / "acronis.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("/cloudmore\n", "/cloudmore-v2\n") + "        basicAuthUserName: ui-user\n",
        encoding="utf-8",
    )
    async with emulator.client() as client:
        drafted = await make_plan(
            catalog.as_posix(), load_catalog(catalog), client, target_of(emulator.settings)
        )
        (warning,) = [w for w in drafted.warnings if w.code == Code.UNSENT_WRITE_ONLY]
        assert ACRONIS_HOOK in warning.message
        assert "basicAuthPassword" in warning.message
        report = await apply_plan(
            drafted.plan,
            client,
            target_of(emulator.settings),
            ApplyOptions(journal_dir=tmp_path / "j"),
        )
    failed = {str(r.address): r.reason for r in report.results if r.outcome.value == "failed"}
    assert "refusing to replace the webhook" in str(failed[ACRONIS_HOOK])
    kept = _hooks(emulator)["Acronis Cyber Protect/provision"]
    assert (kept["url"], kept["_basicAuthPassword"]) == (hook["url"], PASSWORD)
