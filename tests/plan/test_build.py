import json
import re
import shutil
from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.cli.plan_cmds import render_plan
from catalog_sync.errors import CatalogError
from catalog_sync.graph import Address, Kind
from catalog_sync.plan.model import Action
from tests.plan.support import EXAMPLE, plan_on


def _catalog_addresses() -> list[Address]:
    catalog = load_catalog(EXAMPLE).catalog
    found = [Address.of(Kind.BROKER, b.registration_number) for b in catalog.brokers]
    for service in catalog.services:
        address = Address.of(Kind.SERVICE, service.name)
        found.append(address)
        found.extend(address.child(Kind.WEBHOOK, hook.name) for hook in service.webhooks)
        for product in service.products:
            found.append(address.child(Kind.PRODUCT, product.item_code))
            found.extend(
                address.child(Kind.PRODUCT, product.item_code).child(Kind.ADDON, a.item_code)
                for a in product.addons
            )
    return found


def test_against_empty_every_resource_is_created_parents_first() -> None:
    plan, _ = plan_on("empty")
    creates = [c for c in plan.changes if c.action is Action.CREATE]
    assert sorted(Address.parse(c.address) for c in creates) == sorted(_catalog_addresses())
    assert len(creates) == 2 + 6 + 10 + 26 + 3
    # Every publish but `to: none` (which is how a new service starts) is planned.
    publishes = [c.address for c in plan.changes if c.action is Action.PUBLISH]
    assert len(publishes) == 5
    assert 'service["Partner Sandbox"].publish' not in publishes
    assert len(plan.changes) == len(creates) + len(publishes)
    position = {c.address: i for i, c in enumerate(plan.changes)}
    for change in plan.changes:
        for dependency in change.depends_on:
            assert position[dependency] < position[change.address], change.address
    assert plan.unmanaged == ()
    assert plan.safety == ()


def test_against_demo_the_plan_is_exactly_the_seeded_differences() -> None:
    plan, _ = plan_on("demo")
    found = {
        (c.address, c.action.value, tuple((f.path, f.before, f.after) for f in c.field_changes))
        for c in plan.changes
        if c.action is not Action.CREATE
    }
    assert found == {
        (
            'service["Google Workspace"].product["payg"].addon["gws-std"]',
            "update",
            (("price", "10.0000", "12.0000"), ("recommendedPrice", "12.0000", "14.4000")),
        ),
        (
            'service["Google Workspace"].product["annual"]',
            "update",
            (("name", "Google Workspace Annual", "Google Workspace (annual commitment)"),),
        ),
        ('service["Acronis Cyber Protect"]', "enable", ()),
        (
            'service["Cloud PBX"]',
            "update",
            (
                (
                    "description",
                    "Hosted phone system.",
                    "Hosted phone system with mobile and desktop apps.",
                ),
            ),
        ),
        ('service["Cloud PBX"].publish', "publish", (("to", "allBrokers", "sellerBrokers"),)),
        (
            'broker["5566778899"]',
            "update",
            (
                (
                    "supportEmail",
                    "helpdesk@nordiccloud.example.com",
                    "support@nordiccloud.example.com",
                ),
            ),
        ),
        (
            'service["Managed Firewall"].publish',
            "publish",
            (("to", "none", "brokers"), ("brokers", (), ("12345678", "5566778899"))),
        ),
        (
            'service["Secure Mail Gateway"].publish',
            "publish",
            (("to", "none", "countries"), ("countries", (), ("DK", "EE", "FI", "NO", "SE"))),
        ),
    }
    creates = {c.address for c in plan.changes if c.action is Action.CREATE}
    assert creates == {
        'broker["12345678"]',
        'service["Google Workspace"].product["payg"].addon["gws-ent"]',
        'service["Cloud PBX"].product["pbx-minutes"]',
        'service["Cloud PBX"].product["pbx-minutes"].addon["pbx-min-domestic"]',
        'service["Cloud PBX"].product["pbx-minutes"].addon["pbx-min-intl"]',
        'service["Managed Firewall"]',
        'service["Managed Firewall"].product["fw-site"]',
        'service["Managed Firewall"].product["fw-site"].addon["fw-ha"]',
        'service["Managed Firewall"].product["fw-site"].addon["fw-ips"]',
        'service["Secure Mail Gateway"]',
        'service["Secure Mail Gateway"].product["smg-filter"]',
        'service["Secure Mail Gateway"].product["smg-filter"].addon["smg-archive"]',
        'service["Secure Mail Gateway"].product["smg-filter"].addon["smg-sandbox"]',
        'service["Secure Mail Gateway"].product["smg-filter"].addon["smg-setup"]',
    }
    assert [(u.address, u.action) for u in plan.unmanaged] == [
        ('service["Legacy Hosting"]', None),
        ('service["Partner Sandbox"].product["sandbox-tenant"].addon["sandbox-legacy"]', None),
    ]
    firewall_publish = next(
        c for c in plan.changes if c.address == 'service["Managed Firewall"].publish'
    )
    assert 'broker["12345678"]' in firewall_publish.depends_on


