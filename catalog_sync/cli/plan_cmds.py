"""Catalog-vs-live commands: plan, apply, drift."""

from __future__ import annotations

import click

commands: list[click.Command] = []
