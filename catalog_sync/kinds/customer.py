"""Customers: a broker's organizations with prices of their own (``docs/broker.md``).

Three kinds, all on the broker's side and under the reseller root:

- ``customer``: an organization, named by the files and resolved through the organizations
  list (the ``organizations`` lookup table: an unknown name is CS401 with the closest names).
  catalog-sync never creates, changes or deletes an organization: the kind is not listed on
  its own, it is made from that one list (:mod:`catalog_sync.live.customers`).
- ``customerservice``: one of the broker's services as far as one customer's prices go; its id
  is the organization's and the service's together (``{organizationId}:{serviceId}``), so it
  is unique across customers, and its paths take the two apart.
- ``customerpricelist``: one customer's prices of one service in one currency
  (``GET/PUT .../organizations/{organizationId}/services/{serviceId}/pricelist``), fields
  ``"{item}.price"`` like a price list's, the items being the service's products and addons.

The wire shapes are ASSUMED (only the endpoints and the model names
``OrganizationPriceListViewModel``, ``OrganizationPriceListUpdateViewModel``,
``OrganizationProductAddon`` are public): the seller's price list shape, ``price`` the
customer's price, ``null`` where it has none (the broker's price applies), ``cost`` the
broker's cost (read only: the files never give it); a PUT with a ``null`` price clears it.
An organization is ``{id, name, status}``, ASSUMED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pydantic import ConfigDict

from catalog_sync.cloudmore.wire import ObjectBody, WireModel
from catalog_sync.graph import Address, Kind
from catalog_sync.kinds.contract import Contract, WireField
from catalog_sync.kinds.price_list import CONTRACT as PRICE_LIST_CONTRACT
from catalog_sync.kinds.price_list import SPEC as PRICE_LIST
from catalog_sync.kinds.registry import (
    KINDS,
    RESELLER,
    Endpoint,
    FieldSpec,
    KindSpec,
    PriceCell,
    Side,
    register,
)
from catalog_sync.normalise import FieldType

__all__ = [
    "CUSTOMER",
    "ORGANIZATIONS",
    "ORGANIZATION_CONTRACT",
    "PRICES",
    "SERVICES",
    "Organization",
    "customer_service_id",
    "service_of",
]

ORGANIZATIONS = "organizations"
"""The lookup table of the broker's organizations: name -> id (catalog_sync/live/lookups.py)."""

_BROKER_ONLY: frozenset[Side] = frozenset({"broker"})


class Organization(WireModel):
    """An organization as the broker lists it (``GET .../Organizations?showActive=true``):
    ASSUMED beyond ``id`` and ``name``."""

    model_config = ConfigDict(title="Organization")

    id: str
    name: str
    status: str | None = None


class _Never(ObjectBody):
    """No body: nothing here is ever written but the customer price lists."""

    name: str | None = None
    organization: str | None = None


_ASSUMED = "assumed: only the endpoint and the model names are public (docs/broker.md)"
_SDK = "SDK endpoint table (v1.07.0), under /api/resellers/{resellerId}"

ORGANIZATION_CONTRACT = Contract(
    endpoint="GET Organizations?showActive=true",
    endpoint_evidence="documented",
    endpoint_source=_SDK,
    shape="array",
    where="catalog_sync/kinds/customer.py",
    fields=(
        WireField("id", "string", "assumed", _ASSUMED, nullable=False),
        WireField("name", "string", "assumed", _ASSUMED, nullable=False),
        WireField("status", "string", "assumed", _ASSUMED),
    ),
)
"""An organization as listed (also the ``organizations`` lookup's row)."""

_SERVICES_CONTRACT = Contract(
    endpoint="(none read: the broker's services, one per customer)",
    endpoint_evidence="assumed",
    endpoint_source="docs/broker.md: made from the services list and the organizations list",
    where="catalog_sync/kinds/customer.py",
    fields=(),
)