@pytest.mark.parametrize(
    ("seed", "brokers", "services", "products", "total"),
    [("empty", 0, 0, 0, 8), ("demo", 1, 5, 8, 31)],
)
def test_reading_live_state_costs_exactly_the_lists_and_the_detail_reads(
    seed: str, brokers: int, services: int, products: int, total: int
) -> None:
    _, log = plan_on(seed)  # type: ignore[arg-type]
    assert {entry["method"] for entry in log} == {"GET", "POST"}
    assert [e["path"] for e in log if e["method"] == "POST"] == ["/connect/token"]
    gets = [e["path"] for e in log if e["method"] == "GET"]
    # 1 token + 5 lookups (categories, regions, countries, e-mail templates, custom property
    # definitions) + 1 broker list + B broker details + 1 service list (whole services: one
    # model, no read by id) + S product lists + P product details + P addon lists + 1 webhook
    # list, once for every service, when there is one (docs/contracts.md).
    webhooks = min(services, 1)
    assert len(log) == total
    assert total == 1 + 5 + 1 + brokers + 1 + services + products + products + webhooks
    assert sum(p.endswith("/webhooks") for p in gets) == webhooks
    assert sum(p.endswith("/settings/CustomProperties") for p in gets) == 1
    assert sum(p.endswith("/brokers") for p in gets) == 1
    assert sum("/brokers/" in p for p in gets) == brokers
    assert sum(p.endswith("/services") for p in gets) == 1
    assert not any(re.search(r"/sellers/[^/]+/services/[^/]+$", p) for p in gets)
    assert sum(p.endswith("/products") for p in gets) == services
    assert sum(p.endswith("/addons") for p in gets) == products
    assert sum("/products/" in p and "/addons" not in p for p in gets) == products
    assert not any("/addons/" in p for p in gets)  # addon lists carry whole addons
    assert all(e["status"] == 200 for e in log)


