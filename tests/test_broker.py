"""A broker's catalog end to end (docs/broker.md): the CLI in-process against the built-in
emulator's demo seed, whose seller publishes to the demo broker (reseller
``22222222-2222-4222-8222-222222222222``), with CLOUDMORE_RESELLER_ID set."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from catalog_sync.cli import main
from catalog_sync.emulator import DEMO
from catalog_sync.emulator.statefile import read_state
from catalog_sync.emulator.store import Store

STATE = Path(".catalog-sync/emulator-state.json")
NORDIC = "customers/nordic-retail-ab.yaml"
GW = "Google Workspace"


@pytest.fixture(autouse=True)
def broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The built-in emulator (no API configured), as the demo broker, in ``tmp_path``."""
    for name in list(os.environ):
        if name.startswith(("CLOUDMORE_", "GITHUB_")) or name == "CI":
            monkeypatch.delenv(name)
    monkeypatch.setenv("CLOUDMORE_RESELLER_ID", DEMO.reseller_id)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def store() -> Store:
    saved = read_state(STATE)
    assert saved is not None
    return saved.store


def _item(state: Store, service: str, product: str, addon: str | None) -> dict[str, Any]:
    found = next(s for s in state.services.values() if s["name"] == service)
    record = next(p for p in state.products_of(found["id"]) if p["itemCode"] == product)
    if addon is not None:
        record = next(a for a in state.addons_of(record["id"]) if a["itemCode"] == addon)
    return record


def customer_price(state: Store, org: str, currency: str, addon: str) -> Decimal | None:
    org_id = next(o["id"] for o in state.organizations.values() if o["name"] == org)
    record = _item(state, GW, "payg", addon)
    value = record.get("_customerPrices", {}).get(org_id, {}).get(currency)
    return None if value is None else Decimal(str(value))


def broker_price(state: Store, currency: str, addon: str) -> Decimal:
    record = _item(state, GW, "payg", addon)
    return Decimal(str(record["_brokerPrices"][DEMO.reseller_id][currency]["price"]))


