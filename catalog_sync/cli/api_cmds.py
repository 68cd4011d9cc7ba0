"""Commands that only need the API settings: doctor, target."""

from __future__ import annotations

import json

import click

from catalog_sync.apply.lock import target_key
from catalog_sync.cli.api_options import ApiOptions, api_options, print_metrics
from catalog_sync.cli.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    CliState,
    handle_errors,
    run_async,
)
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, RetryPolicy, open_read_only
from catalog_sync.contract_check import ContractReport, check_contract
from catalog_sync.errors import CatalogSyncError
from catalog_sync.graph import Kind
from catalog_sync.plan.build import target_of

__all__ = ["commands", "doctor", "target"]

# doctor reports what is wrong now; minutes of patient retries would only hide it.
DOCTOR_RETRY = RetryPolicy(
    max_attempts=2, deadline=15.0, wait_initial=0.1, wait_max=1.0, wait_jitter=0.1
)


# What doctor checks after the configuration, in order: each needs the one before it.
CHECKS = ("reachability", "credentials", "seller access")


def _line(status: str, name: str, detail: str) -> str:
    return f"{status:<5} {name:<14} {detail}"


async def _run_checks(settings: ApiSettings) -> tuple[bool, ClientMetrics]:
    async with open_read_only(settings, retry_policy=DOCTOR_RETRY) as client:

        async def reachability() -> str:
            await client.healthcheck()
            return "GET /api/healthcheck answered"

        async def credentials() -> str:
            await client.authenticate()
            return f"token obtained for {settings.username} (client id {settings.client_id})"

        async def seller_access() -> str:
            services = await client.list(Kind.SERVICE)
            count = len(services)
            return f"seller {settings.seller_id}: {count} service{'s' if count != 1 else ''}"

        runs = (reachability, credentials, seller_access)
        for index, (name, run) in enumerate(zip(CHECKS, runs, strict=True)):
            try:
                detail = await run()
            except CatalogSyncError as error:
                click.echo(_line("FAIL", name, str(error)))
                for skipped in CHECKS[index + 1 :]:
                    click.echo(_line("skip", skipped, f"needs {name}"))
                return False, client.metrics
            click.echo(_line("ok", name, detail))
    return True, client.metrics


async def _contract(settings: ApiSettings) -> tuple[ContractReport, ClientMetrics]:
    async with open_read_only(settings, retry_policy=DOCTOR_RETRY) as client:
        report = await check_contract(client)
    return report, client.metrics


def _contract_table(report: ContractReport) -> str:
    rows = [("SUBJECT", "READ", "FIELD", "PROBLEM", "EXPECTED", "FOUND")]
    for check in report.checks:
        if check.skipped:
            rows.append((check.subject, check.read, "-", f"skipped: {check.skipped}", "", ""))
        elif check.matches:
            rows.append((check.subject, check.read, "-", "ok", "", ""))
        for d in check.differences:
            rows.append((check.subject, check.read, d.path, d.problem, d.expected, d.found))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    differing = sum(1 for c in report.checks if not c.matches)
    verdict = (
        "Every shape read matches the contract."
        if report.matches
        else f"{differing} read(s) differ from the contract (docs/contracts.md): report them "
        "with `catalog-sync doctor --contract --format json`, which holds names and types only."
    )
    return "\n".join([*lines, "", verdict]) + "\n"


def _doctor_contract(state: CliState | None, settings: ApiSettings, output_format: str) -> None:
    try:
        report, metrics = run_async(_contract(settings))
    except CatalogSyncError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_ERROR) from None
    print_metrics(state, metrics)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        click.echo(_contract_table(report), nl=False)
    raise SystemExit(EXIT_OK if report.matches else EXIT_CHANGES)


@click.command(short_help="Check configuration, reachability, credentials and access.")
@click.option(
    "--contract",
    is_flag=True,
    help="Also compare the API's shapes with the contract, read-only: one object of each kind "
    "and each lookup, field by field. Exit 0 all match, 2 any differs, 1 error.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    help="With --contract: json is a report of names and types only (no value), safe to "
    "attach to a bug report.",
)
@api_options
@click.pass_obj
def doctor(state: CliState | None, api: ApiOptions, contract: bool, output_format: str) -> None:
    """Check configuration, reachability, credentials and seller access, one line each.

    With --contract, then read one object of each kind the seller has and each lookup table,
    and compare each shape with the contract (docs/contracts.md); run it first against a new
    seller (README, "First contact with a real seller").
    """
    try:
        settings = api.settings()
    except CatalogSyncError as error:
        click.echo(_line("FAIL", "configuration", str(error)))
        for name in CHECKS:
            click.echo(_line("skip", name, "needs configuration"))
        raise SystemExit(EXIT_ERROR) from None
    if settings.notice:
        click.echo(settings.notice, err=True)
    where = "built-in emulator (in-process)" if settings.embedded else settings.api_url
    click.echo(_line("ok", "configuration", f"{where}, seller {settings.seller_id}"), err=contract)
    if contract:
        # The JSON report is the whole of stdout: the check lines go to stderr.
        _doctor_contract(state, settings, output_format)
    healthy, metrics = run_async(_run_checks(settings))
    print_metrics(state, metrics)
    if not healthy:
        raise SystemExit(EXIT_ERROR)


@click.command(short_help="Print the target's key: one name for every spelling of it.")
@api_options
@handle_errors
def target(api: ApiOptions) -> None:
    """Print the key apply locks the target by: the API URL in one form (every spelling of
    one server the same, `eu` and its URL alike) and the seller, as in
    `https://api.cloudmore.com:443/ seller=ID`.

    Workflows name their concurrency group with it, so no two jobs touch one target at once
    (README, "Workflows for a catalog repository"). Needs the URL and seller only, no
    credentials, and calls nothing.
    """
    settings = api.settings(credentials=False)
    click.echo(target_key(target_of(settings)))


commands: list[click.Command] = [doctor, target]
