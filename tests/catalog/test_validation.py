"""Schema problems: each pydantic error becomes a diagnostic at the right place, with a hint."""

from pathlib import Path

import pytest

from catalog_sync.catalog import load_catalog
from catalog_sync.diagnostics import Diagnostic
from catalog_sync.errors import CatalogError
from tests.catalog.files import BROKER, SERVICE, write_catalog


def _problems(tmp_path: Path, text: str) -> list[Diagnostic]:
    write_catalog(tmp_path, {"a.yaml": text})
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    return list(caught.value.diagnostics)


def _one(tmp_path: Path, text: str) -> Diagnostic:
    problems = _problems(tmp_path, text)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("1.10", "a decimal number"),
        ("7", "a number"),
        ("2024-01-02", "a date"),
        ("true", "a boolean"),
    ],
)
def test_a_scalar_where_text_is_expected_says_quote_it(
    tmp_path: Path, value: str, kind: str
) -> None:
    found = _one(tmp_path, SERVICE.replace("name: Addon A", f"name: {value}"))
    assert found.code == "CS203"
    assert (found.line, found.column) == (9, 19)
    assert (
        found.message
        == f"'name' must be a string, not {kind}: quote it (\"{value}\") to keep it text"
    )


def test_a_string_where_a_boolean_is_expected_says_true_or_false(tmp_path: Path) -> None:
    found = _one(
        tmp_path,
        SERVICE.replace("pricePer: Quantity", "enableGrouping: yes\n            groupName: g"),
    )
    assert found.code == "CS203"
    assert "write true or false" in found.message


def test_quoted_numbers_where_whole_numbers_are_expected(tmp_path: Path) -> None:
    found = _one(
        tmp_path,
        SERVICE.replace("type: ProductBased", 'type: ProductBased\n        minQuantity: "5"'),
    )
    assert found.code == "CS203"
    assert found.message == "'minQuantity' must be a whole number, not text: remove the quotes"


def test_unknown_fields_suggest_the_closest_known_one(tmp_path: Path) -> None:
    found = _one(tmp_path, SERVICE.replace("pricePer:", "pricePr:"))
    assert (found.code, found.line, found.column) == ("CS202", 11, 13)
    assert found.message == "unknown field 'pricePr' (did you mean 'pricePer'?)"
    snake = _one(tmp_path, SERVICE.replace("itemCode: aa", "itemCode: aa\n            item_cod: x"))
    assert "did you mean 'itemCode'?" in snake.message


def test_unknown_top_level_keys_are_reported(tmp_path: Path) -> None:
    found = _one(tmp_path, SERVICE + "service: []\n")
    assert found.code == "CS202"
    assert "did you mean 'services'?" in found.message


def test_invalid_choices_suggest_the_right_spelling(tmp_path: Path) -> None:
    found = _one(tmp_path, SERVICE.replace("pricePer: Quantity", "pricePer: quantity"))
    assert found.code == "CS204"
    assert "(did you mean 'Quantity'?)" in found.message
    assert (found.line, found.column) == (11, 23)


def test_missing_required_fields_point_at_the_object(tmp_path: Path) -> None:
    found = _one(tmp_path, SERVICE.replace("        type: ProductBased\n", ""))
    assert (found.code, found.line, found.column) == ("CS201", 5, 9)
    assert found.message == "missing required field 'type'"


def test_format_problems_have_their_own_codes(tmp_path: Path) -> None:
    text = (
        BROKER.replace("countryCode: SE", "countryCode: se")
        .replace('phonePrefix: "46"', 'phonePrefix: "+46"', 1)
        .replace("supportEmail: s@broker.example.com", "supportEmail: nobody")
        .replace("domain: broker.example.com", "domain: not a domain")
    )
    problems = _problems(tmp_path, text + '    id: "ABC"\n')
    assert [(p.code, p.line, p.column) for p in problems] == [
        ("CS210", 4, 13),
        ("CS207", 6, 19),
        ("CS209", 11, 20),
        ("CS208", 16, 20),
        ("CS211", 17, 9),
    ]
    country = next(p for p in problems if p.code == "CS208")
    assert "(codes are upper case)" in country.message


def test_money_with_too_many_places_is_an_error(tmp_path: Path) -> None:
    found = _one(
        tmp_path,
        SERVICE.replace("pricePer: Quantity", 'pricePer: Quantity\n            price: "1.00005"'),
    )
    assert found.code == "CS206"
    assert "more than 4 decimal places" in found.message


def test_ranges_and_lengths(tmp_path: Path) -> None:
    found = _one(tmp_path, SERVICE.replace("categories: [Security]", "categories: []"))
    assert found.code == "CS205"
    assert found.message.startswith("categories:")


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    found = _one(tmp_path, "- just\n- a list\n")
    assert (found.code, found.line) == ("CS203", 1)
    assert "must be a mapping" in found.message


def test_checks_still_run_next_to_a_broken_object(tmp_path: Path) -> None:
    text = SERVICE + SERVICE.replace("services:\n", "").replace(
        "categories: [Security]", "categories: 5"
    )
    problems = _problems(tmp_path, text)
    assert [p.code for p in problems] == ["CS203"]
    text = SERVICE + SERVICE.replace("services:\n", "") + "  - name: Service A\n    colour: x\n"
    problems = _problems(tmp_path, text)
    assert sorted(p.code for p in problems) == ["CS201", "CS202", "CS301"]
