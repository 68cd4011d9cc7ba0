"""``doctor --contract``: the API's shapes against the contract, read-only (README, "First
contact with a real seller").

Lists each kind the seller has and reads one object of it (and lists each lookup table),
compares every shape with the contract (:mod:`catalog_sync.kinds.contract`) field by field,
and reports names and JSON types only: never a value, so the report can be attached to a bug
report. Paths are reported as templates, never with the seller's ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from catalog_sync.graph import Kind
from catalog_sync.kinds import KINDS, Root, children_of
from catalog_sync.kinds.contract import Contract, Difference, compare_shape, json_type, shape_of
from catalog_sync.live.lookups import TABLES

__all__ = ["ContractReport", "ShapeCheck", "check_contract"]

Read = Literal["list item", "read by id", "read by key", "lookup row"]


class JsonReader(Protocol):
    """What the check needs; the read-only client provides it."""

    async def read_json(self, path: str) -> Any: ...
    def root_path(self, root: Root) -> str: ...
    def path_of(
        self, kind: Kind, parent_ids: Sequence[str] = (), object_id: str | None = None
    ) -> str: ...


@dataclass(frozen=True)
class ShapeCheck:
    """One read compared with the contract: what was read (``subject`` a kind or lookup table,
    ``read`` which read, ``endpoint`` the path template), its differences, and the shape seen
    (names and JSON types only). ``skipped`` says why nothing was read (none to read)."""

    subject: str
    read: Read
    endpoint: str
    differences: tuple[Difference, ...] = ()
    shape: Any = None
    skipped: str | None = None

    @property
    def matches(self) -> bool:
        return not self.differences


@dataclass
class ContractReport:
    checks: list[ShapeCheck] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return all(check.matches for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        """Names and types only: safe to attach to a bug report."""
        return {
            "matches": self.matches,
            "checks": [
                {
                    "subject": c.subject,
                    "read": c.read,
                    "endpoint": c.endpoint,
                    "matches": c.matches,
                    **({"skipped": c.skipped} if c.skipped else {}),
                    "differences": [
                        {
                            "field": d.path,
                            "problem": d.problem,
                            "expected": d.expected,
                            "found": d.found,
                        }
                        for d in c.differences
                    ],
                    "shape": c.shape,
                }
                for c in self.checks
            ],
        }


def _template(kind: Kind, item: bool) -> str:
    endpoint = KINDS[kind].endpoint
    template = (endpoint.item or f"{endpoint.collection}/{{id}}") if item else endpoint.collection
    ids = ("{serviceId}", "{productId}")
    return f"{endpoint.root.template.format('{sellerId}')}/" + str(template).format(*ids, id="{id}")


def _compare(contract: Contract, read: object, *, listed: bool) -> list[Difference]:
    if contract.shape == "object" and isinstance(read, list):
        return [Difference("$", "shape", "object", "array")]
    return compare_shape(contract.fields, read, listed=listed)


async def check_contract(client: JsonReader) -> ContractReport:
    """Every lookup table, then each kind from the top: its list, one object's read by id,
    and below it the first object that has children of each kind."""
    report = ContractReport()
    for table in TABLES.values():
        assert table.contract is not None
        path = table.path if table.root is None else f"{client.root_path(table.root)}/{table.path}"
        rows = await client.read_json(path)
        report.checks.append(_rows_check(table.name, table.contract, rows, "lookup row"))
    for spec in children_of(None):
        await _kind(client, report, spec.kind, ())
    return report


def _rows_check(subject: str, contract: Contract, rows: object, read: Read) -> ShapeCheck:
    endpoint = contract.endpoint
    if not isinstance(rows, list):
        found = (Difference("$", "shape", "array", json_type(rows)),)
        return ShapeCheck(subject, read, endpoint, found, shape_of(rows))
    if not rows:
        return ShapeCheck(subject, read, endpoint, skipped="the list is empty")
    differences = tuple(compare_shape(contract.fields, rows[0], listed=True))
    return ShapeCheck(subject, read, endpoint, differences, shape_of(rows[0]))


async def _kind(
    client: JsonReader, report: ContractReport, kind: Kind, parent_ids: tuple[str, ...]
) -> bool:
    """Check ``kind`` under ``parent_ids``; whether any object of it was found."""
    spec = KINDS[kind]
    contract = spec.contract
    assert contract is not None
    listed_at = _template(kind, item=False)
    items = await client.read_json(client.path_of(kind, parent_ids))
    if not isinstance(items, list):
        bad = (Difference("$", "shape", "array", json_type(items)),)
        report.checks.append(ShapeCheck(kind.value, "list item", listed_at, bad, shape_of(items)))
        return False
    if not items:
        report.checks.append(
            ShapeCheck(kind.value, "list item", listed_at, skipped="the seller has none")
        )
        return False
    first = items[0]
    differences = compare_shape(contract.fields, first, listed=True)
    differences += _listed_only_by_id(contract, first)
    report.checks.append(
        ShapeCheck(kind.value, "list item", listed_at, tuple(differences), shape_of(first))
    )
    object_ids = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    if spec.endpoint.detail and object_ids:
        read = await client.read_json(client.path_of(kind, parent_ids, object_ids[0]))
        found = _compare(contract, read, listed=False)
        if contract.list_view is None and isinstance(read, dict) and set(read) != set(first):
            # One model for both reads, the contract says: the reads disagree.
            found.append(Difference("$", "list and read by id differ", "one model", "two"))
        report.checks.append(
            ShapeCheck(
                kind.value, "read by id", _template(kind, item=True), tuple(found), shape_of(read)
            )
        )
    for child in children_of(kind):
        if child.contract is None or child.embedded is not None:
            continue
        if child.endpoint.keyed:
            await _keyed(client, report, child.kind, parent_ids, items)
            continue
        # The first object that has any: a seller's first service may have no products yet.
        found_any = False
        for object_id in object_ids:
            if await _kind_quiet(client, report, child.kind, (*parent_ids, object_id)):
                found_any = True
                break
        if not found_any:
            report.checks.append(
                ShapeCheck(
                    child.kind.value,
                    "list item",
                    _template(child.kind, item=False),
                    skipped="none found",
                )
            )
    return True


async def _kind_quiet(
    client: JsonReader, report: ContractReport, kind: Kind, parent_ids: tuple[str, ...]
) -> bool:
    """:func:`_kind`, leaving nothing in the report when the parent has none."""
    trial = ContractReport()
    found = await _kind(client, trial, kind, parent_ids)
    if found:
        report.checks.extend(trial.checks)
    return found


def _listed_only_by_id(contract: Contract, item: object) -> list[Difference]:
    """Fields the contract says only the read by id has, found in a list item."""
    if not isinstance(item, dict):
        return []
    return [
        Difference(f.name, "list and read by id differ", "read by id only", "in the list")
        for f in contract.fields
        if not f.in_list and f.name in item
    ]


async def _keyed(
    client: JsonReader,
    report: ContractReport,
    kind: Kind,
    parent_ids: tuple[str, ...],
    parents: list[Any],
) -> None:
    """A kind read by key (a price list): the first key a parent lists."""
    spec = KINDS[kind]
    contract = spec.contract
    assert contract is not None
    template = _template(kind, item=True)
    assert spec.parent is not None
    assert spec.listed is not None
    parent_model = KINDS[spec.parent].read_model
    for parent in parents:
        try:
            keys = spec.listed(parent_model.model_validate(parent))
        except ValueError:
            keys = None
        if keys and isinstance(parent, dict) and "id" in parent:
            path = client.path_of(kind, (*parent_ids, str(parent["id"])), str(keys[0]))
            read = await client.read_json(path)
            found = tuple(_compare(contract, read, listed=False))
            report.checks.append(
                ShapeCheck(kind.value, "read by key", template, found, shape_of(read))
            )
            return
    report.checks.append(
        ShapeCheck(kind.value, "read by key", template, skipped=f"no {spec.parent.value} lists one")
    )
