"""A field is declared once: its kind's spec. The catalog file models (type, default and the
schema's description) and the wire models are typed pydantic classes that mypy checks, so they
are written out, and these tests fail when either disagrees with the specs: a field the spec
has that a model lacks, a default that differs, a file field no spec manages, an enum spelled
two ways."""

from __future__ import annotations

import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from catalog_sync.catalog import models
from catalog_sync.graph import Kind
from catalog_sync.kinds import KINDS, FieldSpec, KindSpec, children_of
from catalog_sync.normalise import FieldType

# Attributes of a kind's file model that are not fields of the kind: where it is, what guards
# it, and its children (by the children's specs).
STRUCTURAL = {"id", "movedFrom", "protect", "policyExempt"}


def _models_of(holder: type[BaseModel], parent: Any = None) -> dict[Kind, type[BaseModel]]:
    found: dict[Kind, type[BaseModel]] = {}
    for spec in children_of(parent):
        if spec.items is not None:
            continue  # its fields are the items' amounts (prices of products and addons)
        info = _field(holder, spec.catalog_items)
        assert info is not None, f"{holder.__name__} has no {spec.catalog_items}"
        model = _model_in(info.annotation)
        if model is not None:
            found[spec.kind] = model
            found.update(_models_of(model, spec.kind))
    return found


def _field(model: type[BaseModel], name: str) -> FieldInfo | None:
    return next(
        (info for attr, info in model.model_fields.items() if (info.alias or attr) == name), None
    )


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _leaf(model: type[BaseModel], dotted: str) -> FieldInfo | None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        info = _field(model, part)
        nested = None if info is None else _model_in(info.annotation)
        if nested is None:
            return None
        model = nested
    return _field(model, leaf)


def _literal_values(annotation: Any) -> set[object]:
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(_literal_values(arg) for arg in typing.get_args(annotation)))
    return set()


FILE_MODELS = _models_of(models.CatalogFile)

FIELDS = [
    pytest.param(spec, field, id=f"{spec.kind.value}.{field.name}")
    for spec in KINDS.values()
    for field in spec.fields
]


def test_every_kind_with_fields_has_a_file_model() -> None:
    assert set(FILE_MODELS) == {spec.kind for spec in KINDS.values() if spec.items is None}


@pytest.mark.parametrize(("spec", "field"), FIELDS)
def test_the_file_model_has_the_field_with_its_default_and_a_description(
    spec: KindSpec, field: FieldSpec
) -> None:
    info = _leaf(FILE_MODELS[spec.kind], field.name)
    assert info is not None, f"the file model of {spec.kind.value} lacks {field.name}"
    assert info.description, f"{field.name} has no description for the schema"
    if info.is_required():
        return  # the files must give it: no default to disagree with
    default = info.get_default(call_default_factory=True)
    if not field.has_default:
        # Left out of a file, it is not managed (the desired side reads what a file sets).
        assert default in (None, ()), f"{field.name}: {default!r} where the spec has none"
        return
    expected = field.to_catalog(field.default)
    assert (tuple(default) if isinstance(default, list) else default) == (
        tuple(expected) if isinstance(expected, list) else expected
    )


@pytest.mark.parametrize(("spec", "field"), FIELDS)
def test_the_wire_models_have_the_field(spec: KindSpec, field: FieldSpec) -> None:
    for model in (spec.read_model, spec.body_model):
        assert _leaf(model, field.wire_path) is not None, (
            f"{model.__name__} lacks {field.wire_path}"
        )


@pytest.mark.parametrize(("spec", "field"), FIELDS)
def test_an_enum_is_spelled_once(spec: KindSpec, field: FieldSpec) -> None:
    if field.type is not FieldType.ENUM:
        return
    in_files = _literal_values(_leaf(FILE_MODELS[spec.kind], field.name).annotation)  # type: ignore[union-attr]
    on_wire = _literal_values(_leaf(spec.body_model, field.wire_path).annotation)  # type: ignore[union-attr]
    if field.vocabulary is not None:
        assert in_files == set(field.vocabulary)
        assert on_wire == set(field.vocabulary.values())
    else:
        assert in_files == on_wire


@pytest.mark.parametrize("spec", [KINDS[k] for k in FILE_MODELS], ids=lambda spec: spec.kind.value)
def test_every_field_of_a_file_model_is_a_spec_field(spec: KindSpec) -> None:
    model = FILE_MODELS[spec.kind]
    children = {child.catalog_items for child in children_of(spec.kind)}
    # An item's amounts per currency (prices), the fields of a kind named per item.
    children |= {
        other.items.catalog_items
        for other in KINDS.values()
        if other.items is not None and spec.kind in other.items.item_kinds
    }
    managed = {field.name.split(".", 1)[0] for field in spec.fields}
    for attr, info in model.model_fields.items():
        name = info.alias or attr
        assert name in managed | children | STRUCTURAL, f"{spec.kind.value}.{name} has no spec"
