"""The pull-request comment of `plan --baseline` (issue 23): the pull request's own price
changes apart from those already pending, the base currency named, names beside codes, a row
that breaches a policy flagged, a retired item's last prices, items in natural order, the
first prices in a currency (enabled in Cloudmore first) as an update of its price list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx

from tests.golden import assert_golden
from tests.workflow_support import demo_url, replace_once, run, set_addon_price

__all__ = ["demo_url"]

NEW_ADDONS = """\
          - name: Extension pack 43
            itemCode: ext-43
            price: "43.00"
            cost: "30.00"
            pricePer: Quantity
          - name: Extension pack 5
            itemCode: ext-5
            price: "5.00"
            cost: "3.00"
            pricePer: Quantity
"""


def _pull_request(url: str, tmp_path: Path) -> tuple[Path, Path]:
    """The base branch (the live catalog exported) and a pull request that declares the base
    currency and a price-change policy, turns prune on, raises a price past the policy,
    removes an addon, adds two, and gives an addon its first SEK prices; meanwhile someone
    edited a price in Cloudmore, which both branches plan to undo. SEK is enabled on Google
    Workspace beforehand, as Cloudmore's UI does (catalog-sync never enables a currency)."""
    services = httpx.get(f"{url}/_emulator/state").json()["services"]
    gws = next(s["id"] for s in services if s["name"] == "Google Workspace")
    httpx.put(f"{url}/_emulator/services/{gws}/currencies/SEK").raise_for_status()
    base = tmp_path / "base"
    assert run("export", "--out", str(base)).exit_code == 0
    head = tmp_path / "head"
    shutil.copytree(base, head)
    replace_once(
        head / "catalog.yaml",
        "  prune: false\n",
        "  prune: true\n  currency: EUR\n  policies:\n    maxPriceChangePercent: 15\n",
    )
    pbx = head / "services" / "cloud-pbx.yaml"
    replace_once(
        pbx,
        'itemCode: pbx-recording\n            price: "2.00"',
        'itemCode: pbx-recording\n            price: "2.40"',
    )
    text = pbx.read_text(encoding="utf-8")
    queue = text.index("          - name: Contact-centre queue\n")
    end = text.index("          - name: Call recording\n")
    pbx.write_text(text[:queue] + NEW_ADDONS + text[end:], encoding="utf-8")
    replace_once(
        head / "services" / "google-workspace.yaml",
        'recommendedPrice: "12.00"\n            pricePer: Metered',
        'recommendedPrice: "12.00"\n            pricePer: Metered\n'
        '            prices:\n              SEK: {price: "110", cost: "88"}',
    )
    set_addon_price(url, "Google Workspace", "annual", "gws-vault", "6.25")
    return base, head


def test_the_pull_request_comment_matches_its_golden_file(demo_url: str, tmp_path: Path) -> None:
    base, head = _pull_request(demo_url, tmp_path)
    result = run("plan", str(head), "--baseline", str(base), "--format", "markdown")
    assert result.exit_code == 0, result.output
    shown = result.stdout.replace(demo_url, "http://emulator.test").replace(
        tmp_path.as_posix(), "TMP"
    )
    assert_golden("plan/baseline_comment.md", shown)

    own, pending = shown.split("> [!WARNING]", 1)
    assert "### Prices: service Cloud PBX" in own
    assert "#### Pre-existing prices: service Google Workspace" in pending
    assert "gws-vault" not in own.split("### Prices", 1)[1]
    assert "| `pbx-user/pbx-recording` | Call recording | EUR | price | 2.00 → 2.40 |" in own
    assert "**⚠ maxPriceChangePercent**" in own
    retired = (
        "| `pbx-user/pbx-queue` | Contact\\-centre queue | EUR | price | 15.00 → — | retired |"
    )
    assert retired in own
    assert own.index("`pbx-user/ext-5`") < own.index("`pbx-user/ext-43`")
    assert "default" not in shown
    assert "\\`" not in shown  # the caution block's code is code, not escaped backticks


def test_totals_count_the_pull_requests_own_changes_and_the_text_plan_marks_the_rest(
    demo_url: str, tmp_path: Path
) -> None:
    base, head = _pull_request(demo_url, tmp_path)
    plan = json.loads(run("plan", str(head), "--baseline", str(base), "--format", "json").stdout)
    introduced = {k: v for k, v in plan["summary"]["introducedClasses"].items() if v}
    assert introduced == {
        "price-increase": 1,
        "new-sku": 2,
        "new-price-list": 1,
        "retire": 1,
    }
    assert plan["summary"]["classes"]["price-decrease"] == 1  # gws-vault back to 5.00
    (sek,) = [c for c in plan["changes"] if c["address"].endswith('.pricelist["SEK"]')]
    assert sek["classes"] == ["new-price-list"]

    text = run("plan", str(head), "--baseline", str(base)).stdout
    assert "Changes by class (this pull request's own; pre-existing ones left out): " in text
    assert "Pre-existing prices: service Google Workspace" in text
    vault = 'service["Google Workspace"].product["annual"].addon["gws-vault"]'
    assert f"  # {vault} (Google Vault) will be updated (pre-existing)" in text
