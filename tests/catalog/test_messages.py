"""Messages that say what is wrong (defect 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.apply import ApplyOptions, apply_plan
from catalog_sync.errors import StalePlanError
from catalog_sync.graph import Kind
from catalog_sync.plan.build import target_of
from catalog_sync.plan.model import Action, FieldChange, Target
from tests.apply.plans import change, plan_of
from tests.apply.support import InProcess, cli

_NAMED = (FieldChange(path="name", before=None, after="B"),)
PRODUCT = (
    "services:\n  - name: S\n    products:\n      - name: P\n        itemCode: p\n"
    "        type: ProductBased\n        minQuantity: {value}\n"
)


def _validate(tmp_path: Path, value: str) -> str:
    (tmp_path / "catalog.yaml").write_text(PRODUCT.format(value=value))
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result.output


def test_a_5000_digit_integer_is_too_large(tmp_path: Path) -> None:
    output = _validate(tmp_path, "1" * 5000)
    assert "'minQuantity' is too large: 5,000 digits" in output
    assert "not a number" not in output


def test_quotes_are_blamed_only_around_a_number(tmp_path: Path) -> None:
    assert "remove the quotes" not in _validate(tmp_path, '"twelve"')
    assert "remove the quotes" in _validate(tmp_path, '"12"')


@pytest.mark.anyio
async def test_another_target_is_not_called_a_stale_plan(journal_dir: Path) -> None:
    emulator = InProcess("empty")
    elsewhere = Target(api_url="http://elsewhere.test", seller_id=emulator.settings.seller_id)
    plan = plan_of(
        change('broker["1"]', Kind.BROKER, Action.CREATE, field_changes=_NAMED), target=elsewhere
    )
    async with emulator.client() as client:
        with pytest.raises(StalePlanError) as refused:
            await apply_plan(
                plan, client, target_of(emulator.settings), ApplyOptions(journal_dir=journal_dir)
            )
    message = str(refused.value)
    assert message.startswith("the plan cannot be applied here: it was made for another target")
    assert "stale" not in message
    assert "target: the plan was made against http://elsewhere.test" in message


@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    return tmp_path / "journal"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


SERVICE = (
    "  - name: {name}\n    vendorName: V\n    categories: [Productivity]\n"
    "    provisioningType: Email\n"
)


@pytest.mark.parametrize(
    ("first", "second", "code", "shown"),
    [
        ("Cloud PBX", "Cloud  PBX", "CS324", "'Cloud  PBX'"),
        ("Café", "Cafe\u0301", "CS324", "'Cafe\u0301'"),
        ("Cloud PBX", "Cloud\u200bPBX", "CS325", "'Cloud\\u200bPBX'"),
        ("Cloud PBX", "Cloud PBX\u00ad", "CS325", "'Cloud PBX\\u00ad'"),
        ("Cloud PBX", "Cloud \u202eXBP", "CS325", "'Cloud \\u202eXBP'"),
        ("Acme", "\u0410cme", "CS327", "'\\u0410cme'"),
        ("Acme", "\u0410cme", "CS324", "looks like 'Acme'"),
    ],
    ids=[
        "whitespace",
        "normal form",
        "zero-width",
        "soft hyphen",
        "right-to-left override",
        "mixed scripts",
        "look-alike of another script",
    ],
)
def test_names_that_only_look_alike_are_errors_shown_escaped(
    tmp_path: Path, first: str, second: str, code: str, shown: str
) -> None:
    """Look-alike and invisible characters in a natural key make a second object: errors
    since issue 24 (item 18), warnings before; the key is shown escaped."""
    services = "".join(SERVICE.format(name=f'"{name}"') for name in (first, second))
    (tmp_path / "catalog.yaml").write_text("services:\n" + services, encoding="utf-8")
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert f"{code} error" in result.output
    assert shown in result.output
    for hidden in ("\u200b", "\u00ad", "\u202e", "\u0410"):
        assert hidden not in result.output


def test_a_name_wholly_in_another_script_or_with_words_in_two_is_fine(tmp_path: Path) -> None:
    services = "".join(
        SERVICE.format(name=f'"{name}"') for name in ("Облако", "Office 365 Бизнес", "Café")
    )
    (tmp_path / "catalog.yaml").write_text("services:\n" + services, encoding="utf-8")
    result = cli("validate", "--strict", str(tmp_path))
    assert result.exit_code == 0, result.output


def test_an_item_code_with_a_greek_letter_among_latin_ones_is_refused(tmp_path: Path) -> None:
    product = (
        '    products:\n      - name: P\n        itemCode: "p\u03bfrtal"\n'
        "        type: ProductBased\n"
    )
    (tmp_path / "catalog.yaml").write_text(
        "services:\n" + SERVICE.format(name="S") + product, encoding="utf-8"
    )
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "CS327 error" in result.output
    assert (
        "product itemCode 'p\\u03bfrtal' mixes scripts: \\u03bf (GREEK SMALL LETTER OMICRON)"
        in (result.output)
    )
