"""'Did you mean ...?' hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic.alias_generators import to_camel

__all__ = ["did_you_mean"]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string when none is close."""
    options = list(choices)
    by_case = {option.lower(): option for option in options}
    # Case slips and snake_case spellings of camelCase keys are the commonest mistakes.
    for candidate in (by_case.get(word.lower()), by_case.get(to_camel(word).lower())):
        if candidate is not None and candidate != word:
            return f" (did you mean {candidate!r}?)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
