"""The apply report as JSON for tools: the report's fields plus ``ok`` and ``counts``."""

from __future__ import annotations

import json
from typing import Any

from catalog_sync.apply.report import ApplyReport

__all__ = ["render_json"]


def render_json(report: ApplyReport) -> str:
    data: dict[str, Any] = {
        "ok": report.ok,
        "counts": {outcome.value: count for outcome, count in report.counts.items()},
        **report.model_dump(mode="json", by_alias=True),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
