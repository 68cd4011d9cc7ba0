"""Natural keys that look alike: the same to a reader, different to Cloudmore (defect 10).

Two service names that differ only in whitespace, Unicode normal form (``é`` composed or
decomposed) or an invisible character (a zero-width space) read as one name in every review
and are two objects to the API; a key holding an invisible character cannot be typed again.
Both are warnings (docs/diagnostics.md, CS324 and CS325), and such names are shown escaped so
that the invisible part can be seen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from catalog_sync.catalog.codes import Code
from catalog_sync.catalog.sourced import SourcedModel
from catalog_sync.diagnostics import Diagnostic, Severity

__all__ = ["lookalike_keys", "shown"]

_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def shown(text: str) -> str:
    """``text`` quoted, with invisible and non-printing characters as escapes."""
    escaped = "".join(
        c if c.isprintable() and not _INVISIBLE.match(c) else f"\\u{ord(c):04x}" for c in text
    )
    return f"'{escaped}'"


def _reading(text: str) -> str:
    """What a reader sees: normal form, no invisible characters, whitespace collapsed."""
    visible = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(visible.split()).casefold()


def lookalike_keys(
    models: Iterable[SourcedModel], attribute: str, what: str
) -> Iterator[Diagnostic]:
    first: dict[str, tuple[SourcedModel, str]] = {}
    for model in models:
        key = getattr(model, attribute)
        if not isinstance(key, str):
            continue
        if _INVISIBLE.search(key):
            yield Diagnostic(
                model.field_source(attribute),
                Code.INVISIBLE_CHARACTER,
                Severity.WARNING,
                f"{what} {shown(key)} holds an invisible character: remove it",
            )
        reading = _reading(key)
        earlier = first.get(reading)
        if earlier is None:
            first[reading] = (model, key)
        elif earlier[1].casefold() != key.casefold():
            yield Diagnostic(
                model.field_source(attribute),
                Code.LOOKALIKE_KEY,
                Severity.WARNING,
                f"{what} {shown(key)} looks like {shown(earlier[1])} (at "
                f"{earlier[0].field_source(attribute)}): they differ only in whitespace, "
                "Unicode form or invisible characters, yet Cloudmore sees two objects",
            )
