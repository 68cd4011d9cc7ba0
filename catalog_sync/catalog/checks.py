"""Semantic checks: rules across fields, objects and files that a schema cannot express.

They run on the merged catalog of well-formed objects; each finding points at the value that
is wrong through the model's ``field_source``.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Final, TypeVar

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.models import Addon, Catalog, Product, Publish, SecretRef
from catalog_sync.catalog.moves import moved_from_problems
from catalog_sync.catalog.sourced import SourcedModel
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.graph import Kind
from catalog_sync.kinds import KINDS, children_of
from catalog_sync.kinds.addon import ALLOWED_PRICE_PER
from catalog_sync.kinds.product import quantities_out_of_order
from catalog_sync.lookalike import confusables_in, escape, invisible_in, reading, visible

__all__ = ["check_catalog"]

M = TypeVar("M", bound=SourcedModel)

# Each of these publish modes takes the list of the same name; the other modes take none.
_PUBLISH_LISTS: Final = ("regions", "countries", "brokers")


def check_catalog(catalog: Catalog) -> list[Diagnostic]:
    """Every semantic problem of ``catalog`` (errors and warnings), unsorted."""
    found: list[Diagnostic] = []
    pinned: list[SourcedModel] = []
    found += _keyed(catalog, None, pinned)
    broker_numbers = {broker.registration_number for broker in catalog.brokers}
    for service in catalog.services:
        if service.publish is not None:
            found += _check_publish(service.publish, broker_numbers)
        for product in service.products:
            found += _check_product(product)
    found += _duplicates(
        (model for model in pinned if getattr(model, "id", None) is not None),
        "id",
        Code.DUPLICATE_ID,
        "id",
    )
    for spec in KINDS.values():
        if spec.rules is not None:
            for parent in _models_of(catalog, spec.parent):
                found += spec.rules(parent)
    found += _unset_secrets(catalog)
    found += moved_from_problems(catalog)
    return found


def _models_of(catalog: Catalog, kind: Kind | None) -> list[SourcedModel]:
    """The catalog models of ``kind`` (``None``: the catalog itself), through the registry."""
    if kind is None:
        return [catalog]
    spec = KINDS[kind]
    found: list[SourcedModel] = []
    for parent in _models_of(catalog, spec.parent):
        items = getattr(parent, spec.catalog_items, None)
        found += items if isinstance(items, tuple) else () if items is None else (items,)
    return found


def _unset_secrets(model: SourcedModel) -> Iterator[Diagnostic]:
    """A warning at each secret whose environment variable is unset here: validate runs
    offline (pre-commit), where secrets are rarely set; plan and apply refuse a write that
    needs one (CS409)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, SecretRef):
                if not os.environ.get(item.env):
                    yield _warning(
                        item,
                        "env",
                        Code.VARIABLE_UNSET,
                        f"the environment variable {item.env} is not set: plan and apply "
                        "refuse to write this object until it is",
                    )
            elif isinstance(item, SourcedModel):
                yield from _unset_secrets(item)


def _keyed(
    holder: SourcedModel, parent: Kind | None, pinned: list[SourcedModel]
) -> list[Diagnostic]:
    """The checks every kind with a natural key gets from its spec: duplicate keys, keys that
    look alike, and (collected in ``pinned``) ids pinned twice, for ``holder``'s children and
    everything below them."""
    found: list[Diagnostic] = []
    for spec in children_of(parent):
        objects = getattr(holder, spec.catalog_items, None)
        if spec.key is None or not spec.counted or not isinstance(objects, tuple) or not objects:
            continue
        attribute = _attribute(objects[0], spec.key)
        what = f"{spec.kind.value} {spec.key}"
        code = getattr(Code, f"DUPLICATE_{spec.kind.name}", Code.DUPLICATE_KEY)
        found += _duplicates(objects, attribute, code, what)
        found += _lookalike_keys(objects, attribute, what)
        for model in objects:
            pinned.append(model)
            found += _keyed(model, spec.kind, pinned)
    return found


def _attribute(model: SourcedModel, name: str) -> str:
    """The attribute behind the file key ``name``."""
    fields = type(model).model_fields
    return next((attr for attr, info in fields.items() if (info.alias or attr) == name), name)


def _duplicates(models: Iterable[M], attribute: str, code: Code, what: str) -> Iterator[Diagnostic]:
    first: dict[object, M] = {}
    for model in models:
        key = getattr(model, attribute)
        # Cloudmore's natural keys are case-insensitive: "SKU1" and "sku1" are one key.
        folded = key.casefold() if isinstance(key, str) else key
        if folded in first:
            earlier = first[folded]
            same = getattr(earlier, attribute) == key
            spelled = "" if same else f" as {getattr(earlier, attribute)!r}"
            yield _error(
                model,
                attribute,
                code,
                f"duplicate {what} {key!r} (first defined{spelled} at "
                f"{earlier.field_source(attribute)}); keys must be unique, ignoring case",
            )
        else:
            first[folded] = model


def _check_product(product: Product) -> Iterator[Diagnostic]:
    yield from _check_prices(product)
    if "/" in product.item_code and (product.prices or any(a.prices for a in product.addons)):
        # A price list names an addon "productItemCode/addonItemCode" (docs/contracts.md).
        yield _error(
            product,
            "item_code",
            Code.PRICED_ITEM_CODE,
            f"itemCode {product.item_code!r} contains '/', which names an addon in a price "
            "list: a product with prices (or with priced addons) needs an itemCode without '/'",
        )
    quantities = {"minQuantity": product.min_quantity, "maxQuantity": product.max_quantity}
    if (order := quantities_out_of_order(quantities)) is not None:
        yield _error(
            product,
            "max_quantity",
            Code.QUANTITY_RANGE,
            f"maxQuantity {order[1]} is below minQuantity {order[0]}",
        )
    allowed = ALLOWED_PRICE_PER[product.type]
    for addon in product.addons:
        yield from _check_prices(addon)
        yield from _check_grouping(addon)
        if addon.price_per is not None and addon.price_per not in allowed:
            yield _error(
                addon,
                "price_per",
                Code.PRICE_PER_NOT_ALLOWED,
                f"pricePer {addon.price_per!r} is not allowed under a {product.type} product"
                f" ({product.item_code!r}); use {' or '.join(allowed)}",
            )


