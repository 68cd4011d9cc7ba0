"""Pricing policies end to end: plan, apply (refused, forced), policyExempt, drift, GITHUB_OUTPUT,
against a demo emulator on 127.0.0.1 (docs/policies.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema

from catalog_sync.emulator import DEMO
from tests.test_schemas import _schema
from tests.workflow_support import demo_url, replace_once, run

__all__ = ["demo_url"]

GWS = Path("services") / "google-workspace.yaml"
STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'
PLUS = 'service["Google Workspace"].product["payg"].addon["gws-plus"]'
WRITES = ("POST", "PUT", "DELETE")


def _exported(tmp_path: Path, policies: str) -> Path:
    catalog = tmp_path / "catalog"
    assert run("export", "--out", str(catalog)).exit_code == 0
    replace_once(catalog / "catalog.yaml", "settings:\n", f"settings:\n  policies:\n{policies}")
    return catalog


def _raise_vault_price(catalog: Path) -> None:
    replace_once(
        catalog / GWS,
        'itemCode: gws-vault\n            price: "5.00"',
        'itemCode: gws-vault\n            price: "5.50"',
    )


def _api_writes(url: str) -> list[dict[str, Any]]:
    entries = httpx.get(f"{url}/_emulator/requests").json()
    return [e for e in entries if e["method"] in WRITES and e["path"].startswith("/api/")]


def test_a_margin_below_the_minimum_is_a_finding_that_apply_refuses_until_forced(
    demo_url: str, tmp_path: Path
) -> None:
    # The demo's gws-std sells at 10.00 for a cost of 9.60: a 4.0% margin.
    catalog = _exported(tmp_path, "    minMarginPercent: 10\n")
    _raise_vault_price(catalog)

    planned = run("plan", str(catalog))
    assert planned.exit_code == 0, planned.output
    assert "Pricing policies (settings.policies): minMarginPercent 10%\n" in planned.output
    assert (
        f"minMarginPercent: {STD} (base currency): margin 4.0% (price 10.00, cost 9.60) is below "
        "the 10% minimum" in planned.output
    )
    as_json = json.loads(run("plan", str(catalog), "--format", "json").output)
    (finding,) = [f for f in as_json["safety"] if f["rule"] == "minMarginPercent"]
    assert finding["addresses"] == [STD]
    assert finding["policy"] == {
        "currency": None,
        "field": None,
        "values": {"price": "10.0000", "cost": "9.6000", "limit": "10.0", "margin": "4.0"},
    }
    markdown = run("plan", str(catalog), "--format", "markdown").output
    assert "**minMarginPercent**" in markdown
    assert r"_Pricing policies \(settings\.policies\): minMarginPercent 10%_" in markdown
    github = run("plan", str(catalog), "--format", "github").output
    assert "::error title=catalog-sync safety%3A minMarginPercent::" in github

    httpx.delete(f"{demo_url}/_emulator/requests").raise_for_status()
    refused = run("apply", str(catalog), "--yes")
    assert refused.exit_code == 1, refused.output
    assert "rule minMarginPercent" in refused.output
    assert _api_writes(demo_url) == []

    forced = run("apply", str(catalog), "--yes", "--force", "--format", "json")
    assert forced.exit_code == 0, forced.output
    report = json.loads(forced.output[forced.output.index("{\n") :])
    assert report["forced"] == ["minMarginPercent"]
    assert report["lifted"] == [
        f"minMarginPercent: {STD} (base currency): margin 4.0% (price 10.00, cost 9.60) is below "
        "the 10% minimum"
    ]
    (write,) = _api_writes(demo_url)
    assert write["method"] == "PUT"


def test_policy_exempt_silences_the_rule_and_the_plan_says_so(
    demo_url: str, tmp_path: Path
) -> None:
    catalog = _exported(tmp_path, "    minMarginPercent: 10\n")
    _raise_vault_price(catalog)
    replace_once(
        catalog / GWS,
        "itemCode: gws-std\n",
        "itemCode: gws-std\n            policyExempt: [minMarginPercent]\n",
    )
    planned = run("plan", str(catalog))
    assert planned.exit_code == 0, planned.output
    assert "Safety findings" not in planned.output
    assert f"Policy exemptions (policyExempt): minMarginPercent on {STD}" in planned.output
    assert "Exempted by policyExempt (apply does not refuse these):" in planned.output
    assert f"  - minMarginPercent: {STD} (base currency): margin 4.0%" in planned.output
    as_json = json.loads(run("plan", str(catalog), "--format", "json").output)
    assert as_json["safety"] == []
    assert [f["addresses"] for f in as_json["exempted"]] == [[STD]]
    assert as_json["settings"]["exempt"] == [{"address": STD, "rules": ["minMarginPercent"]}]

    applied = run("apply", str(catalog), "--yes")
    assert applied.exit_code == 0, applied.output


def test_drift_reports_a_margin_eroded_by_a_cost_raised_through_the_api(
    demo_url: str, tmp_path: Path
) -> None:
    catalog = _exported(tmp_path, "    minMarginPercent: 3\n")
    clean = run("drift", str(catalog))
    assert clean.exit_code == 0, clean.output

    _raw_addon_cost(demo_url, "Google Workspace", "payg", "gws-plus", "17.80")
    drifted = run("drift", str(catalog))
    assert drifted.exit_code == 2, drifted.output
    assert (
        f"minMarginPercent: {PLUS} (base currency): margin 1.1% (price 18.00, cost 17.80) is below "
        "the 3% minimum" in drifted.output
    )
    report = json.loads(run("drift", str(catalog), "--format", "json").output)
    assert [f["addresses"] for f in report["policy"]] == [[PLUS]]
    assert "policy minMarginPercent" in run("drift", str(catalog), "--format", "github").output


def _raw_addon_cost(url: str, service: str, product: str, addon: str, cost: str) -> None:
    """Someone raises a cost in the Cloudmore UI: plain HTTP, no catalog-sync client."""
    token = httpx.post(
        f"{url}/connect/token",
        data={
            "grant_type": "password",
            "username": DEMO.username,
            "password": DEMO.password,
            "client_id": DEMO.client_id,
            "client_secret": DEMO.client_secret,
            "scope": "api",
        },
    ).json()["access_token"]
    with httpx.Client(
        base_url=f"{url}/api/sellers/{DEMO.seller_id}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    ) as http:

        def find(path: str, key: str, value: str) -> str:
            items = http.get(path).json()
            return str(next(i["id"] for i in items if i[key] == value))

        sid = find("/services", "name", service)
        pid = find(f"/services/{sid}/products", "itemCode", product)
        aid = find(f"/services/{sid}/products/{pid}/addons", "itemCode", addon)
        path = f"/services/{sid}/products/{pid}/addons/{aid}"
        body = http.get(path).json()
        body.pop("id", None)
        body["cost"] = float(cost)
        http.put(path, json=body).raise_for_status()


def test_github_output_carries_the_change_classes(
    demo_url: str, tmp_path: Path, monkeypatch: Any
) -> None:
    catalog = _exported(tmp_path, "    recommendedAtLeastPrice: true\n")
    _raise_vault_price(catalog)
    replace_once(
        catalog / GWS,
        'cost: "14.40"',
        'cost: "14.00"',
    )
    outputs = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    result = run("plan", str(catalog), "--format", "github")
    assert result.exit_code == 0, result.output
    assert outputs.read_text(encoding="utf-8") == (
        "change-classes=price-increase,cost-change\n"
        "changes=2\n"
        "price-increase=1\n"
        "price-decrease=0\n"
        "cost-change=1\n"
        "new-sku=0\n"
        "new-price-list=0\n"
        "retire=0\n"
        "publish-change=0\n"
        "content=0\n"
        "safety-findings=0\n"
    )


def test_classes_per_change_and_totals_validate_against_the_plan_schema(
    demo_url: str, tmp_path: Path
) -> None:
    catalog = _exported(tmp_path, "    maxPriceChangePercent: 5\n")
    _raise_vault_price(catalog)
    plan = json.loads(run("plan", str(catalog), "--format", "json").output)
    jsonschema.Draft7Validator(_schema("plan.schema.json")).validate(plan)
    assert [c["classes"] for c in plan["changes"]] == [["price-increase"]]
    assert plan["summary"]["classes"]["price-increase"] == 1
    (finding,) = plan["safety"]
    assert finding["rule"] == "maxPriceChangePercent"
    assert finding["policy"]["values"]["change"] == "10.0"
    broken = dict(plan, changes=[dict(plan["changes"][0], classes=["pricier"])])
    assert not jsonschema.Draft7Validator(_schema("plan.schema.json")).is_valid(broken)
