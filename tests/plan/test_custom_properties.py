"""Broker custom properties named in the files: resolved through the seller's custom property
definitions (``GET .../settings/CustomProperties``, a lookup like categories), an unknown name
reported at its line with the closest names; ids keep working (docs/contracts.md)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.diagnostics import Severity
from catalog_sync.emulator.ids import stable_id
from catalog_sync.errors import CatalogError
from catalog_sync.export import export_catalog
from catalog_sync.live.reader import read_live
from catalog_sync.plan.model import Action
from tests.apply.support import InProcess, plan_and_apply, plan_with
from tests.plan.support import EXAMPLE, plan_on

NORDIC = 'broker["5566778899"]'
TIER_ID = stable_id("customProperty", "Partner tier")


def _with_properties(tmp_path: Path, entries: str) -> tuple[Path, Path, int]:
    """The example catalog whose Nordic broker has ``entries`` (YAML list items, indented)
    as its custom properties; the catalog, the brokers file and the first entry's line."""
    catalog = tmp_path / "example"
    shutil.copytree(EXAMPLE, catalog)
    brokers = catalog / "brokers.yaml"
    text = brokers.read_text(encoding="utf-8")
    marker = "    allowCmpAccess: true\n"
    assert marker in text
    brokers.write_text(
        text.replace(marker, f"{marker}    customProperties:\n{entries}", 1), encoding="utf-8"
    )
    lines = brokers.read_text(encoding="utf-8").splitlines()
    first = next(i for i, t in enumerate(lines, 1) if "customProperties:" in t) + 1
    return catalog, brokers, first


def _properties_change(catalog: Path) -> tuple[object, object]:
    plan, _ = plan_on("demo", catalog)
    change = next(c for c in plan.changes if c.address == NORDIC)
    assert change.action is Action.UPDATE
    (field,) = (f for f in change.field_changes if f.path == "customProperties")
    return field.before, field.after


def test_a_named_custom_property_and_its_id_plan_the_same(tmp_path: Path) -> None:
    by_name, _, _ = _with_properties(
        tmp_path / "a",
        "      - name: Partner tier\n        value: Gold\n"
        '      - name: Invoice reference\n        value: "PO=1234"\n',
    )
    by_id, _, _ = _with_properties(
        tmp_path / "b",
        f"      - id: {TIER_ID}\n        value: Gold\n"
        '      - name: Invoice reference\n        value: "PO=1234"\n',
    )
    expected = ((), ("Invoice reference=PO=1234", "Partner tier=Gold"))
    assert _properties_change(by_name) == expected
    assert _properties_change(by_id) == expected


def test_apply_writes_the_definitions_ids_and_a_re_plan_is_empty(tmp_path: Path) -> None:
    journal_dir = tmp_path / "journal"
    catalog, _, _ = _with_properties(tmp_path, "      - name: Partner tier\n        value: Gold\n")
    demo = InProcess("demo")
    store = demo.app.state.emulator.store

    async def run() -> None:
        async with demo.client() as client:
            _, report = await plan_and_apply(client, demo.settings, journal_dir, catalog)
            assert report.ok, report
            assert report.mismatches == ()
            again = await plan_with(client, demo.settings, catalog)
            assert again.changes == ()
            # Export writes the name back, as the files gave it.
            exported = export_catalog((await read_live(client)).graph)
            assert "- name: Partner tier\n        value: Gold\n" in exported.files["brokers.yaml"]

    asyncio.run(run())
    broker = next(b for b in store.brokers.values() if b["registrationNumber"] == "5566778899")
    assert broker["customProperties"] == [{"id": TIER_ID, "value": "Gold"}]


def test_an_unknown_custom_property_name_fails_at_its_line_with_the_closest_name(
    tmp_path: Path,
) -> None:
    catalog, brokers, first = _with_properties(
        tmp_path,
        "      - name: Partner tier\n        value: Gold\n"
        "      - name: Partner teir\n        value: Silver\n",
    )
    with pytest.raises(CatalogError) as raised:
        plan_on("demo", catalog)
    (message,) = (str(d) for d in raised.value.diagnostics)
    assert message.startswith(f"{brokers.as_posix()}:{first + 2}:")
    assert (
        "custom property 'Partner teir' does not exist in Cloudmore; did you mean 'Partner tier'?"
        in message
    )


def test_an_unknown_custom_property_id_fails_at_its_line(tmp_path: Path) -> None:
    unknown = stable_id("customProperty", "Nobody defined this")
    catalog, brokers, first = _with_properties(
        tmp_path, f"      - id: {unknown}\n        value: Gold\n"
    )
    with pytest.raises(CatalogError) as raised:
        plan_on("demo", catalog)
    (message,) = (str(d) for d in raised.value.diagnostics)
    assert message.startswith(f"{brokers.as_posix()}:{first}:")
    assert f"custom property '{unknown}' does not exist in Cloudmore" in message


@pytest.mark.parametrize(
    "entry",
    [
        f"      - name: Partner tier\n        id: {TIER_ID}\n        value: Gold\n",
        "      - value: Gold\n",
    ],
)
def test_a_custom_property_names_its_property_once(tmp_path: Path, entry: str) -> None:
    catalog, brokers, first = _with_properties(tmp_path, entry)
    with pytest.raises(CatalogError) as raised:
        load_catalog(catalog)
    # The broker is left out of the later checks (a publish naming it warns): one error.
    (message,) = (str(d) for d in raised.value.diagnostics if d.severity is Severity.ERROR)
    assert message.startswith(f"{brokers.as_posix()}:{first}:")
    assert "give the custom property's name or its id (one of them)" in message
