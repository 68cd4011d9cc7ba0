"""Commands that only need the API settings: doctor, target."""

from __future__ import annotations

import click

from catalog_sync.apply.lock import target_key
from catalog_sync.cli.api_options import ApiOptions, api_options, print_metrics
from catalog_sync.cli.common import EXIT_ERROR, CliState, handle_errors, run_async
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, RetryPolicy, open_read_only
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


@click.command(short_help="Check configuration, reachability, credentials and access.")
@api_options
@click.pass_obj
def doctor(state: CliState | None, api: ApiOptions) -> None:
    """Check configuration, reachability, credentials and seller access, one line each."""
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
    click.echo(_line("ok", "configuration", f"{where}, seller {settings.seller_id}"))
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
