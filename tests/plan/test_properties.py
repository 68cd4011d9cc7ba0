"""Property tests of the planner over random catalogs (as graphs)."""

import graphlib
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog_sync.graph import Address, FieldValue, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, FieldSpec
from catalog_sync.normalise import FieldType
from catalog_sync.plan.diff import plan_changes
from catalog_sync.plan.model import PlanSettings

KEYS = st.text(alphabet="abcdef", min_size=1, max_size=3)


def _value(kind: Kind, spec: FieldSpec) -> st.SearchStrategy[FieldValue]:
    raw: st.SearchStrategy[object] = {
        FieldType.TEXT: st.none() | st.text(max_size=5),
        FieldType.MONEY: st.none() | st.decimals(0, 1000, places=4, allow_nan=False),
        FieldType.BOOL: st.booleans(),
        FieldType.INT: st.none() | st.integers(0, 100),
        FieldType.ENUM: st.sampled_from(["allBrokers", "none", "Quantity", "Metered"]),
        FieldType.SET: st.lists(st.sampled_from(["SE", "EE", "x", "y"]), max_size=3),
    }[spec.type]
    return raw.map(spec.to_graph)


@st.composite
def resources(draw: st.DrawFn, address: Address) -> Resource:
    """A desired resource: each field without a default is given or left out (don't care)."""
    fields: dict[str, FieldValue] = {}
    for spec in KINDS[address.kind].fields:
        if spec.has_default or draw(st.booleans()):
            fields[spec.name] = draw(_value(address.kind, spec))
    protect = draw(st.booleans()) if address.kind is not Kind.PUBLISH else False
    return Resource(address, fields, protect=protect)


@st.composite
def graphs(draw: st.DrawFn) -> ResourceGraph:
    addresses: list[Address] = [
        Address.of(Kind.BROKER, key) for key in draw(st.sets(KEYS, max_size=3))
    ]
    for name in draw(st.sets(KEYS, max_size=3)):
        service = Address.of(Kind.SERVICE, name)
        addresses.append(service)
        if draw(st.booleans()):
            addresses.append(service.child(Kind.PUBLISH))
        for code in draw(st.sets(KEYS, max_size=2)):
            product = service.child(Kind.PRODUCT, code)
            addresses.append(product)
            addresses += [product.child(Kind.ADDON, a) for a in draw(st.sets(KEYS, max_size=2))]
    return ResourceGraph({a: draw(resources(a)) for a in addresses})


@st.composite
def live_of(draw: st.DrawFn, desired: ResourceGraph) -> ResourceGraph:
    """The live state a perfect apply of ``desired`` leaves: ids assigned, every field the
    files do not manage holding whatever the server has."""
    live: dict[Address, Resource] = {}
    for number, resource in enumerate(desired):
        fields = dict(resource.fields)
        for spec in KINDS[resource.kind].fields:
            if spec.name not in fields:
                fields[spec.name] = draw(_value(resource.kind, spec))
        live[resource.address] = Resource(resource.address, fields, id=f"id-{number}")
    return ResourceGraph(live)


PRUNE = st.builds(PlanSettings, prune=st.booleans(), min_existing=st.integers(0, 20))


@settings(max_examples=100, deadline=None)
@given(st.data(), graphs(), PRUNE)
def test_a_catalog_against_its_own_live_state_plans_nothing(
    data: st.DataObject, desired: ResourceGraph, plan_settings: PlanSettings
) -> None:
    live = data.draw(live_of(desired))
    body = plan_changes(desired, live, plan_settings)
    assert body.changes == ()
    assert body.unmanaged == ()
    assert body.safety == ()
    assert body.summary.unchanged == len(desired)


@settings(max_examples=100, deadline=None)
@given(st.data(), graphs(), graphs(), PRUNE)
def test_any_pair_plans_deterministically_with_acyclic_dependencies(
    data: st.DataObject, desired: ResourceGraph, other: ResourceGraph, plan_settings: PlanSettings
) -> None:
    live = data.draw(live_of(other))
    first = plan_changes(desired, live, plan_settings)
    second = plan_changes(desired, live, plan_settings)
    assert first.model_dump_json() == second.model_dump_json()

    planned = {change.address for change in first.changes}
    assert len(planned) == len(first.changes)
    sorter = graphlib.TopologicalSorter(
        {change.address: change.depends_on for change in first.changes}
    )
    sorter.prepare()  # raises CycleError on a cycle
    for change in first.changes:
        assert set(change.depends_on) <= planned

    counts = Counter(change.action.value for change in first.changes)
    summary = first.summary
    assert (summary.create, summary.update, summary.delete) == (
        counts["create"],
        counts["update"],
        counts["delete"],
    )
    assert (summary.disable, summary.enable, summary.publish) == (
        counts["disable"],
        counts["enable"],
        counts["publish"],
    )
