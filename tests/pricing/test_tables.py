"""The finance price tables (one per service) in text and Markdown, against golden files."""

from __future__ import annotations

import pytest

from catalog_sync.graph import Address
from catalog_sync.plan.model import Plan
from catalog_sync.pricing.model import PriceRow, RepricedRow
from catalog_sync.render.plan_markdown import price_tables as markdown_tables
from catalog_sync.render.plan_markdown import render_markdown
from catalog_sync.render.plan_text import price_tables as text_tables
from catalog_sync.render.pricing import natural_key, price_lines
from tests.golden import assert_golden
from tests.plan.support import plan_on

GW = Address.parse('service["Google Workspace"]')
VAULT = Address.parse('service["Google Workspace"].product["annual"].addon["gws-vault"]')


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The demo plan (one repriced addon, new SKUs) and an SEK row as a price list makes."""
    demo = plan_on("demo")[0]
    sek = RepricedRow(
        before=PriceRow(item=VAULT, currency="SEK", price="55.0000", cost="30.0000"),
        after=PriceRow(item=VAULT, currency="SEK", price="60.0000", cost="30.0000"),
    )
    return demo.model_copy(update={"prices": (*demo.prices, sek)})


def test_the_markdown_price_tables_match_the_golden_file(plan: Plan) -> None:
    assert_golden("pricing/tables.md", "\n".join(markdown_tables(plan)))


def test_the_text_price_tables_match_the_golden_file(plan: Plan) -> None:
    assert_golden("pricing/tables.txt", "\n".join(text_tables(plan)) + "\n")


def test_unchanged_fields_never_show_and_margins_read_before_and_after(plan: Plan) -> None:
    tables = dict(price_lines(plan))
    vault = [line for line in tables[GW] if line.item == "annual/gws-vault"]
    assert [(line.currency, line.field) for line in vault] == [("SEK", "price")]
    (line,) = vault
    assert (line.before, line.after, line.percent) == ("55.00", "60.00", "+9.1%")
    assert (line.margin_before, line.margin_after) == ("45.5%", "50.0%")
    std = [line for line in tables[GW] if line.item == "payg/gws-std"]
    assert [line.field for line in std] == ["price", "recommendedPrice"]
    assert all(line.margin_before == "4.0%" and line.margin_after == "20.0%" for line in std)


def test_the_markdown_plan_starts_with_the_summary_by_class_and_service(plan: Plan) -> None:
    markdown = render_markdown(plan)
    summary = markdown.index("| | price-increase | new-sku | publish-change | content |")
    assert summary < markdown.index("| create | update |") < markdown.index("### Prices:")
    assert "| service Google Workspace | 1 | 1 | 0 | 1 |" in markdown
    assert markdown.index("### Prices: service Google Workspace") < markdown.index(
        "<details><summary>Service Google Workspace"
    )


def test_items_sort_naturally_whatever_digits_a_code_holds() -> None:
    codes = ["a43", "a5", "A6", "b", "a05x", "x²", "a٣"]
    assert sorted(codes, key=natural_key) == ["a٣", "a5", "a05x", "A6", "a43", "b", "x²"]
