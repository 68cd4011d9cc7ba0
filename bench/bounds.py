"""What each case cannot beat: the fewest requests the API allows, the longest chain of
requests that must wait for one another (critical-path depth), and the wall-time lower bound
``L x (depth + ceil(requests / parallelism))`` with L the per-request latency measured in the
same run.

Minimums, per phase (a catalog of S services, P products per service, A addons per product,
B brokers):

- reading live state: 1 token + 4 lookups + brokers + services + one products list per live
  service + one addons list per live product; depth 4 (token, services, products, addons),
  fewer when a level is empty;
- a stale-plan check before writing: the parent lists of the objects the plan touches that
  exist before the apply (one round, depth 1);
- writes: one request per planned change (a service create and its publish are two); depth
  the longest parent-child chain among them (service, product, addon = 3);
- verification: the parent lists of the touched objects after the writes, depth the levels
  that have new parents (a new service's products list can only be read after its create).

These are the design's minimum (``docs/benchmarks.md``), not what catalog-sync does today.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "Minimum",
    "change_minimum",
    "create_minimum",
    "lower_bound",
    "plan_minimum",
    "sequential_minimum",
]

_LIST_READS = 6  # 4 lookups, brokers, services


@dataclass(frozen=True)
class Minimum:
    requests: int
    depth: int
    writes: int = 0

    def __add__(self, other: Minimum) -> Minimum:
        return Minimum(
            self.requests + other.requests, self.depth + other.depth, self.writes + other.writes
        )


def plan_minimum(services: int, products: int) -> Minimum:
    """A plan against a live catalog of ``services`` services holding ``products`` products."""
    depth = 2 + (services > 0) + (products > 0)
    return Minimum(1 + _LIST_READS + services + products, depth)


def create_minimum(services: int, products: int, addons: int, brokers: int) -> Minimum:
    """``apply`` of a whole catalog onto an empty seller (plan, check, write, verify)."""
    plan = plan_minimum(0, 0)
    check = Minimum(2, 1)  # the services and brokers lists, the only parents that exist
    writes = brokers + 2 * services + products + addons
    write = Minimum(writes, 1 + (products > 0) + (addons > 0), writes)
    verify = Minimum(2 + services + products, 1 + (services > 0) + (products > 0))
    return plan + check + write + verify


def change_minimum(services: int, products: int, writes: int, parents: int) -> Minimum:
    """``apply`` of ``writes`` addon updates or deletes under ``parents`` products, in a live
    catalog of ``services`` services holding ``products`` products: plan, then the parents'
    addon lists checked, the writes (independent of one another), the lists verified."""
    plan = plan_minimum(services, products)
    check = Minimum(parents, 1)
    write = Minimum(writes, 1, writes)
    verify = Minimum(parents, 1)
    return plan + check + write + verify


def sequential_minimum(writes: int, reads: int) -> Minimum:
    """A script doing ``writes`` one after another after ``reads`` set-up reads. At
    parallelism 1 ``ceil(requests / 1)`` already puts every request on the path, so the
    depth adds nothing (counting it too would double the bound)."""
    return Minimum(writes + reads, 0, writes)


def lower_bound(latency_seconds: float, minimum: Minimum, parallelism: int) -> float:
    return latency_seconds * (minimum.depth + math.ceil(minimum.requests / parallelism))