_PRICES_CONTRACT = Contract(
    endpoint=(
        "GET organizations/{id}/services/{id}/pricelist?currencyCode=, "
        "PUT organizations/{id}/services/{id}/pricelist"
    ),
    endpoint_evidence="documented",
    endpoint_source=_SDK
    + " (OrganizationPriceListViewModel, OrganizationPriceListUpdateViewModel)",
    where="catalog_sync/kinds/customer.py",
    fields=PRICE_LIST_CONTRACT.fields,
)
"""The seller's price list shape (ASSUMED), ``price`` the customer's, ``cost`` the broker's."""


def customer_service_id(organization_id: str, service_id: str) -> str:
    return f"{organization_id}:{service_id}"


def service_of(customer_service_id: str) -> str:
    """The service's id in a customer service's id."""
    return customer_service_id.rpartition(":")[2]


def _path_ids(ids: Sequence[str]) -> Sequence[str]:
    # (organization, organization:service) -> (organization, service)
    return (*ids[:-1], service_of(ids[-1])) if ids else ids


def _items_under(parent: Address, parent_id: str | None) -> tuple[Address, str | None]:
    """A customer's prices price the broker's service of the same name."""
    assert parent.key is not None
    return Address.of(Kind.SERVICE, parent.key), None if parent_id is None else service_of(
        parent_id
    )


def customer_price_cell(address: Address, name: str) -> PriceCell | None:
    """A customer's price is a row of its own: the item as this customer buys it
    (``customer[..].customerservice[..].product[..]``) in the list's currency, its cost the
    broker's cost, which the list carries (read, never written: the files give no cost), so
    ``minMarginPercent`` holds the customer's price against it (docs/broker.md)."""
    items = KINDS[address.kind].items
    split = None if items is None else items.split(name)
    if items is None or split is None or address.parent is None or not address.key:
        return None
    at = address.parent
    for kind, key in zip(items.item_kinds, split[0].split(items.separator), strict=False):
        at = at.child(kind, key)
    return PriceCell(at, address.key, split[1].name)


assert PRICE_LIST.items is not None
_items = PRICE_LIST.items

CUSTOMER = register(
    KindSpec(
        Kind.CUSTOMER,
        parent=None,
        key="organization",
        catalog_items="customers",
        read_model=Organization,
        body_model=_Never,
        endpoint=Endpoint(collection=None, item="Organizations/{id}", root=RESELLER, detail=False),
        removal="none",
        sides=_BROKER_ONLY,
        reported=False,
        contract=ORGANIZATION_CONTRACT,
        fields=(
            FieldSpec(
                "organization",
                FieldType.TEXT,
                wire="name",
                lookup=ORGANIZATIONS,
                noun="organization",
            ),
        ),
    )
)

SERVICES = register(
    KindSpec(
        Kind.CUSTOMER_SERVICE,
        parent=Kind.CUSTOMER,
        key="name",
        catalog_items="services",
        read_model=_Never,
        body_model=_Never,
        endpoint=Endpoint(
            collection=None,
            item="organizations/{0}/services/{id}",
            root=RESELLER,
            detail=False,
            path_ids=_path_ids,
        ),
        removal="none",
        sides=_BROKER_ONLY,
        reported=False,
        contract=_SERVICES_CONTRACT,
        fields=(FieldSpec("name", FieldType.TEXT),),
    )
)

PRICES = register(
    # The price list's kind (its wire shapes, key and codecs), under a customer's service on
    # the reseller root: price and the broker's cost per item, the items the service's.
    replace(
        PRICE_LIST,
        kind=Kind.CUSTOMER_PRICE_LIST,
        parent=Kind.CUSTOMER_SERVICE,
        endpoint=Endpoint(
            collection=None,
            item="organizations/{0}/services/{1}/pricelist?currencyCode={id}",
            write="organizations/{0}/services/{1}/pricelist",
            root=RESELLER,
            keyed=True,
            path_ids=_path_ids,
        ),
        listed=None,
        impossible=lambda _change, _live: (),
        sides=_BROKER_ONLY,
        reported=False,
        price_cell=customer_price_cell,
        price_floor=True,
        contract=_PRICES_CONTRACT,
        items=replace(
            _items,
            amounts=(FieldSpec("price", FieldType.MONEY), FieldSpec("cost", FieldType.MONEY)),
            under=_items_under,
        ),
    )
)
