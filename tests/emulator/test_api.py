"""Sections 2 and 3 of cloudmore-api.md, one test per documented fact, over a real socket."""

from __future__ import annotations

import re
import uuid

import httpx

from tests.emulator.bodies import seed_001_broker, seed_003_addon
from tests.emulator.conftest import SELLER, Api

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_lookups_are_bare_arrays_with_the_documented_fields(api: Api) -> None:
    categories = api.get_json("/api/services/categories")
    assert {"categoryId", "name", "description"} <= set(categories[0])
    regions = api.get_json("/api/services/marketRegions")
    assert set(regions[0]) == {"id", "name"}
    countries = api.get_json("/api/services/marketCountries")
    assert set(countries[0]) == {"id", "name", "countryCode"}
    templates = api.get_json(f"{SELLER}/settings/EmailTemplates")
    assert set(templates[0]) == {"id", "name"}
    for rows, key in [(categories, "categoryId"), (regions, "id"), (countries, "id")]:
        assert all(GUID.match(row[key]) for row in rows)


def test_every_list_is_a_bare_json_array(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id)
    for path in [
        f"{SELLER}/services",
        f"{SELLER}/services/{service_id}/products",
        f"{SELLER}/services/{service_id}/products/{product_id}/addons",
        f"{SELLER}/services/{service_id}/resellers",
        f"{SELLER}/services/{service_id}/custom-properties-data",
        f"{SELLER}/brokers",
        f"{SELLER}/resellers",
    ]:
        assert isinstance(api.get_json(path), list), path


def test_create_answers_201_with_absolute_location_and_empty_body(api: Api) -> None:
    body = {"name": "Svc", "categoryIds": [api.category_id()]}
    response = api.http.post(f"{SELLER}/services", json=body)
    assert response.status_code == 201
    assert response.content == b""
    location = response.headers["Location"]
    assert location.startswith(f"{api.base_url}{SELLER}/services/")
    new_id = location.rsplit("/", 1)[1]
    assert GUID.match(new_id)
    assert api.get_json(f"{SELLER}/services/{new_id}")["id"] == new_id


def test_new_service_is_active_unpublished_with_create_defaults(api: Api) -> None:
    service_id = api.new_service("Defaults")
    service = api.get_json(f"{SELLER}/services/{service_id}")
    assert service == {
        "id": service_id,
        "name": "Defaults",
        "vendorName": None,
        "description": None,
        "categoryIds": [api.category_id()],
        "allowMultipleUsers": False,
        "provisioningType": None,
        "customProperties": [],
        "billingGeneration": None,
        "displayOnly": False,
        "userAssignedService": False,
        "oneSubscriptionPerOrganization": False,
        "welcomeTemplateIds": [],
        "status": "Active",
        "publish": {"publishTo": "None", "regionIds": [], "countryIds": [], "brokerIds": []},
        "currencies": [],
    }


def test_put_replaces_the_whole_object_and_answers_204(api: Api) -> None:
    service_id = api.new_service("Old", vendorName="V", description="D")
    body = {"name": "New", "categoryIds": [api.category_id("Security")]}
    response = api.http.put(f"{SELLER}/services/{service_id}", json=body)
    assert response.status_code == 204
    service = api.get_json(f"{SELLER}/services/{service_id}")
    assert (service["name"], service["vendorName"], service["description"]) == ("New", None, None)
    assert service["categoryIds"] == [api.category_id("Security")]


def test_delete_of_a_service_disables_it_and_it_stays_listed(api: Api) -> None:
    service_id = api.new_service("Doomed")
    assert api.http.delete(f"{SELLER}/services/{service_id}").status_code == 204
    listed = {s["id"] for s in api.get_json(f"{SELLER}/services")}
    assert service_id in listed
    assert api.get_json(f"{SELLER}/services/{service_id}")["status"] == "Disabled"


def test_put_with_status_active_re_enables_and_absent_status_keeps_it(api: Api) -> None:
    service_id = api.new_service("Phoenix")
    api.http.delete(f"{SELLER}/services/{service_id}")
    body = {"name": "Phoenix", "categoryIds": [api.category_id()]}
    assert api.http.put(f"{SELLER}/services/{service_id}", json=body).status_code == 204
    assert api.get_json(f"{SELLER}/services/{service_id}")["status"] == "Disabled"
    body["status"] = "Active"
    assert api.http.put(f"{SELLER}/services/{service_id}", json=body).status_code == 204
    assert api.get_json(f"{SELLER}/services/{service_id}")["status"] == "Active"


