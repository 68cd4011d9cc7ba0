"""Commands that only need the API: doctor."""

from __future__ import annotations

import click

commands: list[click.Command] = []
