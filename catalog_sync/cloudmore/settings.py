"""API configuration from flags and environment, and the embedded-emulator default.

Flags win over environment variables. Secrets are :class:`~pydantic.SecretStr`, so neither
``repr`` nor ``str`` of the settings ever shows them.

When no API setting at all is given and the run is not in CI, the settings point at the
built-in emulator, run in-process with the demo seed and its state kept under ``.catalog-sync/``
in the current directory; :attr:`ApiSettings.notice` then carries the one line the CLI prints.
Under ``CI=true`` there is no such fallback: the missing variables are a :class:`ConfigError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, SecretStr

from catalog_sync.errors import ConfigError
from catalog_sync.redact import redact, register_secret

__all__ = [
    "DEFAULT_CLIENT_ID",
    "EMBEDDED_API_URL",
    "EMBEDDED_STATE_FILE",
    "ENVIRONMENTS",
    "ApiSettings",
    "load_settings",
]

DEFAULT_CLIENT_ID = "ro.customer.client"
ENVIRONMENTS: Mapping[str, str] = {"eu": "https://api.cloudmore.com"}
"""Only hosts Cloudmore published; any other host is an explicit ``--api-url``."""

EMBEDDED_STATE_FILE = Path(".catalog-sync/emulator-state.json")
EMBEDDED_API_URL = "http://embedded-emulator"

_API_VARIABLES = (
    "CLOUDMORE_API_URL",
    "CLOUDMORE_ENVIRONMENT",
    "CLOUDMORE_USERNAME",
    "CLOUDMORE_PASSWORD",
    "CLOUDMORE_CLIENT_ID",
    "CLOUDMORE_CLIENT_SECRET",
    "CLOUDMORE_SELLER_ID",
)


class ApiSettings(BaseModel):
    """Everything needed to reach one seller's catalog, or (``side="broker"``) one broker's:
    :meth:`for_side` turns the settings to the side a catalog says it is."""

    model_config = ConfigDict(frozen=True)

    api_url: str
    username: str
    password: SecretStr
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: SecretStr
    seller_id: str
    reseller_id: str | None = None
    """The broker (reseller) whose catalog a broker catalog is (``CLOUDMORE_RESELLER_ID``)."""
    side: Literal["seller", "broker"] = "seller"
    """Whose catalog the kinds' own paths reach (``catalog_sync.kinds.root_for``)."""
    parallelism: int = 8
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    credentials_in_form: bool = False
    environment: str | None = None
    embedded_state_file: Path | None = None
    """Set when the built-in emulator stands in for Cloudmore (in-process, no network)."""
    notice: str | None = None
    """One line for the user about where the settings came from, or None."""

    def model_post_init(self, context: object, /) -> None:
        # Whatever echoes them later, these are blanked (catalog_sync/redact.py).
        register_secret(self.password.get_secret_value(), user=self.username)
        register_secret(self.client_secret.get_secret_value(), user=self.client_id)

    @property
    def embedded(self) -> bool:
        return self.embedded_state_file is not None

    def for_side(self, side: Literal["seller", "broker"]) -> ApiSettings:
        """These settings for a catalog of ``side``; a broker catalog needs the reseller id."""
        if side == "broker" and not self.reseller_id:
            raise ConfigError(
                "the catalog is a broker's (settings.side: broker): set CLOUDMORE_RESELLER_ID "
                "to the broker's reseller id"
            )
        return self if side == self.side else self.model_copy(update={"side": side})


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def _number(
    flag_value: float | None, env: Mapping[str, str], variable: str, flag: str, *, integer: bool
) -> float | None:
    if flag_value is not None:
        value: float = flag_value
    else:
        raw = _clean(env.get(variable))
        if raw is None:
            return None
        try:
            value = int(raw) if integer else float(raw)
        except ValueError:
            kind = "a whole number" if integer else "a number of seconds"
            raise ConfigError(f"{variable} must be {kind}, got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{flag} / {variable} must be a number greater than 0, got {value}")
    return value


def _flag(flag_value: bool | None, env: Mapping[str, str], variable: str) -> bool | None:
    if flag_value is not None:
        return flag_value
    raw = _clean(env.get(variable))
    if raw is None:
        return None
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{variable} must be true or false, got {raw!r}")


def _is_ci(env: Mapping[str, str]) -> bool:
    return env.get("CI", "").strip().lower() in {"true", "1"}


def _checked_url(api_url: str) -> str:
    """The URL, checked; a URL that does not parse is never echoed, as what it holds (a
    password before an ``@``, say) cannot be told apart from the rest."""
    try:
        parts = urlsplit(api_url)
    except ValueError:
        raise ConfigError(_NOT_A_URL) from None
    if "@" in parts.netloc:
        # Never echoed: the URL holds a credential.
        raise ConfigError(
            "--api-url / CLOUDMORE_API_URL must not hold credentials (user:password@ "
            "before the host): give the API user in CLOUDMORE_USERNAME and "
            "CLOUDMORE_PASSWORD and the client in CLOUDMORE_CLIENT_ID and "
            "CLOUDMORE_CLIENT_SECRET"
        )
    try:
        parts.port  # noqa: B018 - parsing the port is what validates it
    except ValueError:
        raise ConfigError(f"{_NOT_A_URL}: its port is not a number from 1 to 65535") from None
    if parts.scheme.lower() in {"http", "https"} and parts.hostname:
        return urlunsplit(parts._replace(scheme=parts.scheme.lower())).rstrip("/")
    # "user:password@host" without a scheme parses as scheme "user" and no host.
    shown = f", got {redact(api_url)!r}" if "@" not in api_url else " (not shown: it holds an @)"
    raise ConfigError(
        f"--api-url / CLOUDMORE_API_URL must be an http:// or https:// URL with a host{shown}"
    )


