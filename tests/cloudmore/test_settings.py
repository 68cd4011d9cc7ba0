from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.cloudmore import ApiSettings, load_settings
from catalog_sync.cloudmore.settings import EMBEDDED_STATE_FILE
from catalog_sync.emulator import DEMO
from catalog_sync.errors import ConfigError

FULL = {
    "CLOUDMORE_API_URL": "https://api.example.test/",
    "CLOUDMORE_USERNAME": "me@example.com",
    "CLOUDMORE_PASSWORD": "hunter2-secret",
    "CLOUDMORE_CLIENT_SECRET": "client-secret-value",
    "CLOUDMORE_SELLER_ID": "AAAAAAAA-1111-4111-8111-111111111111",
}


def test_everything_from_the_environment() -> None:
    settings = load_settings(env=FULL)
    assert settings.api_url == "https://api.example.test"
    assert settings.client_id == "ro.customer.client"
    assert settings.seller_id == "aaaaaaaa-1111-4111-8111-111111111111"
    assert settings.parallelism == 8
    assert not settings.embedded
    assert settings.notice is None


def test_flags_win_over_environment() -> None:
    env = {**FULL, "CLOUDMORE_PARALLELISM": "3", "CLOUDMORE_READ_TIMEOUT": "9"}
    settings = load_settings(
        api_url="http://127.0.0.1:9", parallelism=5, credentials_in_form=True, env=env
    )
    assert settings.api_url == "http://127.0.0.1:9"
    assert settings.parallelism == 5
    assert settings.read_timeout == 9
    assert settings.credentials_in_form


def test_named_environment_eu() -> None:
    env = {k: v for k, v in FULL.items() if k != "CLOUDMORE_API_URL"}
    settings = load_settings(environment="eu", env=env)
    assert settings.api_url == "https://api.cloudmore.com"


def test_unknown_environment_says_to_pass_api_url() -> None:
    env = {k: v for k, v in FULL.items() if k != "CLOUDMORE_API_URL"}
    with pytest.raises(ConfigError, match=r"unknown environment 'us'.*--api-url"):
        load_settings(environment="us", env=env)


def test_missing_setting_names_the_variable() -> None:
    env = {k: v for k, v in FULL.items() if k != "CLOUDMORE_SELLER_ID"}
    with pytest.raises(ConfigError, match="CLOUDMORE_SELLER_ID"):
        load_settings(env=env)


def test_bad_number_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="CLOUDMORE_PARALLELISM"):
        load_settings(env={**FULL, "CLOUDMORE_PARALLELISM": "many"})


def test_secrets_never_show_in_repr_or_str() -> None:
    settings = load_settings(env=FULL)
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert "hunter2-secret" not in text
        assert "client-secret-value" not in text


def test_no_configuration_outside_ci_means_the_embedded_emulator() -> None:
    settings = load_settings(env={"CI": "false"})
    assert settings.embedded
    assert (
        settings.embedded_state_file
        == EMBEDDED_STATE_FILE
        == Path(".catalog-sync/emulator-state.json")
    )
    assert settings.username == DEMO.username
    assert settings.seller_id == DEMO.seller_id
    assert settings.notice is not None
    assert "built-in emulator" in settings.notice


def test_no_configuration_under_ci_names_what_is_missing() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env={"CI": "true"})
    message = str(raised.value)
    assert "CI=true" in message
    for name in ("CLOUDMORE_API_URL", "CLOUDMORE_USERNAME", "CLOUDMORE_SELLER_ID"):
        assert name in message


def test_settings_can_be_built_directly() -> None:
    settings = ApiSettings.model_validate(
        {
            "api_url": "https://x.test",
            "username": "u",
            "password": "p",
            "client_secret": "s",
            "seller_id": "s1",
        }
    )
    assert settings.password.get_secret_value() == "p"