def test_names_that_resolve_to_nothing_fail_at_their_line(tmp_path: Path) -> None:
    catalog = tmp_path / "example"
    shutil.copytree(EXAMPLE, catalog)
    pbx = catalog / "services" / "cloud-pbx.yaml"
    text = pbx.read_text(encoding="utf-8")
    pbx.write_text(
        text.replace("categories: [Communication]", "categories: [Comunication]").replace(
            "emailTemplate: Welcome pack", "emailTemplate: Welcome"
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as raised:
        plan_on("demo", catalog)
    messages = [str(d) for d in raised.value.diagnostics]
    lines = text.splitlines()
    category_line = next(i for i, t in enumerate(lines, 1) if "categories:" in t)
    template_line = next(i for i, t in enumerate(lines, 1) if "emailTemplate:" in t)
    assert len(messages) == 2
    assert messages[0].startswith(f"{pbx.as_posix()}:{category_line}:")
    assert (
        "category 'Comunication' does not exist in Cloudmore; did you mean 'Communication'?"
        in (messages[0])
    )
    assert messages[1].startswith(f"{pbx.as_posix()}:{template_line}:")
    assert "did you mean 'Welcome pack'?" in messages[1]


def _pruning_copy(tmp_path: Path, protect: str) -> Path:
    catalog = tmp_path / "example"
    shutil.copytree(EXAMPLE, catalog)
    root = catalog / "catalog.yaml"
    root.write_text(
        root.read_text(encoding="utf-8").replace("prune: false", "prune: true")
        + f"  protect:\n    - '{protect}'\n",
        encoding="utf-8",
    )
    return catalog


@pytest.mark.parametrize("output_format", ["text", "markdown", "json", "github"])
def test_a_protected_service_disabled_by_prune_is_a_safety_finding_in_every_format(
    tmp_path: Path, output_format: str
) -> None:
    plan, _ = plan_on("demo", _pruning_copy(tmp_path, 'service["Legacy Hosting"]'))
    disable = next(c for c in plan.changes if c.address == 'service["Legacy Hosting"]')
    assert (disable.action, disable.protect) == (Action.DISABLE, True)
    (finding,) = [f for f in plan.safety if f.rule.value == "protect"]
    assert finding.addresses == ('service["Legacy Hosting"]',)
    assert not finding.overridable

    rendered = render_plan(plan, output_format)
    assert "protect" in rendered
    assert "Legacy Hosting" in rendered
    if output_format == "json":
        assert json.loads(rendered)["safety"][0]["rule"] == "protect"
    if output_format == "github":
        safety = next(line for line in rendered.splitlines() if line.startswith("::error"))
        assert safety.startswith("::error title=catalog-sync safety%3A protect::")
        assert 'service["Legacy Hosting"]' in safety


def test_prune_without_protect_plans_the_removals_and_no_protect_finding(tmp_path: Path) -> None:
    plan, _ = plan_on("demo", _pruning_copy(tmp_path, 'broker["nobody"]'))
    removals = {(c.address, c.action) for c in plan.changes if c.action.removes}
    assert removals == {
        ('service["Legacy Hosting"]', Action.DISABLE),
        (
            'service["Partner Sandbox"].product["sandbox-tenant"].addon["sandbox-legacy"]',
            Action.DELETE,
        ),
    }
    assert all(f.rule.value != "protect" for f in plan.safety)


def _edited_copy(tmp_path: Path, file: str, *replacements: tuple[str, str]) -> Path:
    catalog = tmp_path / "edited"
    shutil.copytree(EXAMPLE, catalog)
    path = catalog / file
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return catalog


def _codes(catalog: Path) -> list[str]:
    with pytest.raises(CatalogError) as raised:
        plan_on("demo", catalog)
    return [f"{d.code} {d.message}" for d in raised.value.diagnostics if d.severity == "error"]


def test_a_case_only_rename_updates_the_live_service(tmp_path: Path) -> None:
    catalog = _edited_copy(
        tmp_path, "services/cloud-pbx.yaml", ("name: Cloud PBX", "name: Cloud Pbx")
    )
    plan, _ = plan_on("demo", catalog)
    service = next(c for c in plan.changes if c.address == 'service["Cloud Pbx"]')
    assert service.action is Action.UPDATE
    assert ("name", "Cloud PBX", "Cloud Pbx") in {
        (f.path, f.before, f.after) for f in service.field_changes
    }
    assert all("Cloud PBX" not in u.address for u in plan.unmanaged)


def test_pruning_a_broker_that_a_publish_names_is_refused(tmp_path: Path) -> None:
    catalog = _edited_copy(tmp_path, "catalog.yaml", ("prune: false", "prune: true"))
    brokers = catalog / "brokers.yaml"
    text = brokers.read_text(encoding="utf-8")
    brokers.write_text(text[: text.index("  - name: Baltic IT")], encoding="utf-8")
    # 12345678 is not live on the demo seed, so only the live one may be pruned.
    (catalog / "services" / "managed-firewall.yaml").write_text(
        (catalog / "services" / "managed-firewall.yaml")
        .read_text(encoding="utf-8")
        .replace('brokers: ["5566778899", "12345678"]', 'brokers: ["5566778899"]'),
        encoding="utf-8",
    )
    brokers.write_text(
        brokers.read_text(encoding="utf-8").replace("5566778899", "5566778800"),
        encoding="utf-8",
    )
    (problem,) = _codes(catalog)
    assert problem.startswith("CS403 broker '5566778899' is published to but not in the catalog")


def test_an_id_pinned_under_another_parent_is_refused(tmp_path: Path) -> None:
    payg_id = next(
        c.parent_id
        for c in plan_on("demo")[0].changes
        if c.address.startswith('service["Google Workspace"].product["payg"]')
        and c.parent_id is not None
    )
    catalog = _edited_copy(
        tmp_path,
        "services/cloud-pbx.yaml",
        ("        itemCode: pbx-user\n", f"        itemCode: pbx-user\n        id: {payg_id}\n"),
    )
    (problem,) = _codes(catalog)
    assert problem.startswith(f"CS402 id {payg_id} is the live service[")
    assert "under another parent" in problem


def test_changing_a_product_type_under_live_addons_is_refused(tmp_path: Path) -> None:
    catalog = _edited_copy(
        tmp_path,
        "services/google-workspace.yaml",
        ("        type: ProductBased", "        type: Metered"),
        ("pricePer: Quantity", "pricePer: Metered"),
        ("pricePer: Selected", "pricePer: Metered"),
        ("pricePer: Subscription", "pricePer: Metered"),
    )
    (problem,) = _codes(catalog)
    assert problem.startswith(
        'CS404 service["Google Workspace"].product["annual"]: the type cannot change from '
        "ProductBased to Metered while the product has addons"
    )


def test_a_min_quantity_above_the_live_max_the_files_leave_out_is_refused(
    tmp_path: Path,
) -> None:
    catalog = _edited_copy(
        tmp_path,
        "services/acronis.yaml",
        ("        minQuantity: 1\n        maxQuantity: 50\n", "        minQuantity: 60\n"),
    )
    (problem,) = _codes(catalog)
    assert problem.startswith("CS406 service[")
    assert "minQuantity 60 would be above maxQuantity 50 (the maxQuantity the files leave out" in (
        problem
    )


@pytest.mark.parametrize(
    "name",
    [
        "\uff23loud PBX",  # a fullwidth C: Latin, folded by NFKC
        "Cloud\u00a0PBX",  # a no-break space
        "Cloud  PBX",  # two spaces
    ],
    ids=["fullwidth letter", "no-break space", "two spaces"],
)
def test_a_create_that_reads_like_a_live_sibling_is_refused(tmp_path: Path, name: str) -> None:
    """Files naming a service that reads like the live "Cloud PBX" would make a second
    service every review takes for the first (issue 24, item 18)."""
    catalog = _edited_copy(
        tmp_path, "services/cloud-pbx.yaml", ("name: Cloud PBX", f"name: {name}")
    )
    problems = _codes(catalog)
    assert len(problems) == 1, problems
    assert problems[0].startswith("CS407 service[")
    assert 'beside the live service["Cloud PBX"] (id ' in problems[0]
