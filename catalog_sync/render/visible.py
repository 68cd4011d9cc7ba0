"""Every text, Markdown and GitHub output shows what its characters are: an invisible
character (zero-width, soft hyphen, a bidi control such as the right-to-left override) or a
letter of another script posing as one of its word's (a Cyrillic "А" in "Аcme") is written as
an escape (``\\u200b``, ``\\u0410``), whether it came from the files or from the server
(catalog_sync/lookalike.py). JSON outputs keep the exact strings, JSON-escaped."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

from catalog_sync.lookalike import visible

__all__ = ["visible_output"]

P = ParamSpec("P")


def visible_output(render: Callable[P, str]) -> Callable[P, str]:
    """``render`` with what it returns made visible."""

    @functools.wraps(render)
    def shown(*args: P.args, **kwargs: P.kwargs) -> str:
        return visible(render(*args, **kwargs))

    return shown