def exported(tmp_path: Path) -> Path:
    out = tmp_path / "broker"
    result = run("export", "--side", "broker", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def plan_json(catalog: Path) -> dict[str, Any]:
    result = run("plan", str(catalog), "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_export_validate_fmt_and_plan_say_no_changes(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    assert "side: broker" in (catalog / "catalog.yaml").read_text(encoding="utf-8")
    assert "prune: false" in (catalog / "catalog.yaml").read_text(encoding="utf-8")
    resold = (catalog / "services" / "google-workspace.yaml").read_text(encoding="utf-8")
    assert "marketplace: true" in resold
    # The broker's cost is the seller's, never the files'.
    assert "cost" not in resold
    assert 'price: "125.00"' in resold
    assert (catalog / NORDIC).is_file()
    assert run("validate", str(catalog)).exit_code == 0
    assert run("fmt", "--check", str(catalog)).exit_code == 0
    planned = run("plan", str(catalog), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes" in planned.output


def test_a_changed_customer_price_plans_one_change_applies_and_replans_empty(
    tmp_path: Path,
) -> None:
    catalog = exported(tmp_path)
    edit(catalog / NORDIC, 'price: "115.00"', 'price: "118.00"')
    plan = plan_json(catalog)
    (change,) = plan["changes"]
    assert change["address"] == (
        'customer["Nordic Retail AB"].customerservice["Google Workspace"].customerpricelist["SEK"]'
    )
    assert [(f["path"], f["before"], f["after"]) for f in change["fieldChanges"]] == [
        ("payg/gws-std.price", "115.0000", "118.0000")
    ]
    before = broker_price(store(), "SEK", "gws-std")
    applied = run("apply", str(catalog), "--yes")
    assert applied.exit_code == 0, applied.output
    replanned = run("plan", str(catalog), "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output
    assert "No changes" in replanned.output
    state = store()
    assert customer_price(state, "Nordic Retail AB", "SEK", "gws-std") == Decimal("118")
    assert broker_price(state, "SEK", "gws-std") == before == Decimal("125")
    # Another customer's prices are untouched.
    assert customer_price(state, "Baltic Logistics SIA", "EUR", "gws-std") == Decimal("10.9")


def test_a_customer_price_below_the_brokers_cost_is_a_finding_apply_refuses_force_applies(
    tmp_path: Path,
) -> None:
    catalog = exported(tmp_path)
    edit(
        catalog / "catalog.yaml",
        "  prune: false\n",
        "  prune: false\n  policies:\n    minMarginPercent: 10\n",
    )
    edit(catalog / NORDIC, 'price: "115.00"', 'price: "100.00"')
    planned = run("plan", str(catalog))
    assert planned.exit_code == 0, planned.output
    assert "minMarginPercent" in planned.output
    assert "margin -5.0% (price 100.00, cost 105.00)" in planned.output
    refused = run("apply", str(catalog), "--yes")
    assert refused.exit_code == 1
    assert "nothing was written" in refused.output
    assert customer_price(store(), "Nordic Retail AB", "SEK", "gws-std") == Decimal("115")
    forced = run("apply", str(catalog), "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    assert customer_price(store(), "Nordic Retail AB", "SEK", "gws-std") == Decimal("100")


def test_a_customer_price_below_the_brokers_cost_is_a_finding_without_any_policies(
    tmp_path: Path,
) -> None:
    catalog = exported(tmp_path)
    assert "policies" not in (catalog / "catalog.yaml").read_text()
    edit(catalog / NORDIC, 'price: "115.00"', 'price: "100.00"')
    for fmt in ("text", "markdown", "json", "github"):
        planned = run("plan", str(catalog), "--format", fmt)
        assert planned.exit_code == 0, planned.output
        assert "belowCost" in planned.output, fmt
    planned = run("plan", str(catalog))
    assert "price 100.00 is below the broker's cost 105.00" in planned.output
    assert "minMarginPercent" not in planned.output
    refused = run("apply", str(catalog), "--yes")
    assert refused.exit_code == 1
    assert "belowCost" in refused.output
    assert "nothing was written" in refused.output
    assert customer_price(store(), "Nordic Retail AB", "SEK", "gws-std") == Decimal("115")
    forced = run("apply", str(catalog), "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    assert customer_price(store(), "Nordic Retail AB", "SEK", "gws-std") == Decimal("100")


def test_an_organization_name_typo_is_cs401_at_its_line_with_did_you_mean(
    tmp_path: Path,
) -> None:
    catalog = exported(tmp_path)
    edit(catalog / NORDIC, "organization: Nordic Retail AB", "organization: Nordic Retial AB")
    result = run("plan", str(catalog))
    assert result.exit_code == 1
    assert f"{(catalog / NORDIC).as_posix()}:3:19: CS401 error" in result.output
    assert "organization 'Nordic Retial AB' does not exist" in result.output
    assert "did you mean 'Nordic Retail AB'" in result.output


def test_drift_reports_a_customer_price_changed_outside_the_files(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    assert run("drift", str(catalog)).exit_code == 0
    # As the broker's portal would: a customer price changed in Cloudmore.
    edit(catalog / NORDIC, 'price: "115.00"', 'price: "111.00"')
    assert run("apply", str(catalog), "--yes").exit_code == 0
    edit(catalog / NORDIC, 'price: "111.00"', 'price: "115.00"')
    drifted = run("drift", str(catalog))
    assert drifted.exit_code == 2, drifted.output
    assert "customerpricelist" in drifted.output
    assert "payg/gws-std.price: live 111.00, files 115.00" in drifted.output


def test_a_marketplace_service_sets_only_prices(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    edit(
        catalog / "services" / "google-workspace.yaml",
        "  - name: Google Workspace\n",
        "  - name: Google Workspace\n    vendorName: Someone\n",
    )
    result = run("validate", str(catalog))
    assert result.exit_code == 1
    assert "CS202" in result.output
    assert "'vendorName' cannot be set on a marketplace service: the seller owns it" in (
        result.output
    )


def test_a_cost_under_a_marketplace_item_is_refused(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    edit(
        catalog / "services" / "google-workspace.yaml",
        'price: "125.00"',
        'price: "125.00"\n                cost: "1.00"',
    )
    result = run("validate", str(catalog))
    assert result.exit_code == 1
    assert "'cost' cannot be set on a marketplace service" in result.output


@pytest.mark.parametrize(
    ("field", "value"),
    [("segment", "Charity"), ("subscriptionLengthMonths", "12"), ("paymentFrequencyMonths", "1")],
)
def test_reserved_price_places_are_refused_as_not_supported_yet(
    tmp_path: Path, field: str, value: str
) -> None:
    catalog = exported(tmp_path)
    edit(
        catalog / NORDIC,
        'price: "115.00"',
        f'price: "115.00"\n                    {field}: {value}',
    )
    result = run("validate", str(catalog))
    assert result.exit_code == 1, result.output
    assert "CS334" in result.output
    assert "not supported yet" in result.output


def test_the_default_segment_may_be_named(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    edit(
        catalog / NORDIC,
        'price: "115.00"',
        'price: "115.00"\n                    segment: Commercial',
    )
    assert run("validate", str(catalog)).exit_code == 0
    planned = run("plan", str(catalog), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_brokers_and_publish_are_not_a_brokers(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "catalog.yaml").write_text(
        "settings:\n  side: broker\nservices:\n  - name: Own\n    categories: [Productivity]\n"
        "    publish: {to: allBrokers}\n",
        encoding="utf-8",
    )
    result = run("validate", str(tmp_path / "c"))
    assert result.exit_code == 1
    assert "CS332" in result.output
    assert "a broker's catalog (settings.side: broker) has no publish objects" in result.output


def test_a_broker_catalog_needs_the_reseller_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = exported(tmp_path)
    monkeypatch.setenv("CLOUDMORE_API_URL", "http://127.0.0.1:9")
    for name in ("USERNAME", "PASSWORD", "CLIENT_SECRET", "SELLER_ID"):
        monkeypatch.setenv(f"CLOUDMORE_{name}", "x")
    monkeypatch.delenv("CLOUDMORE_RESELLER_ID")
    result = run("plan", str(catalog))
    assert result.exit_code == 1
    assert "set CLOUDMORE_RESELLER_ID" in result.output


def test_the_brokers_own_service_is_created_under_the_reseller_root(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    (catalog / "services" / "acme.yaml").write_text(
        "services:\n  - name: Acme Onboarding\n    vendorName: Acme\n"
        "    categories: [Productivity]\n    products:\n      - name: Onboarding\n"
        '        itemCode: onboard\n        type: ProductBased\n        price: "500"\n',
        encoding="utf-8",
    )
    applied = run("apply", str(catalog), "--yes")
    assert applied.exit_code == 0, applied.output
    state = store()
    own = next(s for s in state.services.values() if s["name"] == "Acme Onboarding")
    assert own["_resellerId"] == DEMO.reseller_id
    replanned = run("plan", str(catalog), "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output
    # The seller does not see the broker's own service.
    seller = run("export", "--out", str(tmp_path / "seller"))
    assert seller.exit_code == 0, seller.output
    assert not (tmp_path / "seller" / "services" / "acme-onboarding.yaml").exists()


def test_doctor_checks_reseller_access() -> None:
    result = run("doctor")
    assert result.exit_code == 0, result.output
    assert f"reseller access reseller {DEMO.reseller_id}: 3 services" in result.output


def test_the_broker_example_plans_against_the_demo_broker() -> None:
    example = Path(__file__).resolve().parents[1] / "catalogs" / "broker-example"
    assert run("validate", str(example)).exit_code == 0
    assert run("fmt", "--check", str(example)).exit_code == 0
    planned = run("plan", str(example), "--format", "json")
    assert planned.exit_code == 0, planned.output
    changes = {c["address"]: c["action"] for c in json.loads(planned.stdout)["changes"]}
    assert changes == {
        'service["Acme Onboarding"]': "create",
        'service["Acme Onboarding"].product["onboard"]': "create",
        'service["Google Workspace"].pricelist["SEK"]': "update",
    }


def test_catalogs_lists_every_catalog_pyproject_names_globs_included(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1] / "catalogs"
    (tmp_path / "catalogs").mkdir()
    for name, source in (("seller", "example"), ("broker-acme", "broker-example")):
        target = tmp_path / "catalogs" / name
        target.mkdir()
        for file in (repo / source).rglob("*.yaml"):
            (target / file.relative_to(repo / source)).parent.mkdir(parents=True, exist_ok=True)
            (target / file.relative_to(repo / source)).write_bytes(file.read_bytes())
    (tmp_path / "pyproject.toml").write_text(
        '[tool.catalog-sync]\ncatalogs = ["catalogs/*"]\n', encoding="utf-8"
    )
    result = run("catalogs", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"catalog": "catalogs/broker-acme", "side": "broker"},
        {"catalog": "catalogs/seller", "side": "seller"},
    ]


def test_a_brokers_target_key_names_its_reseller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDMORE_ENVIRONMENT", "eu")
    monkeypatch.setenv("CLOUDMORE_SELLER_ID", DEMO.seller_id)
    seller = run("target")
    broker = run("target", "--side", "broker")
    assert seller.exit_code == broker.exit_code == 0, broker.output
    assert seller.output.strip() == f"https://api.cloudmore.com:443/ seller={DEMO.seller_id}"
    assert broker.output.strip() == f"{seller.output.strip()} reseller={DEMO.reseller_id}"


def test_drift_all_customers_reports_prices_the_files_do_not_name(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    (catalog / "customers" / "baltic-logistics-sia.yaml").unlink()
    assert run("drift", str(catalog)).exit_code == 0  # the files' customers only
    every = run("drift", str(catalog), "--all-customers")
    assert every.exit_code == 2, every.output
    assert 'customer["Baltic Logistics SIA"]' in every.output
    assert "payg/gws-std.price: live 10.90, files null" in every.output


def test_prune_clears_the_customer_prices_the_files_do_not_name(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    (catalog / "customers" / "baltic-logistics-sia.yaml").unlink()
    edit(catalog / "catalog.yaml", "prune: false", "prune: true")
    plan = plan_json(catalog)
    (change,) = plan["changes"]
    assert change["action"] == "update"
    assert change["address"].startswith('customer["Baltic Logistics SIA"]')
    assert {f["after"] for f in change["fieldChanges"]} == {None}
    applied = run("apply", str(catalog), "--yes")
    assert applied.exit_code == 0, applied.output
    state = store()
    assert customer_price(state, "Baltic Logistics SIA", "EUR", "gws-std") is None
    assert customer_price(state, "Nordic Retail AB", "SEK", "gws-std") == Decimal("115")
    replanned = run("plan", str(catalog), "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output


def test_prune_never_removes_a_marketplace_service_the_files_leave_out(tmp_path: Path) -> None:
    catalog = exported(tmp_path)
    # Its removal is the seller's business: a broker's DELETE would disable it for the broker.
    (catalog / "services" / "google-workspace.yaml").unlink()
    edit(catalog / "catalog.yaml", "prune: false", "prune: true")
    plan = plan_json(catalog)
    assert plan["changes"] == []
    (unmanaged,) = plan["unmanaged"]
    assert unmanaged["address"] == f'service["{GW}"]'
    assert unmanaged["action"] is None
    planned = run("plan", str(catalog), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert f'? service["{GW}"]' in planned.output


def test_webhooks_are_not_a_brokers(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "catalog.yaml").write_text(
        "settings:\n  side: broker\nservices:\n  - name: Own\n    categories: [Productivity]\n"
        "    webhooks:\n      - name: provision\n        url: https://hooks.example.com/p\n"
        "        triggerEventType: SubscriptionCreated\n",
        encoding="utf-8",
    )
    result = run("validate", str(tmp_path / "c"))
    assert result.exit_code == 1
    assert "CS332" in result.output
    assert "has no webhook objects; they are the seller's" in result.output
