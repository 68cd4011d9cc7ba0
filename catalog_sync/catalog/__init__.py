"""The desired side: catalog files, read with positions, validated, merged and checked.

Public surface::

    load_catalog(path) -> LoadedCatalog     raises CatalogError carrying every Diagnostic
    LoadedCatalog(catalog, warnings, files, digest)
    catalog_digest(path) -> str             the digest of the files now, without parsing them
    Catalog(settings, services, brokers)    and the models below, frozen pydantic models
    catalog_json_schema() / render_json_schema()

Every model has ``.source`` (where its mapping starts) and ``.field_source(name)`` (where a
field's value is, by attribute or YAML name; falls back to ``.source``). Money is ``Decimal``.
The diagnostic codes are listed in docs/diagnostics.md and in :class:`Code`.
"""

from __future__ import annotations

from catalog_sync.catalog import models
from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.loader import (
    LoadedCatalog,
    catalog_digest,
    load_catalog,
    load_catalog_files,
)
from catalog_sync.catalog.models import *  # noqa: F403  (models.__all__ is the one list of them)
from catalog_sync.catalog.schema import catalog_json_schema, render_json_schema
from catalog_sync.catalog.sourced import UNKNOWN_LOCATION, SourcedModel

__all__ = [
    "UNKNOWN_LOCATION",
    "Code",
    "LoadedCatalog",
    "SourcedModel",
    "catalog_digest",
    "catalog_json_schema",
    "load_catalog",
    "load_catalog_files",
    "render_json_schema",
]
__all__ += models.__all__
