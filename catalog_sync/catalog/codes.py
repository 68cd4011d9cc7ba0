"""The stable diagnostic codes. A code never changes meaning once released; retire, don't reuse."""

from __future__ import annotations

import enum

__all__ = ["Code"]


class Code(enum.StrEnum):
    """Each member's value is the code users see; its docstring line is in docs/diagnostics.md."""

    # CS1xx: reading files and YAML structure
    PATH_NOT_FOUND = "CS100"
    NO_CATALOG_FILES = "CS101"
    UNREADABLE_FILE = "CS102"
    NOT_UTF8 = "CS103"
    EMPTY_FILE = "CS104"
    YAML_SYNTAX = "CS105"
    DUPLICATE_KEY = "CS106"
    ANCHOR_OR_ALIAS = "CS107"
    MERGE_KEY = "CS108"
    UNSUPPORTED_TAG = "CS109"
    COMPLEX_KEY = "CS110"
    NO_CATALOG = "CS111"
    NOT_A_CATALOG = "CS112"

    # CS2xx: schema and types
    MISSING_FIELD = "CS201"
    UNKNOWN_FIELD = "CS202"
    WRONG_TYPE = "CS203"
    INVALID_CHOICE = "CS204"
    OUT_OF_RANGE = "CS205"
    INVALID_MONEY = "CS206"
    INVALID_EMAIL = "CS207"
    INVALID_COUNTRY = "CS208"
    INVALID_PHONE = "CS209"
    INVALID_DOMAIN = "CS210"
    INVALID_ID = "CS211"
    INVALID_ADDRESS = "CS212"
    INVALID_CURRENCY = "CS213"
    INVALID_URL = "CS214"
    INVALID_ENV_NAME = "CS215"

    # CS3xx: semantic checks across objects and files
    DUPLICATE_SERVICE = "CS301"
    DUPLICATE_PRODUCT = "CS302"
    DUPLICATE_ADDON = "CS303"
    DUPLICATE_BROKER = "CS304"
    DUPLICATE_ID = "CS305"
    PRICE_PER_NOT_ALLOWED = "CS306"
    GROUP_NAME_MISSING = "CS307"
    PUBLISH_LIST_MISSING = "CS308"
    PUBLISH_LIST_UNUSED = "CS309"
    MISPLACED_SETTINGS = "CS310"
    QUANTITY_RANGE = "CS311"
    DUPLICATE_WEBHOOK = "CS312"
    UNKNOWN_BROKER = "CS320"
    NEGATIVE_MARGIN = "CS321"
    RECOMMENDED_BELOW_PRICE = "CS322"
    GROUP_NAME_UNUSED = "CS323"
    LOOKALIKE_KEY = "CS324"
    INVISIBLE_CHARACTER = "CS325"
    PRICED_ITEM_CODE = "CS326"
    CONFUSABLE_KEY = "CS327"
    PROVISIONING_MISMATCH = "CS328"
    VARIABLE_UNSET = "CS329"
    MOVED_FROM_CLASH = "CS330"
    UNKNOWN_EVENT_TYPE = "CS331"

    # CS4xx: names and ids resolved against the live catalog (plan and apply)
    UNRESOLVED_NAME = "CS401"
    UNMATCHED_ID = "CS402"
    PRUNED_BROKER = "CS403"
    PRODUCT_TYPE_CHANGE = "CS404"
    PROTECT_UNMATCHED = "CS405"
    QUANTITY_ORDER = "CS406"
    LOOKALIKE_LIVE = "CS407"
    MOVED_FROM_NOTE = "CS408"
    VARIABLE_UNSET_FOR_WRITE = "CS409"
    UNSENT_WRITE_ONLY = "CS410"
    CURRENCY_NOT_ENABLED = "CS411"
