"""Making a plan: read live state, resolve the files against it, diff, and record what the
plan was made from (catalog digest, tool version, target, live fingerprints)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import NamedTuple

from catalog_sync import __version__, secrets
from catalog_sync.catalog import UNKNOWN_LOCATION, Catalog, Code, LoadedCatalog
from catalog_sync.catalog.models import Settings
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, open_read_only
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.errors import CatalogError
from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.kinds import KINDS, FieldSpec, unsent_secrets, write_only
from catalog_sync.live.customers import (
    EVERY_CUSTOMER,
    every_customer_price_list,
    named_customers,
    with_customers,
)
from catalog_sync.live.keyed import read_keyed, wanted_by_desired, with_listed
from catalog_sync.live.lookups import LOOKUP_TABLES, Lookups
from catalog_sync.live.reader import LiveCatalog, LiveReader, read_live
from catalog_sync.lookalike import reading, visible
from catalog_sync.plan.baseline import mark_origins
from catalog_sync.plan.broker import broker_desired, clearing_unnamed
from catalog_sync.plan.desired import desired_graph
from catalog_sync.plan.diff import plan_changes
from catalog_sync.plan.duplicates import refuse_duplicates
from catalog_sync.plan.match import moved_from_notes, pinned_problems
from catalog_sync.plan.model import (
    Action,
    CatalogRef,
    Change,
    IgnoreRule,
    Plan,
    PlanSettings,
    PolicySettings,
    Target,
)
from catalog_sync.pricing.planned import exemptions, pending_prices, priced
from catalog_sync.timings import timed

__all__ = [
    "Drafted",
    "Planned",
    "desired_against",
    "make_plan",
    "plan_against",
    "plan_settings",
    "refuse_unset_secrets",
    "target_of",
]


def target_of(settings: ApiSettings) -> Target:
    reseller = settings.reseller_id if settings.side == "broker" else None
    return Target(
        api_url=settings.api_url,
        seller_id=settings.seller_id,
        reseller_id=reseller,
        emulator=settings.embedded,
    )


class Drafted(NamedTuple):
    plan: Plan
    warnings: tuple[Diagnostic, ...]
    """Found against live state (the files' own warnings are the loaded catalog's)."""


class Planned(NamedTuple):
    plan: Plan
    metrics: ClientMetrics
    warnings: tuple[Diagnostic, ...]
    """Found against live state (the files' own warnings are the loaded catalog's)."""


async def plan_against(
    catalog_path: str,
    loaded: LoadedCatalog,
    settings: ApiSettings,
    *,
    baseline: LoadedCatalog | None = None,
    rotate: Sequence[str] = (),
    all_customers: bool = False,
) -> Planned:
    """Plan the loaded catalog against the configured API, through a read-only client."""
    settings = settings.for_side(loaded.catalog.settings.side)
    async with open_read_only(settings) as client:
        plan, warnings = await make_plan(
            catalog_path,
            loaded,
            client,
            target_of(settings),
            baseline=baseline,
            rotate=rotate,
            all_customers=all_customers,
        )
        return Planned(plan, client.metrics, warnings)


async def make_plan(
    catalog_path: str,
    loaded_catalog: LoadedCatalog,
    client: LiveReader,
    target: Target,
    *,
    now: datetime | None = None,
    baseline: LoadedCatalog | None = None,
    rotate: Sequence[str] = (),
    all_customers: bool = False,
) -> Drafted:
    """With ``baseline`` (the base branch's catalog), every change gets its origin;
    ``rotate``: address patterns of objects whose write-only secrets are sent again;
    ``all_customers`` (a broker's catalog; also under prune): every organization's customer
    prices are read, not only those the files name (docs/broker.md)."""
    catalog = loaded_catalog.catalog
    with timed("read live"):
        live = with_listed(await read_live(client, target.side))
    with timed("diff"):
        refuse_duplicates(live.graph)
        desired = desired_against(catalog, live)
        every = catalog.settings.prune or all_customers
        if target.side == "broker":
            named = EVERY_CUSTOMER if every else named_customers(desired, live)
            live = with_customers(live, named)
        wanted = wanted_by_desired(desired, live.graph)
        if target.side == "broker" and every:
            wanted += every_customer_price_list(live.graph)
        base = None
        if baseline is not None:
            base = Baseline(baseline.catalog, desired_against(baseline.catalog, live))
            wanted += wanted_by_desired(base.desired, live.graph)
        if not wanted:
            return _drafted(catalog_path, loaded_catalog, live, desired, target, now, base, rotate)
    # The price lists the files name: one read each, only now that the files are resolved.
    with timed("read on demand"):
        live = await read_keyed(client, live, wanted)
    with timed("diff"):
        if target.side == "broker" and every:
            desired = clearing_unnamed(desired, live.graph)
        return _drafted(catalog_path, loaded_catalog, live, desired, target, now, base, rotate)


class Baseline(NamedTuple):
    """The base branch's catalog and its desired graph, resolved once against the live read."""

    catalog: Catalog
    desired: ResourceGraph


def _drafted(
    catalog_path: str,
    loaded_catalog: LoadedCatalog,
    live: LiveCatalog,
    desired: ResourceGraph,
    target: Target,
    now: datetime | None,
    baseline: Baseline | None,
    rotate: Sequence[str] = (),
) -> Drafted:
    catalog = loaded_catalog.catalog
    settings = plan_settings(catalog.settings).model_copy(
        update={"exempt": exemptions(desired), "rotate": tuple(rotate)}
    )
    body = plan_changes(desired, live.graph, settings)
    _refuse_impossible(body.changes, live.graph)
    pending = None
    if baseline is not None:
        base_settings = plan_settings(baseline.catalog.settings)
        base_body = plan_changes(baseline.desired, live.graph, base_settings)
        body = body.model_copy(update={"changes": mark_origins(body.changes, base_body.changes)})
        pending = pending_prices(base_body.changes)
    body = priced(body, desired, live.graph, settings, pending)
    warnings = _unmatched_protect(catalog.settings, settings.protect, desired, live.graph)
    warnings += _clearing_secrets(body.changes, live.graph)
    warnings += tuple(moved_from_notes(desired, live.graph))
    plan = Plan(
        tool_version=__version__,
        created_at=now or datetime.now(UTC),
        target=target,
        catalog=CatalogRef(path=catalog_path, digest=loaded_catalog.digest),
        settings=settings,
        lookups=_used_lookups(desired, live.lookups),
        **dict(body),
    )
    return Drafted(plan, warnings)


def desired_against(catalog: Catalog, live: LiveCatalog) -> ResourceGraph:
    """The files as a graph; raises CatalogError listing every name or pinned id that resolves
    to nothing live."""
    desired = desired_graph(catalog, live.lookups, live.broker_ids)
    problems = [*desired.problems, *pinned_problems(desired.graph, live.graph)]
    graph = desired.graph
    if catalog.settings.side == "broker" and not problems:
        graph, more = broker_desired(catalog, graph, live)
        problems += more
    if problems:
        raise CatalogError(sorted(problems, key=Diagnostic.sort_key))
    return graph


def _refuse_impossible(changes: Sequence[Change], live: ResourceGraph) -> None:
    """Changes no apply could make, reported at their line instead of failing every apply:
    each kind's own rules (:attr:`~catalog_sync.kinds.KindSpec.impossible`)."""
    problems = _lookalike_creates(changes, live)
    problems += [
        problem for change in changes for problem in KINDS[change.kind].impossible(change, live)
    ]
    if problems:
        raise CatalogError(problems)


def refuse_unset_secrets(plan: Plan) -> None:
    """Before anything is written: a secret a planned write sends, whose environment variable
    is unset or empty, is an error naming the variable at its line (CS409), not a request
    that fails half-way through an apply. Plan and apply check it; drift writes nothing."""
    problems = [
        Diagnostic(
            field.source or change.source or UNKNOWN_LOCATION,
            Code.VARIABLE_UNSET_FOR_WRITE,
            Severity.ERROR,
            f"{change.address}: {field.path} is read from the environment variable "
            f"{variable}, which is not set, and this plan writes the {change.kind.value}: "
            f"set {variable}",
        )
        for change in plan.changes
        for field in change.field_changes
        if field.path in write_only(change.kind)
        and (variable := secrets.unset_variable(field.after)) is not None
    ]
    if problems:
        raise CatalogError(problems)


def _held(resource: Resource, field: FieldSpec) -> object:
    return resource.fields.get(field.name)


def _clearing_secrets(changes: Sequence[Change], live: ResourceGraph) -> tuple[Diagnostic, ...]:
    """A warning at each update that would clear a secret the object holds (its field beside
    is set) because the files name no variable for it; apply refuses such a write."""
    found: list[Diagnostic] = []
    for change in changes:
        current = live.by_id(change.kind).get(change.id) if change.id is not None else None
        if change.action not in (Action.UPDATE, Action.ENABLE) or current is None:
            continue
        sent = (f.path for f in change.field_changes)
        for field in unsent_secrets(change.kind, partial(_held, current), sent):
            found.append(
                Diagnostic(
                    change.source or UNKNOWN_LOCATION,
                    Code.UNSENT_WRITE_ONLY,
                    Severity.WARNING,
                    f"{change.address}: the update replaces the whole {change.kind.value} and "
                    f"no read returns its {field.name} ({field.beside} is set), so apply "
                    f"refuses it until the files name the variable: {field.name}: "
                    "{env: NAME}",
                )
            )
    return tuple(found)


def _lookalike_creates(changes: Sequence[Change], live: ResourceGraph) -> list[Diagnostic]:
    """A create whose key reads like a live sibling's (``Mail\u200b`` beside ``Mail``,
    ``\u0410cme`` beside ``Acme``) makes a second object every review takes for the first
    (docs/diagnostics.md, CS407). Keys differing only in case are one object already
    (plan/match.py), so they never get here."""
    creates = [c for c in changes if c.action is Action.CREATE and c.address.key is not None]
    groups = {(c.address.parent, c.kind) for c in creates}
    if not groups:
        return []
    # A live object this plan renames or removes leaves its key to the create.
    changed = {(c.kind, c.id) for c in changes if c.id is not None}
    read_as: dict[tuple[Address | None, Kind], dict[str, Resource]] = {}
    for resource in live:
        group = (resource.address.parent, resource.kind)
        if (resource.kind, resource.id) in changed:
            continue
        if group in groups and resource.address.key is not None:
            read_as.setdefault(group, {}).setdefault(reading(resource.address.key), resource)
    problems = []
    for change in creates:
        assert change.address.key is not None
        twin = read_as.get((change.address.parent, change.kind), {}).get(
            reading(change.address.key)
        )
        if twin is None:
            continue
        spec = KINDS[change.kind]
        key = next((f for f in change.field_changes if f.path == spec.key), None)
        problems.append(
            Diagnostic(
                (key.source if key else None) or change.source or UNKNOWN_LOCATION,
                Code.LOOKALIKE_LIVE,
                Severity.ERROR,
                visible(
                    f"{change.address} would be a second {change.kind.value} beside the live "
                    f"{twin.address} (id {twin.id}): the keys read alike but differ (invisible "
                    "characters, look-alike letters, Unicode form or spacing); spell the key as "
                    "live does, or rename the live one with `movedFrom:` (or pin it with `id:`)"
                ),
            )
        )
    return problems


def _unmatched_protect(
    settings: Settings, protect: Sequence[Address], desired: ResourceGraph, live: ResourceGraph
) -> tuple[Diagnostic, ...]:
    """A warning at each ``settings.protect`` entry with no desired and no live object at its
    address or below: most likely a typo in a name, which would otherwise leave the object meant
    unprotected without a word (docs/diagnostics.md, CS405). ``protect`` is
    ``settings.protect`` as addresses (the plan's settings hold them so)."""
    return tuple(
        Diagnostic(
            settings.item_source("protect", index),
            Code.PROTECT_UNMATCHED,
            Severity.WARNING,
            f"settings.protect entry {entry} matches no object in the files or live: "
            "check its spelling, or remove it",
        )
        for index, entry in enumerate(protect)
        if not any(entry in graph or graph.children(entry) for graph in (desired, live))
    )


def plan_settings(settings: Settings) -> PlanSettings:
    """The files' settings as the plan records them: the same fields, by the same names."""
    policies = settings.policies
    return PlanSettings(
        policies=None if policies is None else PolicySettings(**policies.model_dump()),
        prune=settings.prune,
        **settings.thresholds.model_dump(),
        protect=settings.protect,
        ignore=tuple(IgnoreRule(**rule.model_dump()) for rule in settings.ignore),
        currency=settings.currency,
    )


def _used_lookups(desired: ResourceGraph, lookups: Lookups) -> dict[str, dict[str, str]]:
    """Only the lookup entries the plan names, so the plan file stays small and readable."""
    used: dict[str, dict[str, str]] = {name: {} for name in LOOKUP_TABLES}
    for resource in desired:
        for field in KINDS[resource.kind].fields:
            if field.lookup not in used:
                continue
            for name in field.names_in(resource.fields.get(field.name)):
                known = lookups.table(field.lookup).get(str(name))
                if known is not None:
                    used[field.lookup][str(name)] = known
    return {table: dict(sorted(entries.items())) for table, entries in used.items()}
