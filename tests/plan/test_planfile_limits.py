"""A saved plan is checked completely before apply's first request (defect 9)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.emulator import EmulatorConfig
from catalog_sync.errors import PlanFileError
from catalog_sync.graph import Kind
from catalog_sync.plan import planfile
from catalog_sync.plan.digest import sealed
from catalog_sync.plan.model import Action
from catalog_sync.plan.planfile import plan_json, write_plan
from tests.apply.plans import change, plan_of
from tests.apply.support import EXAMPLE, cli, served_http

GWS_STD = 'service["Google Workspace"].product["payg"].addon["gws-std"]'


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.chdir(tmp_path)
    with served_http(EmulatorConfig(seed="demo"), monkeypatch) as http:
        yield http


def _requests_after_plan(http: Any) -> int:
    return len(
        [e for e in http.get("/_emulator/requests").json() if e["path"] != "/_emulator/requests"]
    )


def test_a_plan_nested_100000_deep_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(
        '{"formatVersion": 4, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    result = cli("apply", str(tmp_path / "plan.json"))
    assert result.exit_code == 1
    assert "plan.json: not a plan file (nested too deep)" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("after", "abc", "price after: expected an amount, got 'abc'"),
        ("after", "12.5", "price after: '12.5' is not in its normal form"),
        ("path", "nonsense", "nonsense is not a field of an addon"),
    ],
)
def test_a_bad_value_in_a_sealed_plan_fails_before_any_request(
    served: Any, tmp_path: Path, field: str, value: object, expected: str
) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    plan_file = tmp_path / "plan.json"
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    change = next(c for c in data["changes"] if c["address"] == GWS_STD)
    change["fieldChanges"][0][field] = value
    plan_file.write_text(json.dumps(sealed(data), indent=2), encoding="utf-8")
    before = _requests_after_plan(served)

    result = cli("apply", "plan.json")

    assert result.exit_code == 1, result.output
    assert "the plan cannot be applied as it stands, nothing was applied" in result.stderr
    assert f"{GWS_STD}: {expected}" in result.stderr
    assert _requests_after_plan(served) == before
    assert not (tmp_path / ".catalog-sync" / "journal").exists()


def test_a_change_without_its_fingerprint_and_a_wrong_summary_are_refused_even_when_resealed(
    served: Any, tmp_path: Path
) -> None:
    assert cli("plan", str(EXAMPLE), "--out", "plan.json").exit_code == 0
    plan_file = tmp_path / "plan.json"
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    change = next(c for c in data["changes"] if c["address"] == GWS_STD)
    kept, change["fingerprint"] = change["fingerprint"], None
    plan_file.write_text(json.dumps(sealed(data), indent=2), encoding="utf-8")
    before = _requests_after_plan(served)

    result = cli("apply", "plan.json")

    assert result.exit_code == 1, result.output
    assert f"{GWS_STD}: an update needs the fingerprint of the live object" in result.stderr
    assert _requests_after_plan(served) == before

    change["fingerprint"] = kept
    data["summary"]["delete"] = 3
    plan_file.write_text(json.dumps(sealed(data), indent=2), encoding="utf-8")

    result = cli("apply", "plan.json")

    assert result.exit_code == 1, result.output
    assert "summary.delete is 3, but the plan has 0 delete change(s)" in result.stderr
    assert _requests_after_plan(served) == before


def test_a_fifo_plan_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    os.mkfifo(tmp_path / "plan.json")
    result = subprocess.run(
        [sys.executable, "-m", "catalog_sync", "apply", str(tmp_path / "plan.json")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "plan.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_out_refuses_a_plan_larger_than_apply_reads_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 24, item 14: one limit, checked before the file is written."""
    plan = plan_of(change('broker["1"]', Kind.BROKER, Action.CREATE))
    out = tmp_path / "plan.json"
    monkeypatch.setattr(planfile, "MAX_PLAN_FILE_BYTES", len(plan_json(plan)) - 1)
    with pytest.raises(PlanFileError) as refused:
        write_plan(plan, out)
    assert "not written" in str(refused.value)
    assert "apply and show would refuse it" in str(refused.value)
    assert "catalog-sync apply DIR" in str(refused.value)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(planfile, "MAX_PLAN_FILE_BYTES", len(plan_json(plan)))
    write_plan(plan, out)
    assert out.read_text(encoding="utf-8") == plan_json(plan)


@pytest.mark.parametrize("plant", ["world-writable", "link"])
def test_a_world_writable_or_linked_plan_file_is_refused(tmp_path: Path, plant: str) -> None:
    """Issue 24, items 5 and 18: anyone could have replaced the reviewed plan."""
    plan = plan_of(change('broker["1"]', Kind.BROKER, Action.CREATE))
    real = tmp_path / "real.json"
    write_plan(plan, real)
    given = tmp_path / "plan.json"
    if plant == "link":
        given.symlink_to(real)
    else:
        write_plan(plan, given)
        given.chmod(0o666)
    for command in ("apply", "show"):
        result = cli(command, str(given))
        assert result.exit_code == 1, result.output
        assert "plan.json: not a plan file: " in result.output
        assert "Traceback" not in result.output
    assert "refused" in result.output
