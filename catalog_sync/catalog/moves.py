"""``movedFrom:`` checks that need only the files (README, "Renames"): a rename must be
unambiguous before any live state is read, so ``validate`` (and the pre-commit hook) say so.

A ``movedFrom`` must name a key that no object of its kind under the same parent holds in
the files (its own included: Cloudmore's keys are case-insensitive, and so is this), and one
old key can move to one place only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.sourced import SourcedModel, yaml_names
from catalog_sync.diagnostics import Diagnostic, Severity
from catalog_sync.graph import Kind
from catalog_sync.kinds import KindSpec, children_of

__all__ = ["moved_from_problems"]

_MOVED_FROM = "moved_from"


def moved_from_problems(catalog: SourcedModel) -> list[Diagnostic]:
    """Every clash of a ``movedFrom`` with a key of the files, kind by kind as the registry
    says (a kind without a key of its own, such as publish or a price list, has none)."""
    return list(_below(catalog, None))


def _below(model: SourcedModel, kind: Kind | None) -> Iterator[Diagnostic]:
    for spec in children_of(kind):
        items = getattr(model, spec.catalog_items, None)
        if spec.key is None or spec.items is not None or not isinstance(items, tuple):
            continue
        yield from _siblings(items, spec)
        for item in items:
            yield from _below(item, spec.kind)


def _siblings(models: Sequence[SourcedModel], spec: KindSpec) -> Iterator[Diagnostic]:
    assert spec.key is not None
    noun = spec.kind.value
    holders = {_key(model, spec.key).casefold(): model for model in models}
    claimed: dict[str, SourcedModel] = {}
    for model in models:
        old = getattr(model, _MOVED_FROM, None)
        if not isinstance(old, str):
            continue
        holder = holders.get(old.casefold())
        earlier = claimed.setdefault(old.casefold(), model)
        if holder is model:
            message = f"movedFrom {old!r} is this {noun}'s own key: remove the line"
        elif holder is not None:
            message = (
                f"movedFrom {old!r} is the {spec.key} of another {noun} in the files (at "
                f"{holder.field_source(spec.key)}): a key the files use cannot be moved from"
            )
        elif earlier is not model:
            message = (
                f"movedFrom {old!r} is also given by the {noun} at "
                f"{earlier.field_source(_MOVED_FROM)}: one live {noun} can be renamed to one "
                "key only"
            )
        else:
            continue
        where = model.field_source(_MOVED_FROM)
        yield Diagnostic(where, Code.MOVED_FROM_CLASH, Severity.ERROR, message)


def _key(model: SourcedModel, yaml_name: str) -> str:
    attribute = next(
        (name for name, alias in yaml_names(type(model)).items() if alias == yaml_name),
        yaml_name,
    )
    return str(getattr(model, attribute))
