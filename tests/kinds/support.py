"""Helpers for tests that change what the contract says (docs/contracts.md, "The contract")."""

from __future__ import annotations

import dataclasses

import pytest

from catalog_sync.kinds import KINDS, LIST_VIEWS


def whole_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every list item the whole object, for the client and the emulator alike: the day the
    real API proves to serve them so (one edit per kind module)."""
    for kind, spec in list(KINDS.items()):
        if spec.contract is None:
            continue
        fields = tuple(dataclasses.replace(f, in_list=True) for f in spec.contract.fields)
        contract = dataclasses.replace(spec.contract, fields=fields)
        monkeypatch.setitem(KINDS, kind, dataclasses.replace(spec, contract=contract))
        if spec.lists:
            monkeypatch.setitem(LIST_VIEWS, spec.read_model, None)
