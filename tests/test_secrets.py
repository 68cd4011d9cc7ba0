"""Write-only secrets named by environment variable (docs/contracts.md, "Write-only secrets")."""

from __future__ import annotations

import pytest

from catalog_sync import secrets
from catalog_sync.graph import Address, Kind
from catalog_sync.redact import REDACTED, redact


def test_a_value_read_for_a_write_is_blanked_wherever_it_is_echoed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WH20_ECHOED_SECRET", "echo-Me-Not-9931")
    assert secrets.value_of("env:WH20_ECHOED_SECRET") == "echo-Me-Not-9931"
    echoed = 'HTTP 400: {"basic": "echo-Me-Not-9931 is too weak"}'
    assert redact(echoed) == f'HTTP 400: {{"basic": "{REDACTED} is too weak"}}'


def test_an_unset_or_empty_variable_is_named_and_no_value_is_invented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WH20_NOT_SET", raising=False)
    monkeypatch.setenv("WH20_EMPTY", "")
    for name in ("WH20_NOT_SET", "WH20_EMPTY"):
        assert secrets.unset_variable(secrets.reference(name)) == name
        with pytest.raises(ValueError, match=f"environment variable {name} is not set"):
            secrets.value_of(secrets.reference(name))
    assert secrets.unset_variable("plain text") is None
    with pytest.raises(ValueError, match="must name an environment variable"):
        secrets.value_of("plain text")


def test_export_names_a_variable_after_the_object_and_the_field() -> None:
    hook = Address.of(Kind.SERVICE, "Acronis Cyber Protect").child(Kind.WEBHOOK, "provision")
    assert secrets.export_variable(hook, "basicAuthPassword") == (
        "ACRONIS_CYBER_PROTECT_PROVISION_BASIC_AUTH_PASSWORD"
    )
    assert secrets.export_variable(hook, "httpHeader.value") == (
        "ACRONIS_CYBER_PROTECT_PROVISION_HTTP_HEADER_VALUE"
    )
    odd = Address.of(Kind.SERVICE, "3 Cloud/Ö").child(Kind.WEBHOOK, "a-b")
    assert secrets.export_variable(odd, "basicAuthPassword") == "_3_CLOUD_A_B_BASIC_AUTH_PASSWORD"
