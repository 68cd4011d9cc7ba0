"""The JSON Schemas catalog-sync commits under schemas/, generated from its models."""

from __future__ import annotations

from typing import Final

from catalog_sync.catalog.schema import render_json_schema

__all__ = ["SCHEMA_DIR", "generated_schemas"]

SCHEMA_DIR: Final = "schemas"
"""Where the schemas are committed, relative to the repository root."""


def generated_schemas() -> dict[str, str]:
    """File name -> the text the committed file must have."""
    # Here, not at the top: validate (every commit) imports this module for SCHEMA_DIR and
    # needs no plan model (docs/contracts.md, "Start-up").
    from catalog_sync.plan.model import Plan

    return {
        "catalog.schema.json": render_json_schema(),
        # A plan is written, not edited: its schema documents the serialised form.
        "plan.schema.json": render_json_schema(
            Plan,
            title="catalog-sync plan file",
            mode="serialization",
            schema_id="urn:catalog-sync:schema:plan-file:v2",
        ),
    }
