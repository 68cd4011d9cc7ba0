"""First contact: the CLI against a served emulator in each contract variant
(docs/contracts.md, "Contract variants"): `doctor --contract` names the difference, `plan`
shows no defaulted value and no perpetual change, `apply` writes nothing that drops a field
(checked in the emulator's state, not through the client), and plan, apply and re-plan
converge wherever updates are allowed.

One emulator serves the module; each test resets it to the demo seed with its variants.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_sync.emulator import EmulatorConfig, serve_in_thread
from catalog_sync.emulator.config import ContractVariant
from catalog_sync.emulator.views import EXTRA_FIELD
from tests.apply.support import use_emulator
from tests.workflow_support import replace_once, run

UI_SETTINGS = (
    "billingGeneration",
    "displayOnly",
    "userAssignedService",
    "oneSubscriptionPerOrganization",
    "welcomeTemplateIds",
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_in_thread(EmulatorConfig(seed="demo")) as url:
        yield url


class Seller:
    """The served emulator, reset for one test; its state read raw, never through the client."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.tmp_path = tmp_path

    def reset(self, *variants: ContractVariant) -> None:
        body = {"seed": "demo", "variants": list(variants)}
        httpx.post(f"{self.url}/_emulator/reset", json=body).raise_for_status()
        httpx.delete(f"{self.url}/_emulator/requests").raise_for_status()

    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = httpx.get(f"{self.url}/_emulator/state").json()
        return found

    def writes(self) -> list[str]:
        entries = httpx.get(f"{self.url}/_emulator/requests").json()
        return [
            f"{e['method']} {e['path']}"
            for e in entries
            if e["method"] != "GET" and e["path"].startswith("/api/")
        ]

    def service(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = next(s for s in self.state()["services"] if s["name"] == name)
        return found

    def enable(self, service: str, currency: str) -> None:
        path = f"/_emulator/services/{self.service(service)['id']}/currencies/{currency}"
        httpx.put(f"{self.url}{path}").raise_for_status()

    def exported(self) -> Path:
        """The live catalog as files (read in the default shapes): a catalog that plans
        nothing, to edit."""
        out = self.tmp_path / "catalog"
        result = run("export", "--out", str(out))
        assert result.exit_code == 0, result.output
        return out


@pytest.fixture
def seller(server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Seller]:
    monkeypatch.chdir(tmp_path)  # the apply journal goes under the working directory
    use_emulator(monkeypatch, server)
    found = Seller(server, tmp_path)
    found.reset()
    yield found
    found.reset()


def _doctor(*args: str) -> tuple[int, dict[str, Any]]:
    result = run("doctor", "--contract", "--format", "json", *args)
    assert result.exit_code in (0, 2), result.output
    return result.exit_code, json.loads(result.stdout)


def _differences(report: dict[str, Any], subject: str) -> set[tuple[str, str]]:
    return {
        (d["field"], d["problem"])
        for check in report["checks"]
        if check["subject"] == subject
        for d in check["differences"]
    }


def _plan(catalog: Path) -> tuple[int, str]:
    result = run("plan", str(catalog), "--detailed-exitcode")
    assert result.exit_code in (0, 2), result.output
    return result.exit_code, result.output


def _apply(catalog: Path, *args: str) -> tuple[int, str]:
    result = run("apply", str(catalog), "--yes", *args)
    return result.exit_code, result.output


def _values(data: object) -> set[str]:
    """Every string in ``data``, keys left out."""
    if isinstance(data, dict):
        return {v for item in data.values() for v in _values(item)}
    if isinstance(data, list):
        return {v for item in data for v in _values(item)}
    return {data} if isinstance(data, str) and data else set()


def test_doctor_contract_against_the_default_emulator_matches_and_its_json_holds_no_value(
    seller: Seller,
) -> None:
    seller.enable("Google Workspace", "SEK")  # so a price list is read too
    code, report = _doctor()
    assert code == 0, report
    assert report["matches"] is True
    read = {(c["subject"], c["read"]) for c in report["checks"] if not c.get("skipped")}
    assert {("service", "list item"), ("service", "read by id"), ("pricelist", "read by key")} <= (
        read
    )
    text = json.dumps(report)
    state = seller.state()
    secrets = _values({k: v for k, v in state.items() if k != "format"}) - {
        "Active",
        "AllBrokers",
        "ProductBased",
        "Quantity",
    }
    leaked = sorted(value for value in secrets if f'"{value}"' in text)
    assert leaked == [], leaked
    assert state["sellerId"] not in text
    table = run("doctor", "--contract")
    assert table.exit_code == 0
    assert "Every shape read matches the contract." in table.output


def test_service_thin_is_named_plans_no_default_and_converges_without_a_service_write(
    seller: Seller,
) -> None:
    catalog = seller.exported()
    seller.reset("service-thin")
    code, report = _doctor()
    assert code == 2
    assert {("status", "absent"), ("description", "absent"), ("publish", "absent")} <= (
        _differences(report, "service")
    )
    before = {s["id"]: {k: s[k] for k in UI_SETTINGS} for s in seller.state()["services"]}
    pbx = catalog / "services" / "cloud-pbx.yaml"
    replace_once(pbx, "description: Hosted phone system.", "description: Changed.")
    gws = catalog / "services" / "google-workspace.yaml"
    replace_once(gws, 'price: "450.00"', 'price: "460.00"')

    code, output = _plan(catalog)
    assert code == 2
    # The unreadable fields once, in the header; no defaulted value, no change for them.
    assert output.count("Unreadable fields") == 1
    assert "service: categories, description, provisioningType, status" in output
    assert "publish: brokers, countries, regions, to" in output
    assert "Changed." not in output
    assert '"Active"' not in output
    assert "1 to update" in output

    code, output = _apply(catalog)
    assert code == 0, output
    assert [w.split("/addons/")[0].rsplit("/", 2)[-2] for w in seller.writes()] == ["products"]
    after = {s["id"]: {k: s[k] for k in UI_SETTINGS} for s in seller.state()["services"]}
    assert after == before  # no service PUT reset the UI settings
    assert _plan(catalog)[0] == 0  # converged: no perpetual change


def test_service_thin_refuses_a_service_update_naming_what_it_would_reset(
    seller: Seller,
) -> None:
    catalog = seller.exported()
    seller.reset("service-thin")
    pbx = catalog / "services" / "cloud-pbx.yaml"
    replace_once(pbx, "vendorName: Example Cloud", "vendorName: Example Voice")

    code, output = _apply(catalog)
    assert code == 1
    assert "unreadableReset" in output
    assert "billingGeneration" in output
    assert "--allow-reset" in output
    assert seller.writes() == []
    code, output = _apply(catalog, "--force")
    assert code == 1, output  # --force does not lift it
    assert seller.writes() == []

    code, output = _apply(catalog, "--allow-reset")
    assert code in (0, 1), output  # written; what it reset is the user's explicit choice
    assert [w for w in seller.writes() if w.startswith("PUT")], output


def test_publish_unreadable_plans_no_publish_and_a_new_publish_fails_verification(
    seller: Seller,
) -> None:
    catalog = seller.exported()
    seller.reset("publish-unreadable")
    code, report = _doctor()
    assert code == 2
    assert ("publish", "absent") in _differences(report, "service")
    pbx = catalog / "services" / "cloud-pbx.yaml"
    replace_once(pbx, "to: allBrokers", "to: sellerBrokers")
    code, output = _plan(catalog)
    assert code == 0, output  # no publish change planned on a guess
    assert "Unreadable fields" in output
    assert "publish: brokers, countries, regions, to" in output

    new = catalog / "services" / "new.yaml"
    new.write_text(
        "services:\n  - name: New\n    categories: [Security]\n    publish:\n"
        "      to: allBrokers\n",
        encoding="utf-8",
    )
    code, output = _apply(catalog)
    assert code == 1, output
    assert "publish" in output
    assert "unreadable" in output
    assert seller.service("New")["publish"]["publishTo"] == "AllBrokers"
    assert seller.service("Cloud PBX")["publish"]["publishTo"] == "AllBrokers"


def test_extra_fields_are_named_and_every_put_sends_them_back(seller: Seller) -> None:
    catalog = seller.exported()
    seller.reset("extra-fields")
    code, report = _doctor()
    assert code == 2
    assert (EXTRA_FIELD, "unexpected") in _differences(report, "service")
    assert ("contact.legacyCode", "unexpected") in _differences(report, "broker")
    pbx = catalog / "services" / "cloud-pbx.yaml"
    replace_once(pbx, "description: Hosted phone system.", "description: Changed.")
    replace_once(pbx, "to: allBrokers", "to: sellerBrokers")
    replace_once(
        catalog / "brokers.yaml",
        "helpdesk@nordiccloud.example.com",
        "support@nordiccloud.example.com",
    )
    gws = catalog / "services" / "google-workspace.yaml"
    replace_once(gws, "name: Google Workspace Annual", "name: Google Workspace (annual)")
    replace_once(gws, 'price: "450.00"', 'price: "460.00"')

    code, output = _apply(catalog)
    assert code == 0, output
    assert len(seller.writes()) == 5  # service, publish, broker, product, addon
    state = seller.state()
    records = [r for table in ("services", "products", "addons", "brokers") for r in state[table]]
    assert [r["name"] for r in records if r.get("_droppedExtras")] == []
    assert _plan(catalog)[0] == 0


def test_pricelist_array_is_named_and_prices_apply_and_converge(seller: Seller) -> None:
    seller.enable("Google Workspace", "SEK")
    catalog = seller.exported()
    seller.reset("pricelist-array")
    seller.enable("Google Workspace", "SEK")
    code, report = _doctor()
    assert code == 2
    assert ("$", "shape") in _differences(report, "pricelist")
    gws = catalog / "services" / "google-workspace.yaml"
    replace_once(
        gws,
        '            price: "450.00"\n',
        '            price: "450.00"\n            prices:\n              SEK: {price: "4500"}\n',
    )
    code, output = _apply(catalog)
    assert code == 0, output
    [addon] = [a for a in seller.state()["addons"] if a["itemCode"] == "gws-onboarding"]
    assert addon["_prices"]["SEK"] == {"price": 4500, "cost": None, "recommendedPrice": None}
    assert _plan(catalog)[0] == 0


def test_drops_field_fails_the_verification_naming_the_field(seller: Seller) -> None:
    catalog = seller.exported()
    seller.reset("drops-field")
    # Read-only, the check cannot see a write the server ignores: the shapes all match.
    assert _doctor()[0] == 0
    gws = catalog / "services" / "google-workspace.yaml"
    replace_once(gws, "name: Google Workspace Annual", "name: Google Workspace (annual)")
    code, output = _apply(catalog)
    assert code == 1, output
    assert 'product["annual"] name' in output
    [annual] = [p for p in seller.state()["products"] if p["itemCode"] == "annual"]
    assert annual["name"] == "Google Workspace Annual"


def test_service_whole_is_the_default_contract(seller: Seller) -> None:
    seller.reset("service-whole")
    assert _doctor()[0] == 0


def test_prices_in_a_currency_not_enabled_fail_the_plan_at_their_line_and_write_nothing(
    seller: Seller,
) -> None:
    # service-thin: the service's currencies cannot be read, so each price list the files
    # name is read by its currency, and an error answer means not enabled.
    seller.enable("Google Workspace", "SEK")
    catalog = seller.exported()
    seller.reset("service-thin")
    seller.enable("Google Workspace", "SEK")
    gws = catalog / "services" / "google-workspace.yaml"
    replace_once(
        gws,
        '            price: "450.00"\n',
        '            price: "450.00"\n            prices:\n              SEK: {price: "4500"}\n'
        '              NOK: {price: "4400"}\n',
    )
    lines = gws.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip().startswith("NOK:"))

    result = run("plan", str(catalog), "--detailed-exitcode")
    assert result.exit_code == 1, result.output
    assert f"google-workspace.yaml:{line}:" in result.output
    assert 'NOK is not enabled on service "Google Workspace": enable it in Cloudmore first' in (
        result.output
    )
    assert "SEK is not enabled" not in result.output
    assert seller.writes() == []

    replace_once(gws, '              NOK: {price: "4400"}\n', "")
    code, output = _apply(catalog)
    assert code == 0, output
    assert _plan(catalog)[0] == 0
