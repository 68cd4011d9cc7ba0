"""The kinds: :mod:`~catalog_sync.kinds.registry` (the spec types and the lookups over them) and
one module per kind, imported here in plan order so that each registers itself.

``from catalog_sync.kinds import KINDS, children_of, ...`` is the way the rest of the code
reads the registry; a kind's own wire shapes are imported from its module.
"""

from __future__ import annotations

from catalog_sync.kinds import addon, broker, price_list, product, publish, service, webhook
from catalog_sync.kinds.price_list import price_list_cell
from catalog_sync.kinds.publish import PUBLISH_MODES
from catalog_sync.kinds.registry import (
    BROKERS,
    KINDS,
    LIST_VIEWS,
    PRICE_FIELDS,
    SELLER,
    Endpoint,
    FieldSpec,
    IdsOfNames,
    ItemFields,
    KindSpec,
    NamesOfIds,
    PriceCell,
    Root,
    children_of,
    defaults,
    field_spec,
    get_path,
    keyed_id,
    references,
    register,
    set_path,
    unsent_secrets,
    write_only,
)

__all__ = [
    "BROKERS",
    "KINDS",
    "LIST_VIEWS",
    "PRICE_FIELDS",
    "PUBLISH_MODES",
    "SELLER",
    "Endpoint",
    "FieldSpec",
    "IdsOfNames",
    "ItemFields",
    "KindSpec",
    "NamesOfIds",
    "PriceCell",
    "Root",
    "addon",
    "broker",
    "children_of",
    "defaults",
    "field_spec",
    "get_path",
    "keyed_id",
    "price_list",
    "price_list_cell",
    "product",
    "publish",
    "references",
    "register",
    "service",
    "set_path",
    "unsent_secrets",
    "webhook",
    "write_only",
]
