"""`catalog-sync export`: the live catalog as files that validate and plan nothing."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from catalog_sync.cloudmore import open_read_only, open_read_write
from catalog_sync.export import export_catalog, export_live
from catalog_sync.export_files import MANIFEST
from catalog_sync.graph import Address, Kind, Resource, ResourceGraph
from catalog_sync.kinds.price_list import SellerPriceListUpdateViewModel
from catalog_sync.live.reader import read_live
from tests.cloudmore.emulator_helpers import demo_settings
from tests.golden import assert_golden
from tests.workflow_support import demo_url, run

__all__ = ["demo_url"]


def test_export_from_the_demo_seed_validates_and_plans_nothing(
    demo_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    result = run("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [
        MANIFEST,
        "brokers.yaml",
        "catalog.schema.json",
        "catalog.yaml",
        "services/cloud-pbx.yaml",
        "services/google-workspace.yaml",
        "services/legacy-hosting.yaml",
        "services/partner-sandbox.yaml",
    ]
    # The disabled service is reported, not silently dropped.
    assert 'not exported: service["Acronis Cyber Protect"]' in result.output

    validated = run("validate", str(out))
    assert validated.exit_code == 0, validated.output
    planned = run("plan", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.output

    for name in ("catalog.yaml", "brokers.yaml", "services/google-workspace.yaml"):
        text = (out / name).read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=")
        assert_golden(f"export/{name}", text)
    # Names, not ids: no GUID appears in any catalog file.
    for path in out.rglob("*.yaml"):
        assert "-4111-" not in path.read_text(encoding="utf-8")
    # Already in the canonical layout.
    assert run("fmt", "--check", str(out)).exit_code == 0


def test_export_refuses_a_non_empty_directory_without_force(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    stale = out / "services" / "gone.yaml"
    stale.parent.mkdir()
    stale.write_text("services: []\n", encoding="utf-8")

    refused = run("export", "--out", str(out))
    assert refused.exit_code == 1
    assert "is not empty (2 file(s))" in refused.output
    assert "--force" in refused.output
    assert stale.exists()
    assert not (out / "catalog.yaml").exists()

    forced = run("export", "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert stale.exists(), "no export wrote it: kept, and named"
    assert f"warning: kept {stale.as_posix()}: no export wrote it" in forced.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me\n"
    assert run("plan", str(out), "--detailed-exitcode").exit_code == 0

    # A file an earlier export wrote, that the live catalog no longer has, is removed.
    manifest = out / MANIFEST
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    assert "services/cloud-pbx.yaml" in recorded["files"]
    gone = out / "services" / "retired.yaml"
    gone.write_text("services: []\n", encoding="utf-8")
    manifest.write_text(
        json.dumps({"files": [*recorded["files"], "services/retired.yaml"]}), encoding="utf-8"
    )
    again = run("export", "--out", str(out), "--force")
    assert again.exit_code == 0, again.output
    assert f"removed {gone.as_posix()} (not in the live catalog)" in again.output
    assert not gone.exists()
    assert stale.exists()


def test_export_force_touches_only_what_an_export_wrote(demo_url: str, tmp_path: Path) -> None:
    """Issue 24, item 4: --force deleted every YAML file under DIR and wrote through a link."""
    out = tmp_path / "repo"
    others = {
        ".github/workflows/catalog-apply.yml": "on: push\n",
        "docker-compose.yml": "services:\n  web:\n    image: nginx\n",
        ".pre-commit-config.yaml": "repos: []\n",
        ".venv/lib/site.yaml": "a: 1\n",
        "notes/meeting.yaml": "agenda: [prices]\n",
    }
    for name, text in others.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("brokers: []\n", encoding="utf-8")
    (out / "brokers.yaml").symlink_to(outside)
    (out / "services").mkdir()
    (out / "services" / "cloud-pbx.yaml").write_text("title: mine\n", encoding="utf-8")
    # A manifest naming files elsewhere is taken only for names export could write, and a
    # file it names is removed only while it is a catalog file.
    (out / MANIFEST).write_text(
        json.dumps(
            {
                "files": [
                    "../elsewhere.yaml",
                    ".github/workflows/catalog-apply.yml",
                    "docker-compose.yml",
                ]
            }
        ),
        encoding="utf-8",
    )

    refused = run("export", "--out", str(out), "--force")
    assert refused.exit_code == 1
    assert "refused, nothing was written" in refused.output
    assert f"{(out / 'brokers.yaml').as_posix()}: a symbolic link" in refused.output
    assert "services/cloud-pbx.yaml: not a catalog file, and no earlier export" in refused.output
    assert "docker-compose.yml: an earlier export wrote it, but it is no catalog" in refused.output
    assert "elsewhere" not in refused.output
    assert ".github" not in refused.output
    assert outside.read_text(encoding="utf-8") == "brokers: []\n"
    assert not (out / "catalog.yaml").exists()

    (out / "brokers.yaml").unlink()
    (out / "services" / "cloud-pbx.yaml").unlink()
    (out / MANIFEST).unlink()
    (out / "notes" / "meeting.yaml").rename(out / "notes" / "meeting.txt")
    others["notes/meeting.txt"] = others.pop("notes/meeting.yaml")
    forced = run("export", "--out", str(out), "--force")
    # docker-compose.yml is no catalog file: the catalog export checks is the files it owns.
    assert forced.exit_code == 0, forced.output
    for name, text in others.items():
        assert (out / name).read_text(encoding="utf-8") == text, name
    assert outside.read_text(encoding="utf-8") == "brokers: []\n"
    assert not (out / "brokers.yaml").is_symlink()
    assert (out / "brokers.yaml").read_text(encoding="utf-8").startswith("# yaml-language")


def test_what_no_file_can_hold_is_named_word_for_word() -> None:
    nameless = Resource(Address.of(Kind.BROKER, "b-1"), {"name": "Nameless"}, id="b-1")
    old = Resource(Address.of(Kind.SERVICE, "Old"), {"name": "Old"}, id="s-2", active=False)
    twin = Address.of(Kind.SERVICE, "Twin")
    # Listed, but with no amount of any item in it (a price list read answers every item).
    empty = Resource(twin.child(Kind.PRICE_LIST, "DKK"), {"x.price": None}, id="s-3/DKK")
    graph = ResourceGraph(
        {
            nameless.address: nameless,
            old.address: old,
            twin: Resource(twin, {"name": "Twin", "categories": ("Backup",)}, id="s-3"),
            empty.address: empty,
        },
        duplicates=(Resource(twin, {"name": "Twin"}, id="s-4"),),
    )
    exported = export_catalog(graph)
    assert exported.skipped == (
        "broker 'Nameless' (id b-1) has no registrationNumber, the key a catalog needs: "
        "give it one in Cloudmore",
        'service["Old"] (id s-2) is disabled: a catalog file would enable it, so it is left '
        "out (plan lists it as unmanaged)",
        'service["Twin"].pricelist["DKK"] (id s-3/DKK) has no amounts, so no file names it '
        "(plan lists it as unmanaged)",
        'service["Twin"] (id s-4) shares its key with another live service, so no file can '
        "describe both: rename one in Cloudmore",
    )
    assert list(exported.files) == ["catalog.yaml", "services/twin.yaml"]


# Amounts per (service, currency) and item ("product" or "product/addon"): price, cost,
# recommendedPrice (None: no amount in that currency).
PRICE_LISTS: dict[tuple[str, str], dict[str, tuple[str | None, ...]]] = {
    ("Google Workspace", "SEK"): {
        "annual": ("1200", "900", "1500"),
        "annual/gws-vault": ("52.5", "41", None),
    },
    ("Google Workspace", "EUR"): {
        "annual/gws-vault": ("4.75", None, None),
        "payg": ("9.9", "7", "11"),
    },
    ("Cloud PBX", "NOK"): {"pbx-user/pbx-queue": ("30", "20", "35")},
    # A disabled service is not exported, so its price list is not read either.
    ("Acronis Cyber Protect", "SEK"): {"acp-server": ("100", "50", "120")},
}


def _put_price_lists(
    url: str, lists: dict[tuple[str, str], dict[str, tuple[str | None, ...]]]
) -> None:
    """Price lists as the Cloudmore UI would set them: one PUT per service and currency."""

    async def seed() -> None:
        async with open_read_write(demo_settings(url)) as client:
            services = {s.name: s.id for s in await client.list(Kind.SERVICE)}
            for (service, currency), items in lists.items():
                # Enabled as Cloudmore's UI does: a PUT never enables a currency.
                enable = f"{url}/_emulator/services/{services[service]}/currencies/{currency}"
                httpx.put(enable).raise_for_status()
                ids: dict[str, tuple[str, ...]] = {}
                for product in await client.list(Kind.PRODUCT, (services[service],)):
                    ids[product.item_code or ""] = (product.id,)
                    for addon in await client.list(Kind.ADDON, (services[service], product.id)):
                        ids[f"{product.item_code}/{addon.item_code}"] = (product.id, addon.id)
                rows: list[tuple[tuple[str, ...], dict[str, Any]]] = [
                    (ids[item], _amounts(values)) for item, values in items.items()
                ]
                body = SellerPriceListUpdateViewModel.of_rows(currency, rows)
                await client.replace(
                    Kind.PRICE_LIST, (services[service],), body.currency_code, body
                )

    asyncio.run(seed())


def _amounts(values: tuple[str | None, ...]) -> dict[str, Decimal | None]:
    names = ("price", "cost", "recommendedPrice")
    return {name: None if v is None else Decimal(v) for name, v in zip(names, values, strict=True)}


async def _read_requests(url: str) -> int:
    async with open_read_only(demo_settings(url)) as client:
        await read_live(client)
        return client.metrics.total_requests


def test_export_writes_every_currency_a_service_prices_in_and_plans_nothing(
    demo_url: str, tmp_path: Path
) -> None:
    _put_price_lists(demo_url, PRICE_LISTS)
    out = tmp_path / "exported"
    assert run("export", "--out", str(out)).exit_code == 0

    workspace = YAML(typ="safe").load(
        (out / "services" / "google-workspace.yaml").read_text("utf-8")
    )
    products = {p["itemCode"]: p for p in workspace["services"][0]["products"]}
    addons = {a["itemCode"]: a for a in products["annual"]["addons"]}
    assert products["annual"]["prices"] == {
        "SEK": {"price": "1200.00", "cost": "900.00", "recommendedPrice": "1500.00"}
    }
    # Currencies in code order; an amount the currency has none of is left out.
    assert list(addons["gws-vault"]["prices"]) == ["EUR", "SEK"]
    assert addons["gws-vault"]["prices"] == {
        "EUR": {"price": "4.75"},
        "SEK": {"price": "52.50", "cost": "41.00"},
    }
    assert products["payg"]["prices"] == {
        "EUR": {"price": "9.90", "cost": "7.00", "recommendedPrice": "11.00"}
    }
    assert "prices" not in addons["gws-onboarding"], "an item without amounts has no prices"
    pbx = (out / "services" / "cloud-pbx.yaml").read_text(encoding="utf-8")
    assert '            prices:\n              NOK:\n                price: "30.00"\n' in pbx

    assert run("validate", str(out)).exit_code == 0
    assert run("fmt", "--check", str(out)).exit_code == 0
    planned = run("plan", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.output
    assert 'service["Google Workspace"].pricelist' not in planned.output
    assert 'service["Cloud PBX"].pricelist' not in planned.output

    # The list and detail reads a plan makes, and one read per exported service and currency.
    exported, metrics = asyncio.run(export_live(demo_settings(demo_url)))
    assert metrics.total_requests == asyncio.run(_read_requests(demo_url)) + 3
    assert [note.split(" (id ")[0] for note in exported.skipped] == [
        'service["Acronis Cyber Protect"]'
    ]

    # The amounts are managed, not "don't care": one changed in Cloudmore is a change.
    _put_price_lists(demo_url, {("Google Workspace", "EUR"): {"payg": ("9.9", "7.5", "11")}})
    drifted = run("plan", str(out), "--detailed-exitcode")
    assert drifted.exit_code == 2, drifted.output
    assert 'service["Google Workspace"].pricelist["EUR"]' in drifted.output
    assert "payg.cost" in drifted.output
