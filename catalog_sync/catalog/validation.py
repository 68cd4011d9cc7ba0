"""Validate one parsed file against the models and turn pydantic errors into diagnostics.

Pydantic reports every error of a file in one pass; each error's ``loc`` is a path of YAML keys
and list indices, which the document maps back to ``file:line:col``. The file is then validated
again with each object that has a schema error left out, so the semantic checks still see
every well-formed object (a product without a name must not hide a duplicate addon next to
it) and never see a half-read one.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Literal

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.models import CatalogFile
from catalog_sync.catalog.sourced import ORIGIN_KEY, Origin, field_models
from catalog_sync.catalog.yaml_source import NodeInfo, NodePath, YamlDocument
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation

__all__ = ["validate_document"]

_MAX_SALVAGE_ROUNDS: Final = 50

_FORMAT_CODES: Final = {
    "money": Code.INVALID_MONEY,
    "email": Code.INVALID_EMAIL,
    "country_code": Code.INVALID_COUNTRY,
    "currency_code": Code.INVALID_CURRENCY,
    "phone": Code.INVALID_PHONE,
    "domain": Code.INVALID_DOMAIN,
    "https_url": Code.INVALID_URL,
    "env_name": Code.INVALID_ENV_NAME,
    "guid": Code.INVALID_ID,
    "address": Code.INVALID_ADDRESS,
}
_EXPECTED: Final = {
    "string_type": "a string",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}
_ACTUAL: Final = {
    "str": "text",
    "int": "a number",
    "float": "a decimal number",
    "bool": "a boolean",
    "null": "nothing (null)",
    "timestamp": "a date",
    "map": "a mapping",
    "seq": "a list",
}


def validate_document(doc: YamlDocument) -> tuple[CatalogFile | None, list[Diagnostic]]:
    """The file model (possibly with broken objects left out) and every schema problem."""
    data = _with_origins(doc.data, (), doc)
    try:
        return _validate(data), []
    except ValidationError as error:
        errors = error.errors()
    problems = [_diagnostic(detail, doc) for detail in errors]
    for _ in range(_MAX_SALVAGE_ROUNDS):
        cuts = {cut for detail in errors if (cut := _cut_for(detail, data)) is not None}
        data, changed = _without(data, (), cuts)
        if not changed:
            break
        try:
            return _validate(data), problems
        except ValidationError as error:
            errors = error.errors()
    return None, problems


def _validate(data: object) -> CatalogFile:
    # by_name=False: a YAML file must use the camelCase names; `item_code:` is an unknown key.
    return CatalogFile.model_validate(data, by_alias=True, by_name=False)


def _with_origins(value: object, path: NodePath, doc: YamlDocument) -> object:
    if isinstance(value, dict):
        # One pass over the keys, each key's path built once: this runs for every mapping of
        # every file.
        nodes = doc.nodes
        fields: dict[str, SourceLocation] = {}
        items: dict[str, tuple[SourceLocation, ...]] = {}
        result: dict[object, object] = {}
        for key, item in value.items():
            at = (*path, key)
            result[key] = _with_origins(item, at, doc)
            if isinstance(key, str):
                node = nodes.get(at)
                if node is not None:
                    fields[key] = node.location
                if isinstance(item, list):
                    items[key] = tuple(doc.locate((*at, i)).location for i in range(len(item)))
        result[ORIGIN_KEY] = Origin(doc.locate(path).location, fields, items)
        return result
    if isinstance(value, list):
        return [_with_origins(item, (*path, index), doc) for index, item in enumerate(value)]
    return value


def _cut_for(detail: ErrorDetails, data: object) -> NodePath | None:
    """The object to leave out so that this error goes away: the innermost mapping holding
    the bad value (or the top-level list item). Keeping the object but dropping only the bad
    key would let its default trigger checks about a value the user never wrote.
    """
    loc: NodePath = tuple(detail["loc"])
    if len(loc) <= 1:
        return loc or None
    for end in range(len(loc) - 1, 0, -1):
        if isinstance(_value_at(data, loc[:end]), dict):
            return loc[:end]
    return loc[:2]


def _value_at(data: object, path: NodePath) -> object:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _without(value: object, path: NodePath, cuts: set[NodePath]) -> tuple[object, bool]:
    changed = False
    if isinstance(value, dict):
        kept: dict[object, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):  # the origin: kept whatever is cut
                kept[key] = item
            elif (*path, key) in cuts:
                changed = True
            else:
                kept[key], sub_changed = _without(item, (*path, key), cuts)
                changed = changed or sub_changed
        return kept, changed
    if isinstance(value, list):
        items: list[object] = []
        for index, item in enumerate(value):
            if (*path, index) in cuts:
                changed = True
                continue
            new_item, sub_changed = _without(item, (*path, index), cuts)
            items.append(new_item)
            changed = changed or sub_changed
        return items, changed
    return value, False


def _diagnostic(detail: ErrorDetails, doc: YamlDocument) -> Diagnostic:
    loc: NodePath = tuple(detail["loc"])
    kind = detail["type"]
    node = doc.locate(loc)
    field = _field_name(loc)
    if kind == "missing":
        return _error(node.location, Code.MISSING_FIELD, f"missing required field {field!r}")
    if kind == "extra_forbidden":
        known = _known_fields(loc[:-1])
        where = node.key_location or node.location
        return _error(
            where,
            Code.UNKNOWN_FIELD,
            f"unknown field {field!r}{_did_you_mean(str(field), known)}",
        )
    if kind in _EXPECTED:
        return _error(node.location, Code.WRONG_TYPE, _type_message(kind, field, loc, node))
    if kind == "literal_error":
        return _error(node.location, Code.INVALID_CHOICE, _choice_message(detail, field, loc))
    if kind in _FORMAT_CODES:
        # A bad mapping key (a currency code of prices) is shown where the key is written.
        where = (node.key_location if loc[-1:] == ("[key]",) else None) or node.location
        return _error(where, _FORMAT_CODES[kind], f"{field}: {detail['msg']}")
    return _error(node.location, Code.OUT_OF_RANGE, f"{field}: {_in_our_words(detail)}")


def _plural(count: object, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _number(value: object) -> str:
    """``100`` for pydantic's ``100.0``: the bound as the catalog writes it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _in_our_words(detail: ErrorDetails) -> str:
    """Pydantic's message for the common range and length errors, said the way a catalog
    author reads a value ("must be at least 0"), not as the library words it ("input should
    be greater than or equal to 0"); anything else keeps pydantic's own message."""
    ctx = detail.get("ctx") or {}
    given = detail.get("input")
    shown = (
        f" (it is {given})"
        if isinstance(given, int | float) and not isinstance(given, bool)
        else ""
    )
    words: dict[str, Callable[[], str]] = {
        "greater_than_equal": lambda: f"must be at least {_number(ctx.get('ge'))}{shown}",
        "greater_than": lambda: f"must be more than {_number(ctx.get('gt'))}{shown}",
        "less_than_equal": lambda: f"must be at most {_number(ctx.get('le'))}{shown}",
        "less_than": lambda: f"must be less than {_number(ctx.get('lt'))}{shown}",
        "too_short": lambda: (
            "must not be empty"
            if ctx.get("min_length") == 1
            else f"must have at least {_plural(ctx.get('min_length'), 'item')}"
        ),
        "too_long": lambda: (
            f"must have at most {_plural(ctx.get('max_length'), 'item')}, not "
            f"{ctx.get('actual_length')}"
        ),
        "string_too_short": lambda: (
            "must not be empty"
            if ctx.get("min_length") == 1
            else f"must be at least {_plural(ctx.get('min_length'), 'character')} long"
        ),
        "string_too_long": lambda: (
            f"must be at most {_plural(ctx.get('max_length'), 'character')} long"
        ),
        "int_from_float": lambda: "must be a whole number",
        "float_parsing": lambda: "must be a number",
        "float_type": lambda: "must be a number",
    }
    said = words.get(detail["type"])
    if said is not None:
        return said()
    message = detail["msg"].removeprefix("Value error, ")
    return _lower_first(message)


