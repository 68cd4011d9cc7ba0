"""The API flags every command that talks to Cloudmore shares (doctor, plan, apply, drift).

Usage::

    @click.command()
    @api_options
    @click.pass_obj
    def plan(state: CliState, api: ApiOptions, ...) -> None:
        settings = resolve_settings(api)       # prints the embedded-emulator notice, once
        ...
        print_metrics(state, client.metrics)   # under --verbose
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import click

from catalog_sync.cli.common import CliState
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, load_settings

__all__ = ["ApiOptions", "api_options", "print_metrics", "resolve_settings"]

R = TypeVar("R")


@dataclass(frozen=True)
class ApiOptions:
    """The API flags as given; None means "not given, ask the environment"."""

    api_url: str | None = None
    environment: str | None = None
    parallelism: int | None = None
    timeout: float | None = None
    connect_timeout: float | None = None
    credentials_in_form: bool | None = None

    def settings(self, *, credentials: bool = True) -> ApiSettings:
        return load_settings(
            api_url=self.api_url,
            environment=self.environment,
            parallelism=self.parallelism,
            read_timeout=self.timeout,
            connect_timeout=self.connect_timeout,
            credentials_in_form=self.credentials_in_form,
            env=os.environ,
            credentials=credentials,
        )


_OPTIONS = (
    click.option(
        "--api-url",
        metavar="URL",
        help="Cloudmore API base URL [env: CLOUDMORE_API_URL].",
    ),
    click.option(
        "--environment",
        metavar="NAME",
        help="Named Cloudmore environment, e.g. 'eu' [env: CLOUDMORE_ENVIRONMENT].",
    ),
    click.option(
        "--parallelism",
        type=click.IntRange(min=1),
        help="Requests in flight at once (default 8) [env: CLOUDMORE_PARALLELISM].",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        help="The most a request may take from being sent to the last byte of its response "
        "(default 60) [env: CLOUDMORE_READ_TIMEOUT].",
    ),
    click.option(
        "--connect-timeout",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        help="Connect timeout (default 10) [env: CLOUDMORE_CONNECT_TIMEOUT].",
    ),
    click.option(
        "--credentials-in-form/--credentials-in-header",
        default=None,
        help="Send client id and secret as form fields instead of a Basic header "
        "[env: CLOUDMORE_CREDENTIALS_IN_FORM].",
    ),
)


def api_options(func: Callable[..., R]) -> Callable[..., R]:
    """Add the API flags to a click command; it receives them as one ``api: ApiOptions``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        api = ApiOptions(**{flag.name: kwargs.pop(flag.name, None) for flag in fields(ApiOptions)})
        return func(*args, api=api, **kwargs)

    decorated: Callable[..., R] = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated


def resolve_settings(api: ApiOptions) -> ApiSettings:
    """Settings from flags and environment; says on stderr when the embedded emulator is used."""
    settings = api.settings()
    if settings.notice:
        click.echo(settings.notice, err=True)
    return settings


def print_metrics(state: CliState | None, metrics: ClientMetrics) -> None:
    if state is not None and state.verbose:
        for line in metrics.lines():
            click.echo(f"metrics: {line}", err=True)
