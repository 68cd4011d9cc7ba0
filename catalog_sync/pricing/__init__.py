"""Pricing as a first-class concern: price rows, policies, change classes (docs/policies.md).

The core is a price row: the money fields (price, cost, recommendedPrice) of one item in one
currency, wherever the kind registry says they sit (``KindSpec.price_cell``): a product's or
an addon's own fields are its row of the base currency (settings.currency). The modules are
imported by name (``catalog_sync.pricing.rows`` and so on): the plan model uses
:mod:`.model`, and the evaluating modules use the plan model.
"""

from __future__ import annotations

__all__: list[str] = []