_NOT_A_URL = (
    "--api-url / CLOUDMORE_API_URL is not a valid URL (not shown, as it may hold a secret); "
    "give it as https://host[:port][/path]"
)


def _resolve_url(api_url: str | None, environment: str | None) -> str | None:
    if api_url is not None:
        return _checked_url(api_url)
    if environment is not None:
        try:
            return ENVIRONMENTS[environment.lower()]
        except KeyError:
            known = ", ".join(sorted(ENVIRONMENTS))
            raise ConfigError(
                f"unknown environment {environment!r} (known: {known}); Cloudmore published "
                "no host for it, so pass --api-url (or CLOUDMORE_API_URL) instead"
            ) from None
    return None


def load_settings(
    *,
    api_url: str | None = None,
    environment: str | None = None,
    parallelism: int | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    credentials_in_form: bool | None = None,
    env: Mapping[str, str],
    credentials: bool = True,
) -> ApiSettings:
    """Build settings from flags (the keyword arguments) over environment variables.

    With ``credentials=False`` only the target (URL and seller) is required, for what names
    the target without calling it (`catalog-sync target`); missing credentials are empty."""
    api_url = _clean(api_url) or _clean(env.get("CLOUDMORE_API_URL"))
    environment = _clean(environment) or _clean(env.get("CLOUDMORE_ENVIRONMENT"))
    tuning = {
        "parallelism": _number(
            parallelism, env, "CLOUDMORE_PARALLELISM", "--parallelism", integer=True
        ),
        "connect_timeout": _number(
            connect_timeout, env, "CLOUDMORE_CONNECT_TIMEOUT", "--connect-timeout", integer=False
        ),
        "read_timeout": _number(
            read_timeout, env, "CLOUDMORE_READ_TIMEOUT", "--timeout", integer=False
        ),
        "credentials_in_form": _flag(credentials_in_form, env, "CLOUDMORE_CREDENTIALS_IN_FORM"),
    }
    given = {key: value for key, value in tuning.items() if value is not None}

    anything_given = (
        api_url is not None
        or environment is not None
        or any(_clean(env.get(name)) for name in _API_VARIABLES)
    )
    reseller_id = (_clean(env.get("CLOUDMORE_RESELLER_ID")) or "").lower() or None
    if not anything_given and not _is_ci(env):
        # The reseller id alone names a broker of the emulator's demo seller.
        return _embedded(given, reseller_id)

    url = _resolve_url(api_url, environment)
    values = {
        "CLOUDMORE_USERNAME": _clean(env.get("CLOUDMORE_USERNAME")),
        "CLOUDMORE_PASSWORD": env.get("CLOUDMORE_PASSWORD") or None,
        "CLOUDMORE_CLIENT_SECRET": env.get("CLOUDMORE_CLIENT_SECRET") or None,
        "CLOUDMORE_SELLER_ID": _clean(env.get("CLOUDMORE_SELLER_ID")),
    }
    missing = [
        name
        for name, value in values.items()
        if value is None and (credentials or name == "CLOUDMORE_SELLER_ID")
    ]
    if url is None:
        missing.insert(0, "CLOUDMORE_API_URL")
    if missing:
        why = (
            "CI=true, so the built-in emulator is not used; "
            if not anything_given
            else "the Cloudmore API is partly configured; "
        )
        hint = " (or --api-url / --environment)" if url is None else ""
        raise ConfigError(f"{why}missing setting: {', '.join(missing)}{hint}")
    assert url is not None
    return ApiSettings(
        api_url=url,
        environment=environment if api_url is None else None,
        username=values["CLOUDMORE_USERNAME"] or "",
        password=SecretStr(values["CLOUDMORE_PASSWORD"] or ""),
        client_id=_clean(env.get("CLOUDMORE_CLIENT_ID")) or DEFAULT_CLIENT_ID,
        client_secret=SecretStr(values["CLOUDMORE_CLIENT_SECRET"] or ""),
        seller_id=(values["CLOUDMORE_SELLER_ID"] or "").lower(),
        reseller_id=reseller_id,
        **given,
    )


def _embedded(tuning: Mapping[str, float | bool], reseller_id: str | None) -> ApiSettings:
    from catalog_sync.emulator import DEMO

    return ApiSettings(
        api_url=EMBEDDED_API_URL,
        username=DEMO.username,
        password=SecretStr(DEMO.password),
        client_id=DEMO.client_id,
        client_secret=SecretStr(DEMO.client_secret),
        seller_id=DEMO.seller_id,
        reseller_id=reseller_id or DEMO.reseller_id,
        embedded_state_file=EMBEDDED_STATE_FILE,
        notice=(
            "note: no Cloudmore API configured (CLOUDMORE_API_URL / --environment); using the "
            f"built-in emulator with the demo seed, state in {EMBEDDED_STATE_FILE}"
        ),
        **tuning,
    )
