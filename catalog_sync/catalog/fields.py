"""Field types of the catalog models: strict scalars, money, and checked text formats.

Scalars are strict (a YAML number is not silently a string, `"yes"` is not a boolean), and each
format check raises a ``PydanticCustomError`` whose type names the problem, so the loader can
map it to a stable diagnostic code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from decimal import Decimal, InvalidOperation
from typing import Annotated, Final

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from catalog_sync.catalog.yaml_source import BasedInt
from catalog_sync.currencies import CURRENCY_CODES
from catalog_sync.graph import Address
from catalog_sync.lookalike import visible
from catalog_sync.normalise import MONEY_PLACES, MONEY_QUANTUM

__all__ = [
    "GUID_PATTERN",
    "BillingMonths",
    "CountryCode",
    "CurrencyCode",
    "Domain",
    "Email",
    "EnvName",
    "Guid",
    "HttpsUrl",
    "Key",
    "Money",
    "Name",
    "ObjectAddress",
    "PhoneNumber",
    "PhonePrefix",
    "SubscriptionMonths",
    "Text",
    "WholeNumber",
]

MONEY_LIMIT_INT: Final = 10**12
MONEY_LIMIT: Final = Decimal(MONEY_LIMIT_INT)
"""Amounts the API stores are below this (assumed: decimal(16,4))."""
WHOLE_NUMBER_LIMIT: Final = 2**31 - 1
"""The largest quantity the API stores (assumed: a 32-bit integer)."""

_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DOMAIN: Final = re.compile(
    r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_HTTPS_URL: Final = re.compile(r"https://[^\s/?#@]+(?:[/?#]\S*)?")
ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""An environment variable's name, as a shell can set it."""
GUID_PATTERN: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""A lower-case GUID, as the files write ids (match it whole: ``fullmatch``)."""


def _to_money(value: object) -> Decimal:
    if isinstance(value, bool | float):
        # float never: 0.1 is not 0.1 in binary, and prices must be exact.
        raise PydanticCustomError("money", 'expected an amount such as "12.50"')
    amount: Decimal
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, BasedInt):
        # 0x10 is 16 to YAML, and to a reviewer a typo or a trick: amounts are decimal.
        raise PydanticCustomError(
            "money",
            '{text} is not an amount: write it in decimal digits, such as "{value}"',
            {"text": value.written, "value": int(value)},
        )
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        if not value.isascii():
            # Decimal reads "١٢" and "１２" as 12: a reviewer may not.
            raise PydanticCustomError(
                "money",
                "'{text}' is not an amount: write it with the digits 0-9, such as \"12.50\"",
                {"text": visible(value)},
            )
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise PydanticCustomError(
                "money", "'{text}' is not an amount such as \"12.50\"", {"text": value}
            ) from None
    else:
        raise PydanticCustomError("money", 'expected an amount such as "12.50"')
    if not amount.is_finite():
        raise PydanticCustomError("money", "an amount must be a finite number")
    # copy_abs, not abs(): abs() rounds in the context and overflows on 1e1000000.
    if amount.copy_abs() >= MONEY_LIMIT:
        raise PydanticCustomError(
            "money",
            "{amount} is too large: the API stores amounts below {limit}",
            {"amount": str(amount), "limit": f"{MONEY_LIMIT:,}"},
        )
    try:
        exact = amount == amount.quantize(MONEY_QUANTUM)
    except InvalidOperation:
        exact = False
    if not exact:
        raise PydanticCustomError(
            "money",
            "{amount} has more than {places} decimal places (the API stores {places})",
            {"amount": str(amount), "places": MONEY_PLACES},
        )
    return amount


def _format_check(pattern: re.Pattern[str], error_type: str, message: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise PydanticCustomError(error_type, message, {"value": value})
        return value

    return AfterValidator(check)


_ADDRESS: Final = TypeAdapter(Address)


def _object_address(value: str) -> Address:
    """The canonical spelling, so an address matches the plan's however its key is escaped."""
    try:
        return _ADDRESS.validate_python(value.strip())
    except ValidationError:
        raise PydanticCustomError(
            "address",
            "'{value}' is not an object address like service[\"Legacy Hosting\"] or "
            'service["X"].product["code"].addon["sku"] or broker["123"]',
            {"value": value},
        ) from None


# ISO 3166-1 alpha-2 country codes (officially assigned), for offline validation.
_COUNTRIES: Final = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET
    FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ
    OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA
    RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
    UA UG UM US UY UZ
    VA VC VE VG VI VN VU
    WF WS
    YE YT
    ZA ZM ZW
    """
COUNTRY_CODES: Final = frozenset(_COUNTRIES.split())


def _country(value: str) -> str:
    if value not in COUNTRY_CODES:
        hint = " (codes are upper case)" if value.upper() in COUNTRY_CODES else ""
        raise PydanticCustomError(
            "country_code",
            "'{value}' is not an ISO 3166 alpha-2 country code{hint}",
            {"value": value, "hint": hint},
        )
    return value


def _currency(value: str) -> str:
    if value not in CURRENCY_CODES:
        hint = " (codes are upper case)" if value.upper() in CURRENCY_CODES else ""
        raise PydanticCustomError(
            "currency_code",
            "'{value}' is not an ISO 4217 currency code{hint}",
            {"value": value, "hint": hint},
        )
    return value


def _one_of(choices: Collection[int]) -> Callable[[int], int]:
    def check(value: int) -> int:
        if value not in choices:
            expected = ", ".join(str(choice) for choice in choices)
            raise PydanticCustomError(
                "literal_error", "Input should be one of {expected}", {"expected": expected}
            )
        return value

    return check


def _characters(value: str) -> str:
    """YAML escapes can write lone surrogates ("\\ud800"), which no API can store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "characters", "the text contains an escape that is not a character (\\uD800-\\uDFFF)"
        ) from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "this cannot be blank")
    return value


