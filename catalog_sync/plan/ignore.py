"""Ignore rules (``settings.ignore``): fields plan and drift leave alone on matching objects.

An ignored field of an object that exists live takes the live value on the desired side, so
nothing is planned for it and an update's PUT keeps what the UI set. A create still writes
it: there is no live value to keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from catalog_sync.address_pattern import matches
from catalog_sync.graph import Resource
from catalog_sync.plan.model import IgnoreRule

__all__ = ["with_live_values"]


def with_live_values(wanted: Resource, current: Resource, rules: Iterable[IgnoreRule]) -> Resource:
    ignored = {
        name for rule in rules if matches(rule.address, wanted.address) for name in rule.fields
    }
    if not ignored & wanted.fields.keys():
        return wanted
    fields = {
        name: current.fields.get(name) if name in ignored else value
        for name, value in wanted.fields.items()
    }
    return replace(wanted, fields=fields)