def test_unknown_ids_get_404_with_empty_body(api: Api) -> None:
    service_id = api.new_service()
    missing = str(uuid.uuid4())
    for path in [
        f"{SELLER}/services/{missing}",
        f"{SELLER}/services/{missing}/products",
        f"{SELLER}/services/{service_id}/products/{missing}",
        f"{SELLER}/services/{service_id}/products/{missing}/addons",
        f"{SELLER}/brokers/{missing}",
        f"{SELLER}/resellers/{missing}",
    ]:
        response = api.http.get(path)
        assert (response.status_code, response.content) == (404, b""), path
    assert api.http.delete(f"{SELLER}/services/{missing}").status_code == 404


def test_a_wrong_seller_id_gets_403_with_empty_body(api: Api) -> None:
    other = f"/api/sellers/{uuid.uuid4()}"
    for path in [f"{other}/services", f"{other}/brokers", f"{other}/settings/EmailTemplates"]:
        response = api.http.get(path)
        assert (response.status_code, response.content) == (403, b""), path


def test_unsupported_method_gets_405(api: Api) -> None:
    assert api.http.delete(f"{SELLER}/services").status_code == 405


def test_unknown_request_fields_are_ignored(api: Api) -> None:
    service_id = api.new_service("Extra", somethingNew=True, nested={"x": 1})
    assert "somethingNew" not in api.get_json(f"{SELLER}/services/{service_id}")


