"""Apply derives the pricing policies again for the rows a plan writes: a plan object whose
safety list was emptied is refused all the same (docs/policies.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.apply import ApplyOptions, apply_plan, check_safety
from catalog_sync.errors import SafetyError
from catalog_sync.plan.build import target_of
from tests.apply.support import InProcess, copy_catalog, plan_with, writes_after

GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'
SETTINGS = (
    "settings:\n  thresholds:\n    maxUpdatePercent: 100\n    maxDeletePercent: 100\n"
    "  policies:\n    minMarginPercent: 25\n"
)


@pytest.mark.anyio
async def test_an_emptied_safety_list_still_meets_the_policies_of_the_rows_it_writes(
    tmp_path: Path,
) -> None:
    emulator = InProcess("demo")
    # The example raises gws-std to 12.00 over a cost of 9.60: a 20.0% margin.
    catalog = copy_catalog(tmp_path, settings=SETTINGS)
    journal_dir = tmp_path / "journal"
    async with emulator.client() as client:
        plan = await plan_with(client, emulator.settings, catalog)
        margins = [f for f in plan.safety if f.rule.value == "minMarginPercent"]
        assert GWS_STD in {f.addresses[0] for f in margins}
        stripped = plan.model_copy(update={"safety": ()})
        assert check_safety(stripped, force=False) == ()
        seq = emulator.requests()[-1]["seq"]
        with pytest.raises(SafetyError) as refused:
            await apply_plan(
                stripped,
                client,
                target_of(emulator.settings),
                ApplyOptions(journal_dir=journal_dir),
            )
    assert "rule minMarginPercent" in str(refused.value)
    assert f"{GWS_STD} (base currency): margin 20.0% (price 12.00, cost 9.60)" in str(refused.value)
    assert writes_after(emulator.requests(), seq) == []
    assert not journal_dir.exists()
