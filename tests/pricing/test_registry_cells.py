"""Price rows, classes and policies read money fields only through ``KindSpec.price_cell``:
a kind holding other items' prices per currency (a price list) needs nothing else."""

from __future__ import annotations

from decimal import Decimal

from catalog_sync.graph import Address, Kind
from catalog_sync.kinds import price_list_cell
from catalog_sync.plan.model import Action, Change, FieldChange, PolicySettings, SafetyRule
from catalog_sync.pricing.classes import classes_of
from catalog_sync.pricing.model import ChangeClass
from catalog_sync.pricing.policies import row_findings
from catalog_sync.pricing.rows import price_rows

GW = Address.parse('service["GW"]')
STD = GW.child(Kind.PRODUCT, "payg").child(Kind.ADDON, "gws-std")
SEK = GW.child(Kind.PRICE_LIST, "SEK")


def test_a_per_currency_kind_makes_rows_classes_and_findings_through_the_hook() -> None:
    rows = price_rows([(SEK, {"payg/gws-std.price": "100.0000", "payg/gws-std.cost": "95.0000"})])
    row = rows[STD, "SEK"]
    assert (row.price, row.cost, row.margin) == ("100.0000", "95.0000", Decimal(5))

    change = Change(
        address=SEK,
        kind=Kind.PRICE_LIST,
        action=Action.UPDATE,
        id="gw/SEK",
        parent=GW,
        parent_id="gw",
        fingerprint="sha256:0",
        field_changes=(
            FieldChange(path="payg/gws-std.price", before="110.0000", after="100.0000"),
            FieldChange(path="payg/gws-std.cost", before="90.0000", after="95.0000"),
        ),
    )
    assert classes_of(change) == (ChangeClass.PRICE_DECREASE, ChangeClass.COST_CHANGE)

    (finding,) = row_findings([row], PolicySettings(min_margin_percent=10))
    assert finding.rule is SafetyRule.MIN_MARGIN_PERCENT
    assert finding.addresses == (STD,)
    assert finding.policy is not None
    assert finding.policy.currency == "SEK"
    assert "(SEK): margin 5.0% (price 100.00, cost 95.00)" in finding.message


def test_price_list_fields_name_products_and_addons_by_item_code() -> None:
    assert price_list_cell(SEK, "payg.price") == (GW.child(Kind.PRODUCT, "payg"), "SEK", "price")
    assert price_list_cell(SEK, "payg/gws-std.recommendedPrice") == (
        STD,
        "SEK",
        "recommendedPrice",
    )
    assert price_list_cell(SEK, "payg.name") is None
    assert price_list_cell(SEK, "price") is None


def test_ordinary_kinds_use_their_own_price_fields_and_nothing_else() -> None:
    rows = price_rows([(STD, {"price": "10.0000", "name": "Standard", "cost": None})])
    assert list(rows) == [(STD, None)]
    assert rows[STD, None].price == "10.0000"
    assert price_rows([(GW, {"name": "GW"})]) == {}