def _type_message(kind: str, field: str | int, loc: NodePath, node: NodeInfo) -> str:
    if not loc:
        return "a catalog file must be a mapping with settings:, services: and/or brokers:"
    actual = _ACTUAL.get(node.kind, "something else")
    if kind == "int_type" and node.kind == "int" and node.text is not None:
        # A YAML integer kept as text: too many digits to be read as a number at all.
        return f"{field!r} is too large: {len(node.text):,} digits"
    message = f"{field!r} must be {_EXPECTED[kind]}, not {actual}"
    scalar = node.kind in {"int", "float", "bool", "timestamp"}
    if kind == "string_type" and scalar and node.text is not None:
        message += f': quote it ("{node.text}") to keep it text'
    elif kind == "bool_type" and node.kind == "str":
        message += ": write true or false"
    elif kind == "int_type" and node.kind == "str" and _is_integer_text(node.text):
        message += ": remove the quotes"
    return message


def _is_integer_text(text: str | None) -> bool:
    digits = (text or "").strip().replace("_", "").removeprefix("-").removeprefix("+")
    return digits.isdigit()


def _choice_message(detail: ErrorDetails, field: str | int, loc: NodePath) -> str:
    given = detail["input"]
    expected = (detail.get("ctx") or {}).get("expected", "")
    hint = ""
    if isinstance(given, str):
        hint = _did_you_mean(given, _literal_choices(loc))
    return f"{field}: {given!r} is not allowed{hint}; expected {expected}"


def _field_name(loc: NodePath) -> str | int:
    """The last YAML key in ``loc`` (``categories`` for ``categories[2]``, ``prices`` for a
    bad key of ``prices``)."""
    if len(loc) >= 3 and loc[-1] == "[key]":
        loc = loc[:-2]
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "item"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string when none is close."""
    options = list(choices)
    by_case = {option.lower(): option for option in options}
    # Case slips and snake_case spellings of camelCase keys are the commonest mistakes.
    for candidate in (by_case.get(word.lower()), by_case.get(to_camel(word).lower())):
        if candidate is not None and candidate != word:
            return f" (did you mean {candidate!r}?)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _error(where: SourceLocation, code: Code, message: str) -> Diagnostic:
    return Diagnostic(where, code, Severity.ERROR, message)


# Introspection of the model tree, for suggestions: which keys and values were possible here.


def _model_at(loc: NodePath) -> type[BaseModel] | None:
    model: type[BaseModel] | None = CatalogFile
    for part in loc:
        if isinstance(part, str) and model is not None:
            model = field_models(model).get(part)
    return model


def _known_fields(loc: NodePath) -> list[str]:
    model = _model_at(loc)
    return list(field_models(model)) if model is not None else []


def _literal_choices(loc: NodePath) -> list[str]:
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return []
    model = _model_at(tuple(names[:-1]))
    field = _field_by_alias(model, names[-1]) if model is not None else None
    if field is None:
        return []
    return [str(value) for value in _literal_values(field.annotation)]


def _field_by_alias(model: type[BaseModel], alias: str) -> Any:
    for name, field in model.model_fields.items():
        if (field.alias or name) == alias:
            return field
    return None


def _literal_values(annotation: object) -> Sequence[object]:
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    values: list[object] = []
    for arg in typing.get_args(annotation):
        values.extend(_literal_values(arg))
    return values
