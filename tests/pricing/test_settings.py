"""settings.policies and policyExempt in the files: read typed, bad values at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog_sync.catalog import load_catalog
from catalog_sync.cli import main
from catalog_sync.errors import CatalogError

SERVICE = """\
services:
  - name: Service A
    categories: [Security]
    products:
      - name: Product A
        itemCode: pa
        type: ProductBased
        price: "4.00"
        cost: "1.00"
        policyExempt: [{rule}]
"""


def test_policies_and_exemptions_are_read(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "settings:\n  policies:\n    minMarginPercent: 20\n    recommendedAtLeastPrice: true\n"
        + SERVICE.format(rule="minMarginPercent"),
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path).catalog
    policies = catalog.settings.policies
    assert policies is not None
    assert (policies.min_margin_percent, policies.max_price_change_percent) == (20, None)
    assert policies.recommended_at_least_price is True
    assert catalog.services[0].products[0].policy_exempt == ("minMarginPercent",)


@pytest.mark.parametrize(
    ("settings", "rule", "line", "column", "words"),
    [
        ("  policies:\n    minMarginPercent: 150\n", "minMarginPercent", 3, 23, "100"),
        ("  policies:\n    maxPriceChange: 10\n", "minMarginPercent", 3, 5, "maxPriceChange"),
        ("  policies:\n    minMarginPercent: 10\n", "minMargin", 13, 24, "minMarginPercent"),
    ],
)
def test_a_bad_policy_or_exemption_is_reported_at_its_line(
    tmp_path: Path, settings: str, rule: str, line: int, column: int, words: str
) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "settings:\n" + settings + SERVICE.format(rule=rule), encoding="utf-8"
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(tmp_path)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.line, diagnostic.column) == (line, column)
    assert words in diagnostic.message
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"catalog.yaml:{line}:{column}" in result.output
    assert "Traceback" not in result.output


def test_policy_exempt_also_silences_the_files_own_margin_warning(tmp_path: Path) -> None:
    loss_leader = SERVICE.replace('price: "4.00"', 'price: "1.00"').replace(
        'cost: "1.00"', 'cost: "4.00"'
    )
    (tmp_path / "catalog.yaml").write_text(
        loss_leader.format(rule="recommendedAtLeastPrice"), encoding="utf-8"
    )
    assert [d.code for d in load_catalog(tmp_path).warnings] == ["CS321"]
    (tmp_path / "catalog.yaml").write_text(
        loss_leader.format(rule="minMarginPercent"), encoding="utf-8"
    )
    assert load_catalog(tmp_path).warnings == ()


def test_the_base_currency_is_read_and_a_bad_code_reported_at_its_line(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("settings:\n  currency: EUR\n" + SERVICE.format(rule="minMarginPercent"))
    assert load_catalog(tmp_path).catalog.settings.currency == "EUR"

    catalog.write_text("settings:\n  currency: euro\n" + SERVICE.format(rule="minMarginPercent"))
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{catalog.as_posix()}:2:13:" in result.output
