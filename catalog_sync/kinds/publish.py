"""Publish settings: who may buy a service (``docs/contracts.md``, "Publish").

Embedded in the service's wire object (``ServiceRead.publish``), so it has no id and no list of
its own: it is read with its service and written with one ``PUT .../services/{id}/publish``.
Publish is always fully specified: a mode's unused lists are empty, not "don't care".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from catalog_sync.cloudmore.wire import NestedBody
from catalog_sync.graph import Kind
from catalog_sync.kinds.contract import Contract, WireField
from catalog_sync.kinds.registry import BROKERS, Endpoint, FieldSpec, KindSpec, register
from catalog_sync.normalise import FieldType

__all__ = ["CONTRACT", "PUBLISH_MODES", "SPEC", "PublishBody", "WirePublishTo"]

WirePublishTo = Literal[
    "AllBrokers", "Regions", "Countries", "SellerBrokers", "SpecificBrokers", "None"
]

# The catalog's publish vocabulary and the API's.
PUBLISH_MODES: Mapping[str, str] = {
    "allBrokers": "AllBrokers",
    "regions": "Regions",
    "countries": "Countries",
    "sellerBrokers": "SellerBrokers",
    "brokers": "SpecificBrokers",
    "none": "None",
}


class PublishBody(NestedBody):
    """Body of ``PUT .../services/{id}/publish`` and ``ServiceRead.publish``: ASSUMED. Keeps
    fields it does not declare, so a publish written over the read sends them back."""

    publish_to: WirePublishTo = "None"
    region_ids: list[str] = Field(default_factory=list)
    country_ids: list[str] = Field(default_factory=list)
    broker_ids: list[str] = Field(default_factory=list)


_OURS = "assumed: no public body (docs/contracts.md, Publish)"

CONTRACT = Contract(
    endpoint="PUT services/{id}/publish; read as the service's publish",
    endpoint_evidence="documented",
    endpoint_source="Cloudmore developer guide (publish a service to a market)",
    where="catalog_sync/kinds/publish.py",
    fields=(
        WireField(
            "publishTo",
            "string",
            "assumed",
            _OURS,
            nullable=False,
            values=tuple(PUBLISH_MODES.values()),
        ),
        WireField("regionIds", "array", "assumed", _OURS),
        WireField("countryIds", "array", "assumed", _OURS),
        WireField("brokerIds", "array", "assumed", _OURS),
    ),
)

SPEC = register(
    KindSpec(
        Kind.PUBLISH,
        parent=Kind.SERVICE,
        key=None,
        catalog_items="publish",
        read_model=PublishBody,
        body_model=PublishBody,
        endpoint=Endpoint(collection=None, item="services/{0}/publish", detail=False),
        embedded="publish",
        contract=CONTRACT,
        removal="none",
        fields=(
            FieldSpec(
                "to",
                FieldType.ENUM,
                default="none",
                wire="publishTo",
                vocabulary=PUBLISH_MODES,
                noun="publish mode",
            ),
            FieldSpec(
                "regions",
                FieldType.SET,
                default=(),
                wire="regionIds",
                lookup="regions",
                noun="market region",
            ),
            FieldSpec(
                "countries",
                FieldType.SET,
                default=(),
                upper=True,
                wire="countryIds",
                lookup="countries",
                noun="market country",
            ),
            FieldSpec(
                "brokers",
                FieldType.SET,
                default=(),
                wire="brokerIds",
                lookup=BROKERS,
                noun="broker",
                code=True,
            ),
        ),
    )
)
