"""``docs/contracts.md``'s per-endpoint tables, generated from the contract the kind modules
declare (:mod:`catalog_sync.kinds.contract`); ``tests/kinds/test_contract.py`` holds the page
equal to them. Regenerate with ``python -m catalog_sync.render.contract_docs docs/contracts.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from catalog_sync.kinds import KINDS
from catalog_sync.kinds.contract import Contract, walk
from catalog_sync.live.lookups import TABLES

__all__ = ["BEGIN", "END", "contract_tables", "with_tables"]

BEGIN = "<!-- contract tables: generated from catalog_sync/kinds (render/contract_docs.py) -->"
END = "<!-- end of the generated contract tables -->"


def _contracts() -> Iterator[tuple[str, Contract]]:
    for spec in KINDS.values():
        if spec.contract is not None:
            yield spec.kind.value, spec.contract
    for table in TABLES.values():
        if table.contract is not None:
            yield f"lookup {table.name}", table.contract


def _table(name: str, contract: Contract) -> list[str]:
    one_model = contract.list_view is None and contract.shape == "object"
    lists = "one model: a list item is the whole object" if one_model else "see the List column"
    lines = [
        f"#### {name}: `{contract.endpoint}`",
        "",
        f"Endpoint {contract.endpoint_evidence} ({contract.endpoint_source}); written in "
        f"`{contract.where}` (its `CONTRACT`, or its table's `contract`); "
        f"{'a JSON array of rows' if contract.shape == 'array' else lists}.",
        "",
        "| Field | JSON type | List | PUT without it resets it | Values | Evidence | Source |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, field in walk(contract.fields):
        nested = "." in path
        listed = "as its parent" if nested else "yes" if field.in_list else "read by id only"
        resets = "yes" if field.resets else "no (the server keeps it)"
        values = ", ".join(f"`{v}`" for v in field.values)
        kind = field.type + (" or null" if field.nullable else "")
        lines.append(
            f"| `{path}` | {kind} | {listed} | {resets} | {values} | {field.evidence} "
            f"| {field.source} |"
        )
    return [*lines, ""]


def contract_tables() -> str:
    """Every contract as Markdown, between :data:`BEGIN` and :data:`END`."""
    lines = [BEGIN, ""]
    for name, contract in _contracts():
        lines += _table(name, contract)
    return "\n".join([*lines, END])


def with_tables(page: str) -> str:
    """``page`` with its generated section replaced by the current tables."""
    head, found, rest = page.partition(BEGIN)
    if not found:
        raise ValueError(f"the page has no {BEGIN!r} marker")
    _, ended, tail = rest.partition(END)
    if not ended:
        raise ValueError(f"the page has no {END!r} marker")
    return head + contract_tables() + tail


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.write_text(with_tables(target.read_text(encoding="utf-8")), encoding="utf-8")
