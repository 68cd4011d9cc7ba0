"""Address patterns for ignore rules: wildcards stay inside one key."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.address_pattern import matches, pattern_kind
from catalog_sync.graph import Address, Kind
from tests.workflow_support import run

ADDON = Address.parse('service["Google Workspace"].product["payg"].addon["gws-std"]')


def test_a_wildcard_matches_within_one_key_only() -> None:
    assert matches('service["*"].product["*"].addon["gws-*"]', ADDON)
    assert matches('service["Google*"].product["payg"].addon["*"]', ADDON)
    assert not matches('service["*"]', ADDON)
    assert not matches('service["*"].product["*"].addon["ms-*"]', ADDON)
    service = Address.parse('service["Google Workspace"]')
    assert matches('service["*"]', service)
    assert matches('service["*"].publish', service.child(Kind.PUBLISH))


def test_the_kind_is_the_last_segment() -> None:
    assert pattern_kind('service["*"].product["*"]') is Kind.PRODUCT
    assert pattern_kind('broker["*"]') is Kind.BROKER


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ('addon["x"]', "addon cannot be at the top"),
        ('service["x"].addon["y"]', "addon cannot be under a service"),
        ("service[x]", "is not an address pattern"),
    ],
)
def test_a_malformed_pattern_is_refused(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pattern_kind(pattern)


def test_validate_reports_an_unknown_field_at_its_rule(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        'settings:\n  ignore:\n    - address: service["*"]\n      fields: [descripton]\n',
        encoding="utf-8",
    )
    result = run("validate", str(catalog))
    assert result.exit_code == 1
    assert ":3:7: CS205 error: ignore: service[\"*\"]: service has no field 'descripton'" in (
        result.output
    )
