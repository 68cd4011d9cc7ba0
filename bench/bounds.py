"""What each case cannot beat: the fewest requests the API allows, the longest chain of
requests that must wait for one another (critical-path depth), and the wall-time lower bound
``L x (depth + ceil(requests / parallelism))`` with L the per-request latency measured in the
same run.

Minimums, per phase (a catalog of S services, P products per service, A addons per product,
B brokers):

- reading live state (plan): 1 token + 5 lookups (categories, regions, countries, e-mail
  templates, custom properties) + the brokers list + B broker details + the services list
  + S products lists + P product details + P addons lists + the webhooks list, once at the
  seller root when there is a service: a detail read for each object whose list item is a
  summary, as each kind's contract says (``catalog_sync/kinds``: brokers and products; a
  service list item is the whole service, docs/contracts.md); depth 4 (token, services,
  products, addons), fewer when a level is empty;
- applying, a session of its own (as ``apply plan.json`` is, the plan perhaps reviewed long
  before): 1 token, on the critical path; none when the plan has no changes;
- the stale-plan check before writing: what the plan touches (apply's scoped read,
  ``catalog_sync/live/scope.py``): each touched object through the lists above it and,
  where its list is a summary, its detail; the parent list of each create (onto an empty
  seller: the services and brokers lists only); the lookups only when a touched object read
  whole names one (an addon names none);
- writes: one request per planned change (a service create and its publish are two, unless
  the service is to stay unpublished, as a new one already is); depth the longest
  parent-child chain among them (service, product, addon = 3); an update (and an enable or a
  publish) of an existing object re-reads it right before its PUT (its detail; a delete with
  children re-lists them), one more request on its path (docs/contracts.md, "Edits during
  apply");
- verification: the same reads after the writes, the created objects included and whole
  (each through its parent's list, so a new service's products list waits for its create),
  and no lookup (the plan's names and the check's tables decode what was written).

These are the design's minimum (``docs/benchmarks.md``); ``tests/apply/test_scoped_reads.py``
holds apply's reads to them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from catalog_sync.graph import Kind
from catalog_sync.kinds import KINDS

__all__ = [
    "Minimum",
    "change_minimum",
    "create_minimum",
    "lower_bound",
    "plan_minimum",
    "sequential_minimum",
]

_LIST_READS = 7  # 5 lookups, brokers, services


def _detail(kind: Kind) -> int:
    """1 when an object of ``kind`` is read by id after its list: its contract's list item
    leaves out a field the plan reads (catalog_sync/kinds)."""
    return 1 if KINDS[kind].reads_details() else 0


@dataclass(frozen=True)
class Minimum:
    requests: int
    depth: int
    writes: int = 0

    def __add__(self, other: Minimum) -> Minimum:
        return Minimum(
            self.requests + other.requests, self.depth + other.depth, self.writes + other.writes
        )


def plan_minimum(services: int, products: int, brokers: int = 0) -> Minimum:
    """A plan against a live catalog of ``services`` services holding ``products`` products,
    and ``brokers`` brokers: every list, and the detail of each object whose list item is a
    summary (products and brokers, per their contracts), and the webhooks' one list for every
    service."""
    depth = 2 + (services > 0 or brokers > 0) + (products > 0)
    details = brokers * _detail(Kind.BROKER) + services * _detail(Kind.SERVICE)
    details += products * _detail(Kind.PRODUCT)
    webhooks = services > 0
    return Minimum(1 + _LIST_READS + details + services + products + webhooks, depth)


def _session(writes: int) -> Minimum:
    """The apply's own token, when there is anything to apply."""
    return Minimum(1, 1) if writes else Minimum(0, 0)


def create_minimum(
    services: int,
    products: int,
    addons: int,
    brokers: int,
    *,
    publishes: int | None = None,
    webhooks: int = 0,
) -> Minimum:
    """``apply`` of a whole catalog onto an empty seller (plan, token, check, write, verify);
    ``publishes``: how many services get a publish write, those not to stay unpublished
    (default: every one)."""
    plan = plan_minimum(0, 0)
    check = Minimum(2, 1)  # the services and brokers lists, the only parents that exist
    writes = brokers + services + (services if publishes is None else publishes)
    writes += products + addons + webhooks
    write = Minimum(writes, 1 + (products > 0) + (addons > 0), writes)
    # Both top-level lists, each created object whole (its detail where its list item is a
    # summary: brokers and products), the lists below each created parent, and the webhooks'
    # one list at the root.
    details = brokers * _detail(Kind.BROKER) + services * _detail(Kind.SERVICE)
    details += products * _detail(Kind.PRODUCT)
    verify = Minimum(
        2 + details + services + products + (webhooks > 0),
        1 + (services > 0) + (products > 0),
    )
    return plan + _session(writes) + check + write + verify


def change_minimum(
    services: int,
    products: int,
    writes: int,
    parents: int,
    *,
    brokers: int = 0,
    parent_services: int | None = None,
    updates: bool = False,
) -> Minimum:
    """``apply`` of ``writes`` addon updates or deletes under ``parents`` products of
    ``parent_services`` services (default: every service), in a live catalog of ``services``
    services holding ``products`` products and ``brokers`` brokers: plan, then the addons
    checked through the lists above them (the services list, the parents' services' products
    lists, the parents' addons lists; no lookups and no details: addon lists are whole), the
    writes (independent of one another; with ``updates``, each PUT after its addon's re-read,
    docs/contracts.md, "Edits during apply"), the same lists verified; a session token first
    when there is anything to write."""
    plan = plan_minimum(services, products, brokers)
    above = services if parent_services is None else parent_services
    reads = (1 + above + parents) if parents else 0
    depth = 3 if parents else 0
    check = Minimum(reads, depth)
    write = Minimum(writes, 1 if writes else 0, writes)
    if updates and writes:
        write += Minimum(writes, 1)
    verify = Minimum(reads, depth)
    return plan + _session(writes) + check + write + verify


def sequential_minimum(writes: int, reads: int) -> Minimum:
    """A script doing ``writes`` one after another after ``reads`` set-up reads. At
    parallelism 1 ``ceil(requests / 1)`` already puts every request on the path, so the
    depth adds nothing (counting it too would double the bound)."""
    return Minimum(writes + reads, 0, writes)


def lower_bound(latency_seconds: float, minimum: Minimum, parallelism: int) -> float:
    return latency_seconds * (minimum.depth + math.ceil(minimum.requests / parallelism))
