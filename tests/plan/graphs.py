"""Small graph builders for planner tests."""

from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph

SERVICE = Address.of(Kind.SERVICE, "Mail")
PRODUCT = SERVICE.child(Kind.PRODUCT, "p1")
ADDON = PRODUCT.child(Kind.ADDON, "a1")
PUBLISH = SERVICE.child(Kind.PUBLISH)
BROKER = Address.of(Kind.BROKER, "123")


def res(
    address: Address,
    rid: str | None = None,
    *,
    active: bool = True,
    protect: bool = False,
    **fields: FieldValue,
) -> Resource:
    return Resource(address, dict(fields), id=rid, active=active, protect=protect)


def graph(*resources: Resource, duplicates: tuple[Resource, ...] = ()) -> ResourceGraph:
    return ResourceGraph({r.address: r for r in resources}, duplicates)


def live_tree(price: str = "10.0000", *, active: bool = True) -> ResourceGraph:
    return graph(
        res(SERVICE, "s-1", active=active, name="Mail", description="old"),
        res(PRODUCT, "p-1", name="P", itemCode="p1"),
        res(ADDON, "a-1", name="A", itemCode="a1", price=price),
        res(PUBLISH, "s-1", to="allBrokers", regions=(), countries=(), brokers=()),
        res(BROKER, "b-1", name="B", registrationNumber="123"),
    )
