import re

from catalog_sync.catalog import Code
from tests.catalog.files import REPO


def test_every_code_is_documented_once_and_nothing_else_is() -> None:
    table = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| (CS\d{3}) \|", table, flags=re.MULTILINE)
    assert sorted(documented) == sorted(code.value for code in Code)
    assert len(set(documented)) == len(documented)


def test_codes_are_unique_and_grouped_by_hundreds() -> None:
    values = [code.value for code in Code]
    assert len(set(values)) == len(values)
    for code in Code:
        group = {"CS1": "file", "CS2": "schema", "CS3": "check", "CS4": "live"}[code.value[:3]]
        assert group


def test_the_tables_and_the_enum_list_codes_in_order() -> None:
    table = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| (CS\d{3}) \|", table, flags=re.MULTILINE)
    assert documented == sorted(documented)
    for section in re.split(r"^## ", table, flags=re.MULTILINE)[1:]:
        heading = section.split("\n", 1)[0]  # "CS3xx: semantic checks"
        for code in re.findall(r"^\| (CS\d{3}) \|", section, flags=re.MULTILINE):
            assert heading.startswith(code[:3]), (code, heading)
    values = [code.value for code in Code]
    assert values == sorted(values)