Text = Annotated[str, Strict(), AfterValidator(_characters)]
Name = Annotated[
    str, Strict(), Field(min_length=1), AfterValidator(_characters), AfterValidator(_not_blank)
]
Key = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=200),
    AfterValidator(_characters),
    AfterValidator(_not_blank),
]
ObjectAddress = Annotated[
    str,
    Strict(),
    AfterValidator(_object_address),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r'^(service|broker)\[".+"\]',
            "patternErrorMessage": 'an address such as service["Cloud PBX"] or '
            'broker["5566778899"]',
        }
    ),
]
WholeNumber = Annotated[int, Strict(), Field(ge=0, le=WHOLE_NUMBER_LIMIT)]

Money = Annotated[
    Decimal,
    BeforeValidator(_to_money),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "pattern": rf"^\s*\d+(\.\d{{1,{MONEY_PLACES}}})?\s*$",
                    "patternErrorMessage": 'an amount such as "12.50", at most '
                    f"{MONEY_PLACES} decimal places",
                },
                # A JSON Schema number cannot be limited to 4 decimal places without
                # floating-point false alarms (0.09 / 0.0001 is not whole in binary), so the
                # schema accepts unquoted whole amounts only and asks for quotes otherwise.
                {
                    "type": "integer",
                    "minimum": 0,
                    "exclusiveMaximum": MONEY_LIMIT_INT,
                    "errorMessage": 'write an amount with decimals in quotes, such as "12.50"',
                },
            ],
            "errorMessage": 'an amount such as "12.50": in quotes, at most '
            f"{MONEY_PLACES} decimal places",
        }
    ),
    Field(ge=0),
]
"""An amount, exact to 4 decimal places. Quote it (``"12.50"``) to keep it text in every tool."""

Email = Annotated[
    str,
    Strict(),
    _format_check(_EMAIL, "email", "'{value}' is not an e-mail address"),
    WithJsonSchema({"type": "string", "format": "email"}),
]
Domain = Annotated[
    str,
    Strict(),
    _format_check(_DOMAIN, "domain", "'{value}' is not a domain name like example.com"),
    WithJsonSchema({"type": "string", "format": "hostname"}),
]
HttpsUrl = Annotated[
    str,
    Strict(),
    _format_check(
        _HTTPS_URL, "https_url", "'{value}' is not an https URL such as https://example.com/hook"
    ),
    WithJsonSchema(
        {
            "type": "string",
            "format": "uri",
            "pattern": "^https://",
            "patternErrorMessage": "an https URL such as https://example.com/hook",
        }
    ),
]
"""An absolute https URL: what Cloudmore sends a secret to must be encrypted on the way."""
EnvName = Annotated[
    str,
    Strict(),
    _format_check(
        ENV_NAME,
        "env_name",
        "'{value}' is not an environment variable name (letters, digits and _, not first a digit)",
    ),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{ENV_NAME.pattern}$",
            "patternErrorMessage": "an environment variable name such as CONNECTOR_PASSWORD",
        }
    ),
]
PhonePrefix = Annotated[
    str,
    Strict(),
    _format_check(
        re.compile(r"[0-9]{1,4}"),
        "phone",
        "'{value}' is not a country calling code: digits only, without '+'",
    ),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{1,4}$",
            "patternErrorMessage": "a country calling code: 1 to 4 digits, without '+'",
        }
    ),
]
PhoneNumber = Annotated[
    str,
    Strict(),
    _format_check(
        re.compile(r"[0-9]{4,14}"),
        "phone",
        "'{value}' is not a phone number: 4 to 14 digits, no spaces or prefix",
    ),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{4,14}$",
            "patternErrorMessage": "a phone number: 4 to 14 digits, no spaces or prefix",
        }
    ),
]
CountryCode = Annotated[
    str,
    Strict(),
    AfterValidator(_country),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Z]{2}$",
            "patternErrorMessage": "an ISO 3166 alpha-2 country code in capitals, such as SE",
        }
    ),
]
CurrencyCode = Annotated[
    str,
    Strict(),
    AfterValidator(_currency),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "patternErrorMessage": "an ISO 4217 currency code in capitals, such as SEK",
        }
    ),
]
Guid = Annotated[
    str,
    Strict(),
    _format_check(GUID_PATTERN, "guid", "'{value}' is not a lower-case GUID (8-4-4-4-12 hex)"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{GUID_PATTERN.pattern}$",
            "patternErrorMessage": "a lower-case GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6",
        }
    ),
]

_SUBSCRIPTION_MONTHS: Final = (1, 12, 24, 36, 48, 60)
_BILLING_MONTHS: Final = (1, 12)
SubscriptionMonths = Annotated[
    int,
    Strict(),
    AfterValidator(_one_of(_SUBSCRIPTION_MONTHS)),
    WithJsonSchema({"type": "integer", "enum": list(_SUBSCRIPTION_MONTHS)}),
]
BillingMonths = Annotated[
    int,
    Strict(),
    AfterValidator(_one_of(_BILLING_MONTHS)),
    WithJsonSchema({"type": "integer", "enum": list(_BILLING_MONTHS)}),
]
