"""The kind registry is the one home of a kind's fields: a field added to a spec flows through
plan and apply with no change to the adapters, the planner, the body builder or the applier."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from catalog_sync.catalog import catalog_json_schema, models, validation
from catalog_sync.catalog.fields import Text
from catalog_sync.emulator import operations as emulator_operations
from catalog_sync.emulator.validation import ModelStateError
from catalog_sync.emulator.validation import validate_addon as real_validate_addon
from catalog_sync.export import export_catalog
from catalog_sync.graph import Address, Kind
from catalog_sync.kinds import KINDS, FieldSpec, children_of, field_spec
from catalog_sync.live import listed, read_keyed, read_live, with_listed
from catalog_sync.normalise import FieldType
from catalog_sync.plan.model import Action
from tests.apply.support import EXAMPLE, InProcess, plan_and_apply, plan_with

NOTE = "throwawayNote"
ADDON = 'service["Acronis Cyber Protect"].product["acp-workstation"].addon["acp-ws-adv-security"]'


NOTE_TEXT = "A throwaway note, for this test only."


class _NotedAddon(models.Addon):
    throwaway_note: Text | None = Field(default=None, description=NOTE_TEXT)


class _NotedProduct(models.Product):
    addons: tuple[_NotedAddon, ...] = ()


class _NotedService(models.Service):
    products: tuple[_NotedProduct, ...] = ()


class _NotedFile(models.CatalogFile):
    services: tuple[_NotedService, ...] = ()


@pytest.fixture
def noted_addons(monkeypatch: pytest.MonkeyPatch) -> None:
    """The throwaway field, declared where a real one is: one line in the addon's spec, its
    key in the file schema, and an emulator that stores it (with its own type check, so the
    validation of every real field stays as strict as it is)."""
    spec = KINDS[Kind.ADDON]
    noted = dataclasses.replace(spec, fields=(*spec.fields, FieldSpec(NOTE, FieldType.TEXT)))
    monkeypatch.setitem(KINDS, Kind.ADDON, noted)
    monkeypatch.setattr(validation, "CatalogFile", _NotedFile)

    def validate_addon(body: object) -> dict[str, Any]:
        record = real_validate_addon(body)
        note = body.get(NOTE) if isinstance(body, dict) else None
        if note is not None and not isinstance(note, str):
            raise ModelStateError({"ThrowawayNote": ["The value is not valid."]})
        return {**record, NOTE: note}

    monkeypatch.setattr(emulator_operations, "validate_addon", validate_addon)


def _catalog_with_note(tmp_path: Path, note: str) -> Path:
    catalog = tmp_path / "catalog"
    if catalog.exists():
        shutil.rmtree(catalog)
    shutil.copytree(EXAMPLE, catalog)
    path = catalog / "services" / "acronis.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "            itemCode: acp-ws-adv-security\n"
    assert anchor in text
    path.write_text(text.replace(anchor, f"{anchor}            {NOTE}: {note}\n"), "utf-8")
    return catalog


def test_the_registry_is_what_the_adapters_read() -> None:
    assert [spec.kind for spec in children_of(None)] == [Kind.BROKER, Kind.SERVICE]
    assert [spec.kind for spec in children_of(Kind.SERVICE)] == [
        Kind.PRODUCT,
        Kind.WEBHOOK,
        Kind.PUBLISH,
        Kind.PRICE_LIST,
    ]
    assert field_spec(Kind.PRODUCT, "emailTemplate").wire_path == "emailTemplateId"


@pytest.mark.anyio
@pytest.mark.usefixtures("noted_addons")
async def test_a_field_added_to_a_spec_flows_through_plan_and_apply(tmp_path: Path) -> None:
    emulator = InProcess("empty")
    async with emulator.client() as client:
        catalog = _catalog_with_note(tmp_path, "first")
        plan, report = await plan_and_apply(
            client, emulator.settings, tmp_path / "journal", catalog
        )
        (created,) = [c for c in plan.changes if c.address == ADDON]
        assert created.action is Action.CREATE
        assert created.written()[NOTE] == "first"
        assert (report.ok, report.verified, report.mismatches) == (True, True, ())
        stored = [a for a in emulator.app.state.emulator.store.addons.values() if a.get(NOTE)]
        assert [a[NOTE] for a in stored] == ["first"]
        assert not (await plan_with(client, emulator.settings, catalog)).changes

        catalog = _catalog_with_note(tmp_path, "second")
        plan, report = await plan_and_apply(
            client, emulator.settings, tmp_path / "journal", catalog
        )
        (updated,) = plan.changes
        assert (updated.address, updated.action) == (ADDON, Action.UPDATE)
        assert [(f.path, f.before, f.after) for f in updated.field_changes] == [
            (NOTE, "first", "second")
        ]
        assert (report.ok, report.verified, report.mismatches) == (True, True, ())
        assert [a[NOTE] for a in stored] == ["second"]
        assert not (await plan_with(client, emulator.settings, catalog)).changes

        # Export writes it back, and the exported files plan nothing.
        live = with_listed(await read_live(client))
        live = await read_keyed(client, live, listed(live.graph))
        exported = export_catalog(live.graph).files
        (holder,) = [path for path, text in exported.items() if f"{NOTE}: second" in text]
        out = tmp_path / "exported"
        for path, text in exported.items():
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(text, encoding="utf-8")
        again = await plan_with(client, emulator.settings, out)
        assert [c for c in again.changes if c.address == ADDON] == []
        assert holder.startswith("services/")


@pytest.mark.usefixtures("noted_addons")
def test_a_field_added_to_a_spec_is_in_the_file_model_and_the_schema() -> None:
    """The file model is a typed class (mypy checks it), so a field is declared there too:
    tests/kinds/test_fields_agree.py fails until it is, which is how the throwaway field's
    file model (the fixture's) stands for the one a real field adds to catalog/models.py."""
    assert field_spec(Kind.ADDON, NOTE).name == NOTE
    assert NOTE in {info.alias for info in _NotedAddon.model_fields.values()}
    schema = catalog_json_schema(_NotedFile)
    (addon,) = [d for name, d in schema["definitions"].items() if name == "_NotedAddon"]
    assert addon["properties"][NOTE]["description"] == NOTE_TEXT


def test_a_price_list_field_is_an_item_and_an_amount() -> None:
    spec = KINDS[Kind.PRICE_LIST]
    assert spec.items is not None
    addon = spec.field_for("payg/gws-std.recommendedPrice")
    assert (addon.name, addon.type, addon.wire_path) == (
        "payg/gws-std.recommendedPrice",
        FieldType.MONEY,
        "recommendedPrice",
    )
    assert field_spec(Kind.PRICE_LIST, "v1.2.price").to_graph("1.5") == "1.5000"
    for unknown in ("payg.discount", "price", ".price", "payg"):
        with pytest.raises(KeyError):
            spec.field_for(unknown)
    service = Address.of(Kind.SERVICE, "GW")
    assert spec.items.items_of(
        service, ["payg/gws-std.cost", "payg.price", "payg/gws-std.price"]
    ) == [
        service.child(Kind.PRODUCT, "payg").child(Kind.ADDON, "gws-std"),
        service.child(Kind.PRODUCT, "payg"),
    ]
    # The registry says a price list is never removed, only reported.
    assert (spec.removal, spec.removes) == ("none", False)


def test_a_fields_codec_writes_back_what_it_reads_from_a_file() -> None:
    """``to_catalog`` is ``to_graph``'s inverse (export writes what a file would hold)."""
    guid = "0f8b6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    cases = [
        (field_spec(Kind.PRODUCT, "price"), "12.5", "12.50"),
        (field_spec(Kind.PRICE_LIST, "payg/gws-std.cost"), 3, "3.00"),
        (field_spec(Kind.SERVICE, "categories"), ["Security", "Backup"], ["Backup", "Security"]),
        (field_spec(Kind.PUBLISH, "countries"), ["se", "NO"], ["NO", "SE"]),
        (field_spec(Kind.BROKER, "contact.name"), "Ada", "Ada"),
        (
            field_spec(Kind.BROKER, "customProperties"),
            [{"name": "Partner tier", "value": "Gold"}, {"id": guid, "value": "PO=1"}],
            # By name, or by id where the key is one; a value may itself hold "=".
            [{"id": guid, "value": "PO=1"}, {"name": "Partner tier", "value": "Gold"}],
        ),
    ]
    for spec, given, written in cases:
        value = spec.to_graph(given)
        assert spec.to_catalog(value) == written, spec.name
        assert spec.to_graph(spec.to_catalog(value)) == value, spec.name
