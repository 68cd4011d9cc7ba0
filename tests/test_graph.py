import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog_sync.graph import Address, Kind


def test_address_renders_natural_keys_and_parses_back() -> None:
    address = Address.of(Kind.SERVICE, 'Google "Workspace"').child(Kind.PRODUCT, "payg")
    address = address.child(Kind.ADDON, "gws-std")
    text = str(address)
    assert text == 'service["Google \\"Workspace\\""].product["payg"].addon["gws-std"]'
    assert Address.parse(text) == address
    assert str(Address.of(Kind.SERVICE, "X").child(Kind.PUBLISH)) == 'service["X"].publish'


@given(st.lists(st.text(min_size=1), min_size=1, max_size=3))
def test_any_key_round_trips(keys: list[str]) -> None:
    address = Address.of(Kind.SERVICE, keys[0])
    for key, kind in zip(keys[1:], (Kind.PRODUCT, Kind.ADDON), strict=False):
        address = address.child(kind, key)
    assert Address.parse(str(address)) == address


@pytest.mark.parametrize(
    "text",
    ["", "service", 'publish["x"]', 'service["x"', 'bogus["x"]', 'service["x"]..'],
)
def test_parse_rejects_what_is_not_an_address(text: str) -> None:
    with pytest.raises(ValueError, match="address"):
        Address.parse(text)


def test_order_puts_parents_first_and_publish_after_products() -> None:
    service = Address.of(Kind.SERVICE, "S")
    addresses = [
        service.child(Kind.PUBLISH),
        service.child(Kind.PRODUCT, "p").child(Kind.ADDON, "a"),
        Address.of(Kind.BROKER, "9"),
        service,
        service.child(Kind.PRODUCT, "p"),
    ]
    assert [str(a) for a in sorted(addresses)] == [
        'broker["9"]',
        'service["S"]',
        'service["S"].product["p"]',
        'service["S"].product["p"].addon["a"]',
        'service["S"].publish',
    ]
