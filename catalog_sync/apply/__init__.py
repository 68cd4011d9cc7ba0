"""Applying a plan: make the live catalog match, exactly as reviewed, and prove it converged.

::

    report = await apply_plan(plan, client, target, ApplyOptions(force=False), listener)

The modules, in the order a run uses them: :mod:`~catalog_sync.apply.gate` (safety rails),
:mod:`~catalog_sync.apply.staleness` (is the plan still true?), :mod:`~catalog_sync.apply.bodies`
and :mod:`~catalog_sync.apply.operations` (one change, one API call),
:mod:`~catalog_sync.apply.scheduler` (dependency order, concurrency, skips),
:mod:`~catalog_sync.apply.journal` (what happened, durable as it happens),
:mod:`~catalog_sync.apply.verify` (re-read and compare), :mod:`~catalog_sync.apply.report`.
"""

from __future__ import annotations

from catalog_sync.apply.gate import check_safety
from catalog_sync.apply.interrupt import Interruption, Stage
from catalog_sync.apply.journal import JOURNAL_DIR, Journal, PreviousRun, last_run, read_journal
from catalog_sync.apply.listener import ApplyListener, Phase, SilentListener
from catalog_sync.apply.report import (
    ApplyReport,
    Mismatch,
    MismatchCause,
    OperationResult,
    Outcome,
)
from catalog_sync.apply.run import ApplyOptions, apply_plan, nothing_applied
from catalog_sync.apply.staleness import check_fresh

__all__ = [
    "JOURNAL_DIR",
    "ApplyListener",
    "ApplyOptions",
    "ApplyReport",
    "Interruption",
    "Journal",
    "Mismatch",
    "MismatchCause",
    "OperationResult",
    "Outcome",
    "Phase",
    "PreviousRun",
    "SilentListener",
    "Stage",
    "apply_plan",
    "check_fresh",
    "check_safety",
    "last_run",
    "nothing_applied",
    "read_journal",
]
