"""Making a plan: read live state, resolve the files against it, diff, and record what the
plan was made from (catalog digest, tool version, target, live fingerprints)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from catalog_sync import __version__
from catalog_sync.catalog import UNKNOWN_LOCATION, LoadedCatalog
from catalog_sync.catalog.models import Settings
from catalog_sync.cloudmore import ApiSettings, ClientMetrics, open_read_only
from catalog_sync.diagnostics import Diagnostic, Severity, SourceLocation
from catalog_sync.errors import CatalogError
from catalog_sync.graph import Address, Kind, ResourceGraph
from catalog_sync.plan.desired import desired_graph
from catalog_sync.plan.diff import plan_changes
from catalog_sync.plan.duplicates import refuse_duplicates
from catalog_sync.plan.live import LiveReader, read_live
from catalog_sync.plan.lookups import LOOKUP_TABLES, Lookups
from catalog_sync.plan.model import CatalogRef, Change, Plan, PlanSettings, Target

__all__ = ["PRODUCT_TYPE_CHANGE", "make_plan", "plan_against", "plan_settings", "target_of"]

PRODUCT_TYPE_CHANGE = "CS404"


def target_of(settings: ApiSettings) -> Target:
    return Target(api_url=settings.api_url, seller_id=settings.seller_id)


async def plan_against(
    catalog_path: str, loaded: LoadedCatalog, settings: ApiSettings
) -> tuple[Plan, ClientMetrics]:
    """Plan the loaded catalog against the configured API, through a read-only client."""
    async with open_read_only(settings) as client:
        plan = await make_plan(catalog_path, loaded, client, target_of(settings))
        return plan, client.metrics


async def make_plan(
    catalog_path: str,
    loaded_catalog: LoadedCatalog,
    client: LiveReader,
    target: Target,
    *,
    now: datetime | None = None,
) -> Plan:
    catalog = loaded_catalog.catalog
    live = await read_live(client)
    refuse_duplicates(live.graph)
    desired = desired_graph(catalog, live)
    settings = plan_settings(catalog.settings)
    body = plan_changes(desired, live.graph, settings)
    _refuse_impossible(body.changes, live.graph)
    return Plan(
        tool_version=__version__,
        created_at=now or datetime.now(UTC),
        target=target,
        catalog=CatalogRef(path=catalog_path, digest=loaded_catalog.digest),
        settings=settings,
        lookups=_used_lookups(desired, live.lookups),
        changes=body.changes,
        unmanaged=body.unmanaged,
        safety=body.safety,
        summary=body.summary,
        existing=body.existing,
    )


def _refuse_impossible(changes: Sequence[Change], live: ResourceGraph) -> None:
    """Changes no apply could make, reported at their line instead of failing every apply."""
    problems = []
    for change in changes:
        type_change = next((f for f in change.field_changes if f.path == "type"), None)
        if change.kind is not Kind.PRODUCT or change.action.removes or type_change is None:
            continue
        if change.live is not None and live.children(Address.parse(change.address)):
            source = type_change.source or change.source
            problems.append(
                Diagnostic(
                    SourceLocation(source.file, source.line, source.column)
                    if source
                    else UNKNOWN_LOCATION,
                    PRODUCT_TYPE_CHANGE,
                    Severity.ERROR,
                    f"{change.address}: the type cannot change from {type_change.before} to "
                    f"{type_change.after} while the product has addons (Cloudmore checks "
                    "each addon's pricePer against it): remove the addons, apply, then "
                    "change the type and add them back",
                )
            )
    if problems:
        raise CatalogError(problems)


def plan_settings(settings: Settings) -> PlanSettings:
    thresholds = settings.thresholds
    return PlanSettings(
        prune=settings.prune,
        max_update_percent=thresholds.max_update_percent,
        max_delete_percent=thresholds.max_delete_percent,
        min_existing=thresholds.min_existing,
        protect=settings.protect,
    )


def _used_lookups(desired: ResourceGraph, lookups: Lookups) -> dict[str, dict[str, str]]:
    """Only the lookup entries the plan names, so the plan file stays small and readable."""
    field_tables = {
        "categories": "categories",
        "emailTemplate": "emailTemplates",
        "regions": "regions",
        "countries": "countries",
    }
    used: dict[str, dict[str, str]] = {name: {} for name in LOOKUP_TABLES}
    for resource in desired:
        for field, table in field_tables.items():
            value = resource.fields.get(field)
            names = value if isinstance(value, tuple) else (value,) if value else ()
            for name in names:
                known = lookups.table(table).get(str(name))
                if known is not None:
                    used[table][str(name)] = known
    return {table: dict(sorted(entries.items())) for table, entries in used.items()}
