"""Emulator commands: emulator serve."""

from __future__ import annotations

from pathlib import Path

import click

from catalog_sync.cli.common import handle_errors
from catalog_sync.errors import ConfigError
from catalog_sync.kinds.contract import CONTRACT_VARIANTS


@click.group()
def emulator() -> None:
    """Run the built-in Cloudmore emulator."""


@emulator.command(short_help="Serve the emulated Cloudmore API on 127.0.0.1.")
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file that keeps the state between runs (loaded if it exists); the writes "
    "since its last snapshot are in FILE.log beside it.",
)
@click.option(
    "--seed",
    type=click.Choice(["empty", "demo"]),
    default="empty",
    help="Initial data when there is no state file yet.",
)
@click.option(
    "--contract-variant",
    "variants",
    multiple=True,
    type=click.Choice(CONTRACT_VARIANTS),
    help="Serve a way the real API may differ from the contract (repeatable, combinable; "
    'docs/contracts.md, "Contract variants"). Default: none, the contract\'s shapes.',
)
@click.option(
    "--latency-ms",
    type=click.IntRange(min=0),
    default=0,
    help="Delay every /api/ answer by this many milliseconds (a slow network).",
)
@click.option(
    "--jitter-ms",
    type=click.IntRange(min=0),
    default=0,
    help="Add a random 0..N milliseconds to each delay.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    help="Share of /api/ requests that get a random fault.",
)
@click.option(
    "--random-seed",
    type=int,
    default=0,
    help="Seed of the fault and jitter draws: the same seed repeats the same run.",
)
@click.option(
    "--no-unique-keys",
    is_flag=True,
    help="Accept a second object with a taken natural key (as an API without that rule).",
)
@handle_errors
def serve(
    host: str,
    port: int,
    state_file: Path | None,
    seed: str,
    variants: tuple[str, ...],
    latency_ms: int,
    jitter_ms: int,
    fault_rate: float,
    random_seed: int,
    no_unique_keys: bool,
) -> None:
    """Serve the emulated Cloudmore API until interrupted (Ctrl-C)."""
    # Imported here so that commands which do not serve never load uvicorn.
    from catalog_sync.emulator import (
        DEMO,
        EmulatorConfig,
        FaultConfig,
        create_app,
    )
    from catalog_sync.emulator.server import base_url, bind_socket, serve_forever

    config = EmulatorConfig(
        seed="demo" if seed == "demo" else "empty",
        state_file=state_file,
        unique_keys=not no_unique_keys,
        variants=tuple(v for v in CONTRACT_VARIANTS if v in variants),
        faults=FaultConfig(
            latency_ms=latency_ms, jitter_ms=jitter_ms, rate=fault_rate, random_seed=random_seed
        ),
    )
    app = create_app(config)
    try:
        sock = bind_socket(host, port)
    except OSError as error:
        raise ConfigError(f"--host/--port: cannot listen on {host}:{port}: {error}") from None
    url = base_url(sock)
    click.echo(f"Cloudmore emulator listening on {url}")
    click.echo(f"  username:      {DEMO.username}")
    click.echo(f"  password:      {DEMO.password}")
    click.echo(f"  client id:     {DEMO.client_id}")
    click.echo(f"  client secret: {DEMO.client_secret}")
    click.echo(f"  seller id:     {DEMO.seller_id}")
    click.echo(f"  state file:    {state_file or '(none: in memory)'}")
    click.echo(f"  variants:      {', '.join(config.variants) or '(none: the contract)'}")
    click.echo("Press Ctrl-C to stop.")
    try:
        serve_forever(app, sock)
    except KeyboardInterrupt:
        # uvicorn re-raises the captured SIGINT after its clean shutdown.
        pass
    finally:
        sock.close()
    click.echo("Emulator stopped.")


commands: list[click.Command] = [emulator]