def _check_grouping(addon: Addon) -> Iterator[Diagnostic]:
    if addon.enable_grouping and not addon.group_name:
        yield _error(
            addon,
            "enable_grouping",
            Code.GROUP_NAME_MISSING,
            "groupName is required when enableGrouping is true",
        )
    elif not addon.enable_grouping and addon.group_name:
        yield _warning(
            addon,
            "group_name",
            Code.GROUP_NAME_UNUSED,
            "groupName is ignored because enableGrouping is not true",
        )


def _check_prices(item: Product | Addon) -> Iterator[Diagnostic]:
    price, cost, recommended = item.price, item.cost, item.recommended_price
    # A deliberate loss leader is exempt from the matching policy (docs/policies.md), and
    # so from the warning that says the same.
    exempt = set(item.policy_exempt)
    if price is not None and cost is not None and price < cost and "minMarginPercent" not in exempt:
        yield _warning(
            item,
            "price",
            Code.NEGATIVE_MARGIN,
            f"price {price} is below cost {cost} (margin {price - cost:f})",
        )
    if (
        price is not None
        and recommended is not None
        and recommended < price
        and "recommendedAtLeastPrice" not in exempt
    ):
        yield _warning(
            item,
            "recommended_price",
            Code.RECOMMENDED_BELOW_PRICE,
            f"recommendedPrice {recommended} is below price {price}",
        )


def _check_publish(publish: Publish, broker_numbers: set[str]) -> Iterator[Diagnostic]:
    for attribute in _PUBLISH_LISTS:
        mode = attribute
        values: tuple[str, ...] = getattr(publish, attribute)
        if publish.to == mode and not values:
            yield _error(
                publish,
                attribute if attribute in publish.model_fields_set else "to",
                Code.PUBLISH_LIST_MISSING,
                f"publish to {mode} needs a non-empty {attribute} list",
            )
        elif publish.to != mode and attribute in publish.model_fields_set:
            yield _error(
                publish,
                attribute,
                Code.PUBLISH_LIST_UNUSED,
                f"{attribute} is only used with 'to: {mode}' (this service publishes to"
                f" {publish.to}); remove it",
            )
    if publish.to == "brokers":
        for number in publish.brokers:
            if number not in broker_numbers:
                yield _warning(
                    publish,
                    "brokers",
                    Code.UNKNOWN_BROKER,
                    f"no broker in the catalog has registrationNumber {number!r}"
                    " (fine if the broker exists but is not managed here)",
                )


# Natural keys that look alike: the same to a reader, different to Cloudmore (defect 10).
#
# Two service names that differ only in whitespace, Unicode normal form (``é`` composed or
# decomposed), an invisible character (a zero-width space) or a letter of another script that
# looks the same (a Cyrillic "А") read as one name in every review and are two objects to the
# API; a key holding an invisible character or a look-alike letter of another script makes a
# second object beside the one it imitates. All are errors in keys (docs/diagnostics.md,
# CS324, CS325, CS327), and such names are shown escaped so that the difference can be seen
# (catalog_sync/lookalike.py).


def _shown(text: str) -> str:
    """``text`` quoted, with invisible, confusable and non-printing characters as escapes."""
    escaped = "".join(c if c.isprintable() else escape(c) for c in visible(text))
    return f"'{escaped}'"


def _lookalike_keys(
    models: Iterable[SourcedModel], attribute: str, what: str
) -> Iterator[Diagnostic]:
    first: dict[str, tuple[SourcedModel, str]] = {}
    for model in models:
        key = getattr(model, attribute)
        if not isinstance(key, str):
            continue
        if invisible_in(key):
            yield _error(
                model,
                attribute,
                Code.INVISIBLE_CHARACTER,
                f"{what} {_shown(key)} holds an invisible character: remove it",
            )
        for found in confusables_in(key):
            yield _error(
                model,
                attribute,
                Code.CONFUSABLE_KEY,
                f"{what} {_shown(key)} mixes scripts: {escape(found.character)} "
                f"({unicodedata.name(found.character, '?')}) looks like "
                f"{found.looks_like!r}: write the word in one script",
            )
        key_reading = reading(key)
        earlier = first.get(key_reading)
        if earlier is None:
            first[key_reading] = (model, key)
        elif earlier[1].casefold() != key.casefold():
            yield _error(
                model,
                attribute,
                Code.LOOKALIKE_KEY,
                f"{what} {_shown(key)} looks like {_shown(earlier[1])} (at "
                f"{earlier[0].field_source(attribute)}): they differ only in whitespace, "
                "Unicode form, invisible characters or look-alike letters, yet Cloudmore "
                "sees two objects",
            )


def _finding(
    severity: Severity,
) -> Callable[[SourcedModel, str, Code, str], Diagnostic]:
    def make(model: SourcedModel, field: str, code: Code, message: str) -> Diagnostic:
        return Diagnostic(model.field_source(field), code, severity, message)

    return make


_error = _finding(Severity.ERROR)
_warning = _finding(Severity.WARNING)
