"""Write small catalogs for tests, and find the repository's own files."""

from __future__ import annotations

import textwrap
from pathlib import Path

from catalog_sync.diagnostics import Diagnostic

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "catalogs" / "example"

SERVICE = """\
services:
  - name: Service A
    categories: [Security]
    products:
      - name: Product A
        itemCode: pa
        type: ProductBased
        addons:
          - name: Addon A
            itemCode: aa
            pricePer: Quantity
"""

BROKER = """\
brokers:
  - name: Broker AB
    registrationNumber: "5566778899"
    domain: broker.example.com
    notificationEmail: n@broker.example.com
    supportEmail: s@broker.example.com
    contact:
      name: Anna
      jobTitle: Admin
      email: anna@broker.example.com
      phonePrefix: "46"
      phone: "701234567"
      cellPhonePrefix: "46"
      cellPhone: "701234568"
    address:
      countryCode: SE
"""


def write_catalog(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> YAML, dedented) under ``root``; return ``root``."""
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def codes(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


def where(diagnostic: Diagnostic) -> tuple[str, int, int]:
    return (Path(diagnostic.file).name, diagnostic.line, diagnostic.column)
