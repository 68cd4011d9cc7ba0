"""Which creates look like renames (plan/renames.py, likely_renames): all fields equal pairs
through an index, so thousands of renamed addons cost no pairwise comparison; nearly equal
(at least RENAME_SIMILARITY) pairs most alike first; each live object is suggested once."""

from __future__ import annotations

from collections.abc import Mapping

from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.plan.model import Action, Change, Unmanaged
from catalog_sync.plan.renames import likely_renames, moved_from_line

SERVICE = Address.of(Kind.SERVICE, "S")
PRODUCT = SERVICE.child(Kind.PRODUCT, "p")


def _addon(key: str, **fields: FieldValue) -> Resource:
    address = PRODUCT.child(Kind.ADDON, key)
    return Resource(address, {"itemCode": key, **fields}, id=f"id-{key}")


def _hints(
    creates: list[Resource], olds: list[Resource], extra: Mapping[Address, Resource] = {}
) -> dict[str, str]:
    top = {SERVICE: Resource(SERVICE, {"name": "S"}), PRODUCT: Resource(PRODUCT, {"name": "P"})}
    desired = ResourceGraph({**top, **{r.address: r for r in creates}})
    live = ResourceGraph({**top, **{r.address: r for r in olds}, **extra})
    changes = [
        Change(address=r.address, kind=Kind.ADDON, action=Action.CREATE, parent=PRODUCT)
        for r in creates
    ]
    unmanaged = [Unmanaged(address=r.address, kind=Kind.ADDON, id=r.id or "") for r in olds]
    hints = likely_renames(desired, live, changes, unmanaged)
    return {str(h.address.key): str(h.old_address.key) for h in hints}


def test_equal_fields_pair_even_in_a_large_group() -> None:
    count = 400  # 160,000 pairs: far beyond what is compared one by one
    creates = [_addon(f"new{i}", name=f"Addon {i}", pricePer="Quantity") for i in range(count)]
    olds = [_addon(f"old{i}", name=f"Addon {i}", pricePer="Quantity") for i in range(count)]
    assert _hints(creates, olds) == {f"new{i}": f"old{i}" for i in range(count)}


def test_nearly_equal_pairs_the_most_alike_and_a_different_one_not_at_all() -> None:
    fields: dict[str, FieldValue] = {"name": "A", "pricePer": "Quantity", "enableGrouping": False}
    creates = [
        _addon("a2", **{**fields, "hideFromPriceList": True}),  # 3 of 4 equal: 0.75
        _addon("zz", name="Z", pricePer="Selected", enableGrouping=True),
    ]
    olds = [_addon("a1", **fields, hideFromPriceList=False)]
    assert _hints(creates, olds) == {"a2": "a1"}


def test_the_line_to_add_reads_back_as_the_old_key() -> None:
    assert moved_from_line("Managed Firewall") == "movedFrom: Managed Firewall"
    assert moved_from_line("12345678") == 'movedFrom: "12345678"'
    assert moved_from_line("yes") == 'movedFrom: "yes"'
    assert moved_from_line("a: b") == 'movedFrom: "a: b"'
