"""Write-only secrets: the files, the graph and the plan hold the name of the environment
variable a secret is read from, never its value (docs/contracts.md, "Write-only secrets").

A secret field's graph value is its reference, ``env:NAME``: a plan shows and saves that, a
re-plan never compares it (the API never reads a secret back), and only the body of a write
holds the value, read from the environment as the request is built and registered with
:mod:`catalog_sync.redact` so that any echo of it (an error body, a log line) is blanked.
"""

from __future__ import annotations

import os
import re

from catalog_sync.graph import Address
from catalog_sync.redact import register_secret

__all__ = ["PREFIX", "export_variable", "reference", "unset_variable", "value_of", "variable_of"]

PREFIX = "env:"


def reference(variable: str) -> str:
    """The graph value of a secret read from ``variable``."""
    return f"{PREFIX}{variable}"


def variable_of(value: object) -> str | None:
    """The variable a graph value names, or None when it is no reference."""
    if isinstance(value, str) and value.startswith(PREFIX):
        return value[len(PREFIX) :]
    return None


def unset_variable(value: object) -> str | None:
    """The variable ``value`` names when it is unset or empty in the environment, else None."""
    variable = variable_of(value)
    return variable if variable is not None and not os.environ.get(variable) else None


def value_of(value: object) -> str:
    """The secret behind a reference, read from the environment now and registered for
    redaction; ValueError naming the variable when it is unset or empty."""
    variable = variable_of(value)
    if variable is None:
        raise ValueError("a secret must name an environment variable: {env: NAME}")
    secret = os.environ.get(variable)
    if not secret:
        raise ValueError(f"the environment variable {variable} is not set (it holds a secret)")
    register_secret(secret)
    return secret


def export_variable(address: Address, field: str) -> str:
    """The variable ``export`` names for a secret it cannot read: the object's keys and the
    field, upper case, every other character ``_`` (``ACRONIS_CYBER_PROTECT_PROVISION_
    BASIC_AUTH_PASSWORD``)."""
    words = [segment.key or segment.kind.value for segment in _segments(address)]
    words.append(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", field.replace(".", "_")))
    name = re.sub(r"[^A-Za-z0-9]+", "_", "_".join(words)).strip("_").upper()
    return name if not name[:1].isdigit() else f"_{name}"


def _segments(address: Address) -> list[Address]:
    chain = [address, *address.ancestors()]
    return list(reversed(chain))