def test_service_name_is_unique_per_seller(api: Api) -> None:
    api.new_service("Unique")
    response = api.http.post(
        f"{SELLER}/services", json={"name": "Unique", "categoryIds": [api.category_id()]}
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == 3
    assert response.json()[0]["errorName"] == "AlreadyExists"


def test_service_needs_a_name_and_a_known_category(api: Api) -> None:
    response = api.http.post(f"{SELLER}/services", json={"vendorName": "V"})
    assert response.status_code == 400
    assert response.json() == {
        "Name": ["The Name field is required."],
        "CategoryIds": ["The CategoryIds field is required."],
    }
    body = {"name": "S", "categoryIds": [str(uuid.uuid4())]}
    errors = api.http.post(f"{SELLER}/services", json=body).json()
    assert [(e["errorCode"], e["errorName"]) for e in errors] == [(5, "InvalidValue")]


def test_product_fields_round_trip_with_money_at_four_decimals(api: Api) -> None:
    service_id = api.new_service()
    template = api.get_json(f"{SELLER}/settings/EmailTemplates")[0]["id"]
    body = {
        "name": "Annual",
        "itemCode": "annual",
        "description": "d",
        "type": "ProductBased",
        "subscriptionPeriodMonths": 12,
        "billingFrequencyMonths": 1,
        "price": 10.123456,
        "cost": 5,
        "recommendedPrice": 0.00005,
        "minQuantity": 1,
        "maxQuantity": 300,
        "emailTemplateId": template,
    }
    product_id = api.create(f"{SELLER}/services/{service_id}/products", body)
    product = api.get_json(f"{SELLER}/services/{service_id}/products/{product_id}")
    assert product == {
        **body,
        "id": product_id,
        "price": 10.1235,
        "cost": 5.0,
        "recommendedPrice": 0.0001,
        "allowQuantityDecrease": False,
    }
    listed = api.get_json(f"{SELLER}/services/{service_id}/products")
    assert {"id", "name", "description", "itemCode"} <= set(listed[0])


def test_money_given_as_a_string_is_refused(api: Api) -> None:
    service_id = api.new_service()
    response = api.http.post(
        f"{SELLER}/services/{service_id}/products",
        json={"name": "P", "itemCode": "p", "type": "Metered", "price": "12.00"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["Price"]


def test_product_item_code_is_unique_within_its_service(api: Api) -> None:
    first, second = api.new_service("A"), api.new_service("B")
    api.new_product(first, "same")
    api.new_product(second, "same")
    response = api.http.post(
        f"{SELLER}/services/{first}/products",
        json={"name": "again", "itemCode": "same", "type": "Metered"},
    )
    assert response.json()[0]["errorCode"] == 3


def test_product_validation_and_unknown_email_template(api: Api) -> None:
    service_id = api.new_service()
    path = f"{SELLER}/services/{service_id}/products"
    response = api.http.post(path, json={"subscriptionPeriodMonths": 7, "type": "Other"})
    assert set(response.json()) == {"Name", "ItemCode", "Type", "SubscriptionPeriodMonths"}
    body = {"name": "P", "itemCode": "p", "type": "Metered", "emailTemplateId": str(uuid.uuid4())}
    errors = api.http.post(path, json=body).json()
    assert [e["errorCode"] for e in errors] == [5]


def test_product_put_and_delete_answer_204(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id)
    path = f"{SELLER}/services/{service_id}/products/{product_id}"
    body = {"name": "Renamed", "itemCode": "p1", "type": "ProductBased"}
    assert api.http.put(path, json=body).status_code == 204
    assert api.get_json(path)["name"] == "Renamed"
    assert api.http.delete(path).status_code == 204
    assert api.http.get(path).status_code == 404


def test_seed_003_addon_is_created_under_a_metered_product(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "payg", type="Metered")
    path = f"{SELLER}/services/{service_id}/products/{product_id}/addons"
    response = api.http.post(path, json=seed_003_addon())
    assert response.status_code == 201
    assert response.content == b""
    addon_id = response.headers["Location"].rsplit("/", 1)[1]
    addon = api.get_json(f"{path}/{addon_id}")
    assert addon == {**seed_003_addon(), "id": addon_id}


def test_seed_003_addon_is_refused_under_a_product_based_product(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "annual", type="ProductBased")
    path = f"{SELLER}/services/{service_id}/products/{product_id}/addons"
    response = api.http.post(path, json=seed_003_addon())
    assert response.status_code == 400
    errors = response.json()
    assert isinstance(errors, list)
    assert set(errors[0]) == {"errorCode", "errorName", "errorMessage"}
    assert errors[0]["errorName"] == "NotAllowed"


def test_addon_without_name_and_item_code_gets_the_modelstate_of_seed_003(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "payg", type="Metered")
    body = seed_003_addon()
    del body["name"], body["itemCode"]
    path = f"{SELLER}/services/{service_id}/products/{product_id}/addons"
    response = api.http.post(path, json=body)
    assert response.status_code == 400
    assert response.json() == {
        "Name": ["The Name field is required."],
        "ItemCode": ["The ItemCode field is required."],
    }


def test_addon_grouping_needs_a_group_name_and_item_codes_are_unique(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "payg", type="Metered")
    path = f"{SELLER}/services/{service_id}/products/{product_id}/addons"
    response = api.http.post(path, json=seed_003_addon(groupName=None))
    assert list(response.json()) == ["GroupName"]
    api.create(path, seed_003_addon())
    assert api.http.post(path, json=seed_003_addon()).json()[0]["errorCode"] == 3


def test_addon_put_and_delete_answer_204(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "payg", type="Metered")
    path = f"{SELLER}/services/{service_id}/products/{product_id}/addons"
    addon_id = api.create(path, seed_003_addon())
    assert api.http.put(f"{path}/{addon_id}", json=seed_003_addon(price=11)).status_code == 204
    assert api.get_json(f"{path}/{addon_id}")["price"] == 11.0
    assert api.http.delete(f"{path}/{addon_id}").status_code == 204
    assert api.get_json(path) == []


def test_deleting_a_product_takes_its_addons_with_it(api: Api, admin: httpx.Client) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "payg", type="Metered")
    api.create(f"{SELLER}/services/{service_id}/products/{product_id}/addons", seed_003_addon())
    api.http.delete(f"{SELLER}/services/{service_id}/products/{product_id}")
    assert admin.get("/_emulator/state").json()["addons"] == []


def test_changing_a_product_type_against_its_addons_is_refused(api: Api) -> None:
    service_id = api.new_service()
    product_id = api.new_product(service_id, "payg", type="Metered")
    api.create(f"{SELLER}/services/{service_id}/products/{product_id}/addons", seed_003_addon())
    body = {"name": "P", "itemCode": "payg", "type": "ProductBased"}
    response = api.http.put(f"{SELLER}/services/{service_id}/products/{product_id}", json=body)
    assert response.json()[0]["errorCode"] == 6


def test_seed_001_broker_body_creates_a_broker(api: Api) -> None:
    response = api.http.post(f"{SELLER}/brokers", json=seed_001_broker())
    assert response.status_code == 201
    assert response.content == b""
    broker_id = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"] == f"{api.base_url}{SELLER}/brokers/{broker_id}"
    broker = api.get_json(f"{SELLER}/brokers/{broker_id}")
    assert broker == {**seed_001_broker(), "id": broker_id, "customProperties": []}
    assert [b["id"] for b in api.get_json(f"{SELLER}/brokers")] == [broker_id]


def test_invalid_domain_gets_the_error_array_with_code_5(api: Api) -> None:
    response = api.http.post(f"{SELLER}/brokers", json=seed_001_broker(domain="abcdefCompany"))
    assert response.status_code == 400
    assert response.json() == [
        {
            "errorCode": 5,
            "errorName": "InvalidValue",
            "errorMessage": "Invalid domain/website:abcdefCompany",
        }
    ]


def test_bad_phone_gets_the_modelstate_with_contact_phone(api: Api) -> None:
    body = seed_001_broker()
    body["contact"]["phone"] = "+372 5356-4558"
    response = api.http.post(f"{SELLER}/brokers", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "Contact.Phone": ["Phone number is not in valid format."],
        "Contact.PhonePrefix": ["Phone number is not in valid format."],
    }


def test_broker_required_fields_and_nested_keys(api: Api) -> None:
    body = seed_001_broker(name="", contact={"name": "J"}, address={"city": "Tallinn"})
    response = api.http.post(f"{SELLER}/brokers", json=body)
    assert response.status_code == 400
    assert set(response.json()) == {
        "Name",
        "Contact.JobTitle",
        "Contact.Email",
        "Contact.PhonePrefix",
        "Contact.Phone",
        "Contact.CellPhonePrefix",
        "Contact.CellPhone",
        "Address.CountryCode",
    }


def test_broker_registration_number_is_unique_and_country_must_exist(api: Api) -> None:
    api.create(f"{SELLER}/brokers", seed_001_broker())
    errors = api.http.post(f"{SELLER}/brokers", json=seed_001_broker()).json()
    assert [e["errorCode"] for e in errors] == [3]
    body = seed_001_broker(registrationNumber="2", address={"countryCode": "XX"})
    errors = api.http.post(f"{SELLER}/brokers", json=body).json()
    assert [e["errorCode"] for e in errors] == [5]


def test_broker_put_and_delete_answer_204(api: Api) -> None:
    broker_id = api.create(f"{SELLER}/brokers", seed_001_broker())
    path = f"{SELLER}/brokers/{broker_id}"
    assert api.http.put(path, json=seed_001_broker(vat=None)).status_code == 204
    assert api.get_json(path)["vat"] is None
    assert api.http.delete(path).status_code == 204
    assert api.http.get(path).status_code == 404


def test_publish_sets_the_service_publish_and_is_idempotent(api: Api) -> None:
    service_id = api.new_service()
    countries = api.get_json("/api/services/marketCountries")
    se = next(c["id"] for c in countries if c["countryCode"] == "SE")
    regions = [r["id"] for r in api.get_json("/api/services/marketRegions")[:1]]
    body = {"publishTo": "Countries", "countryIds": [se], "regionIds": regions, "brokerIds": []}
    for _ in range(2):
        response = api.http.put(f"{SELLER}/services/{service_id}/publish", json=body)
        assert response.status_code == 204
    publish = api.get_json(f"{SELLER}/services/{service_id}")["publish"]
    assert publish == {
        "publishTo": "Countries",
        "regionIds": [],
        "countryIds": [se],
        "brokerIds": [],
    }


def test_publish_to_specific_brokers_and_back_to_none(api: Api) -> None:
    service_id = api.new_service()
    broker_id = api.create(f"{SELLER}/brokers", seed_001_broker())
    path = f"{SELLER}/services/{service_id}/publish"
    body = {"publishTo": "SpecificBrokers", "brokerIds": [broker_id]}
    assert api.http.put(path, json=body).status_code == 204
    assert api.get_json(f"{SELLER}/services/{service_id}")["publish"]["brokerIds"] == [broker_id]
    assert api.http.put(path, json={"publishTo": "None"}).status_code == 204
    assert api.get_json(f"{SELLER}/services/{service_id}")["publish"]["publishTo"] == "None"


def test_publish_validation(api: Api) -> None:
    service_id = api.new_service()
    path = f"{SELLER}/services/{service_id}/publish"
    assert list(api.http.put(path, json={"publishTo": "Regions"}).json()) == ["RegionIds"]
    assert list(api.http.put(path, json={"publishTo": "Moon"}).json()) == ["PublishTo"]
    body = {"publishTo": "SpecificBrokers", "brokerIds": [str(uuid.uuid4())]}
    assert api.http.put(path, json=body).json()[0]["errorCode"] == 5


def test_seller_resellers_list_brokers_that_signed_a_service(demo_url: str) -> None:
    api = Api(demo_url)
    services = {s["name"]: s["id"] for s in api.get_json(f"{SELLER}/services")}
    signed = api.get_json(f"{SELLER}/services/{services['Google Workspace']}/resellers")
    assert [b["registrationNumber"] for b in signed] == ["5566778899"]
    assert api.get_json(f"{SELLER}/services/{services['Cloud PBX']}/resellers") == []
    resellers = api.get_json(f"{SELLER}/resellers")
    assert api.get_json(f"{SELLER}/resellers/{resellers[0]['id']}") == resellers[0]


def test_service_custom_properties_and_provisioning_type_round_trip(api: Api) -> None:
    prop = {
        "type": "Text",
        "propertyId": str(uuid.uuid4()),
        "name": "Tenant domain",
        "defaultValue": "example.com",
        "visible": True,
        "mandatory": True,
        "allowedValues": ["a", "b"],
        "appliesToOrganizations": True,
        "appliesToBrokers": False,
        "appliesToSeller": False,
    }
    service_id = api.new_service(
        "Props", provisioningType="Webhook", allowMultipleUsers=True, customProperties=[prop]
    )
    listed = api.get_json(f"{SELLER}/services")[0]
    assert listed["id"] == service_id
    assert (listed["customProperties"], listed["allowMultipleUsers"]) == ([prop], True)
    read = api.get_json(f"{SELLER}/services/{service_id}")
    assert read["customProperties"] == [prop]
    assert (read["provisioningType"], read["allowMultipleUsers"]) == ("Webhook", True)
    body = {"name": "Bad", "categoryIds": [api.category_id()], "provisioningType": "Fax"}
    assert list(api.http.post(f"{SELLER}/services", json=body).json()) == ["ProvisioningType"]


def test_product_periods_and_billing_frequencies(api: Api) -> None:
    service_id = api.new_service()
    path = f"{SELLER}/services/{service_id}/products"
    for period in (1, 12, 24, 36, 48, 60):
        for frequency in (1, 12):
            api.new_product(
                service_id,
                f"p{period}-{frequency}",
                subscriptionPeriodMonths=period,
                billingFrequencyMonths=frequency,
            )
    body = {"name": "P", "itemCode": "bad", "type": "Metered", "billingFrequencyMonths": 3}
    assert list(api.http.post(path, json=body).json()) == ["BillingFrequencyMonths"]


def test_addon_price_per_depends_on_the_product_type(api: Api) -> None:
    service_id = api.new_service()
    allowed = {
        "ProductBased": {"Subscription", "Quantity", "Selected"},
        "Metered": {"Metered"},
    }
    for product_type, accepted in allowed.items():
        product_id = api.new_product(service_id, product_type, type=product_type)
        path = f"{SELLER}/services/{service_id}/products/{product_id}/addons"
        for price_per in ("Subscription", "Quantity", "Selected", "Metered"):
            body = {"name": price_per, "itemCode": price_per, "pricePer": price_per}
            response = api.http.post(path, json=body)
            expected = 201 if price_per in accepted else 400
            assert response.status_code == expected, (product_type, price_per)


def test_publish_modes_keep_only_the_list_they_need(api: Api) -> None:
    service_id = api.new_service()
    region = api.get_json("/api/services/marketRegions")[0]["id"]
    path = f"{SELLER}/services/{service_id}/publish"
    for mode in ("AllBrokers", "SellerBrokers", "Regions", "None"):
        body = {"publishTo": mode, "regionIds": [region]}
        assert api.http.put(path, json=body).status_code == 204
        publish = api.get_json(f"{SELLER}/services/{service_id}")["publish"]
        assert publish["publishTo"] == mode
        assert publish["regionIds"] == ([region] if mode == "Regions" else [])


def test_phone_prefixes_are_digits_without_plus(api: Api) -> None:
    body = seed_001_broker()
    body["contact"]["cellPhonePrefix"] = "+372"
    response = api.http.post(f"{SELLER}/brokers", json=body)
    assert set(response.json()) == {"Contact.CellPhonePrefix", "Contact.CellPhone"}


def test_broker_e_mails_must_be_valid(api: Api) -> None:
    response = api.http.post(f"{SELLER}/brokers", json=seed_001_broker(supportEmail="nobody"))
    assert response.json() == {
        "SupportEmail": ["The SupportEmail field is not a valid e-mail address."]
    }


def test_malformed_json_gets_a_modelstate_400(api: Api) -> None:
    response = api.http.post(
        f"{SELLER}/services", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["$"]
