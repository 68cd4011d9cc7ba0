"""Which target each catalog of a repository is (docs/broker.md, "Several catalogs in one
repository"): the workflow's matrix names each catalog's credentials by a prefix of its
variables and secrets (``CLOUDMORE`` by default: ``CLOUDMORE_SELLER_ID``,
``CLOUDMORE_PASSWORD``; ``ACME``: ``ACME_SELLER_ID``, ...), never the files."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

from catalog_sync.apply.lock import target_key
from catalog_sync.cloudmore import load_settings
from catalog_sync.errors import ConfigError
from catalog_sync.kinds import Side
from catalog_sync.plan.build import target_of

__all__ = ["DEFAULT_PREFIX", "artifact_name", "catalog_target"]

DEFAULT_PREFIX = "CLOUDMORE"
_TARGET_VARIABLES = ("API_URL", "ENVIRONMENT", "SELLER_ID", "RESELLER_ID")


def _json(env: Mapping[str, str], name: str) -> dict[str, object]:
    raw = env.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{name} must be a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a JSON object, got {type(value).__name__}")
    return value


def catalog_target(catalog: str, side: Side, env: Mapping[str, str]) -> dict[str, str]:
    """``{"credentials": PREFIX, "key": TARGET_KEY, "name": NAME}`` for ``catalog``: its
    prefix from the ``CATALOG_SYNC_CREDENTIALS`` mapping (catalog path -> prefix), its target
    from the prefixed variables in ``CATALOG_SYNC_VARIABLES`` (a workflow's ``toJSON(vars)``),
    and :func:`artifact_name`."""
    prefixes = _json(env, "CATALOG_SYNC_CREDENTIALS")
    prefix = prefixes.get(catalog, DEFAULT_PREFIX)
    if not isinstance(prefix, str) or not prefix:
        raise ConfigError(f"CATALOG_SYNC_CREDENTIALS: {catalog}: the prefix must be text")
    variables = _json(env, "CATALOG_SYNC_VARIABLES")
    target_env = {
        f"CLOUDMORE_{name}": str(variables.get(f"{prefix}_{name}") or "")
        for name in _TARGET_VARIABLES
    }
    try:
        settings = load_settings(env={**target_env, "CI": "true"}, credentials=False)
        key = target_key(target_of(settings.for_side(side)))
    except ConfigError as error:
        raise ConfigError(f"{catalog} (credentials {prefix}): {error}") from None
    return {"credentials": prefix, "key": key, "name": artifact_name(catalog)}


def artifact_name(catalog: str) -> str:
    """The catalog's name in its workflow artifacts (``catalog-plan-NAME``): its path with
    what an artifact name may not hold (``/``, ``:``, ...) made ``-``, and a short digest of
    the path, so two paths that read alike stay two names."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", catalog).strip("-") or "catalog"
    return f"{readable}-{hashlib.sha256(catalog.encode()).hexdigest()[:8]}"
