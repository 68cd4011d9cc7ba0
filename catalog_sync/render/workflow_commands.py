"""GitHub Actions workflow commands (``::error file=...,line=...::message``), escaped as the
runner expects, so user text can never end a command early or inject another one."""

from __future__ import annotations

__all__ = ["escape_data", "escape_property", "workflow_command"]


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"
