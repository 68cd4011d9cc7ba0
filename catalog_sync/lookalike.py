"""Text that reads as something it is not: invisible characters and mixed-script confusables.

A zero-width space, a soft hyphen or a right-to-left override changes a name without showing;
a Cyrillic "А" among Latin letters looks like "A" (NFKC does not fold it). In a natural key
either makes a look-alike second object, so the catalog checks refuse them
(docs/diagnostics.md, CS324, CS325, CS327), and every text and Markdown output shows such
characters as escapes (:func:`visible`), wherever the text came from.

Which characters are confusable with which is Unicode's confusables data (UTS #39), read
through the ``confusable_homoglyphs`` package, loaded only when a text is not ASCII.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

__all__ = ["Confusable", "confusables_in", "escape", "invisible_in", "reading", "visible"]

# Beside the format characters (category Cf: soft hyphen, zero-width, bidi controls, BOM,
# tags), these show nothing: the combining grapheme joiner, Hangul fillers, the variation
# selectors and the blank Braille pattern.
_BLANK = re.compile(
    "[\u034f\u115f\u1160\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)
# Scripts every script's text uses: digits, punctuation, combining marks.
_SHARED_SCRIPTS = frozenset({"COMMON", "INHERITED"})


def _is_invisible(character: str) -> bool:
    return unicodedata.category(character) == "Cf" or _BLANK.match(character) is not None


def escape(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def invisible_in(text: str) -> list[str]:
    """The invisible characters of ``text``, in order, once each."""
    if text.isascii():
        return []
    return list(dict.fromkeys(c for c in text if _is_invisible(c)))


class Confusable(NamedTuple):
    """A character of a minority script in a mixed-script text, and the character of the
    text's main script it looks like."""

    character: str
    looks_like: str


def confusables_in(text: str) -> list[Confusable]:
    """The characters of ``text`` that are confusable with a letter of their word's main
    script (the one most of its letters are in) while being of another: ``"Аcme"`` (Cyrillic
    "А") gives ``А``, which looks like ``A``. A word in one script gives none, so a name
    with words in two scripts (``Office 365 Бизнес``) is fine."""
    if text.isascii():
        return []
    found: dict[str, Confusable] = {}
    for word in _WORD.findall(text):
        for confusable in _mixed(word):
            found.setdefault(confusable.character, confusable)
    return list(found.values())


def _mixed(word: str) -> list[Confusable]:
    alias = _script_of()
    scripts = Counter(alias(c) for c in word if alias(c) not in _SHARED_SCRIPTS)
    if len(scripts) < 2:
        return []
    data = _confusables_data()
    # Ties go to Latin, the script of the catalog's own vocabulary.
    main = max(scripts, key=lambda script: (scripts[script], script == "LATIN"))
    found: dict[str, Confusable] = {}
    for character in word:
        if character in found or alias(character) in _SHARED_SCRIPTS | {main}:
            continue
        for glyph in data.get(character, ()):
            if len(glyph["c"]) == 1 and alias(glyph["c"]) == main:
                found[character] = Confusable(character, glyph["c"])
                break
    return list(found.values())


def reading(text: str) -> str:
    """What a reader takes ``text`` for: normal form, no invisible characters, whitespace
    collapsed, case folded, and each non-ASCII character that looks like an ASCII one as that
    one (``Аcme`` reads as ``acme``). ASCII stays as it is: ``l`` and ``1`` are two keys."""
    shown = "".join(c for c in unicodedata.normalize("NFKC", text) if not _is_invisible(c))
    folded = " ".join(shown.split()).casefold()
    if folded.isascii():
        return folded
    return "".join(_ascii_twin(c) for c in folded)


def visible(text: str) -> str:
    """``text`` with every invisible character, and every mixed-script confusable of a word,
    as an escape (``\\u200b``); the rest as it is. Line breaks and ANSI colours are kept."""
    if text.isascii():
        return text
    text = _NON_ASCII.sub(_visible_character, text)
    return _WORD.sub(_visible_word, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _visible_character(found: re.Match[str]) -> str:
    character = found.group(0)
    return escape(character) if _is_invisible(character) else character


# A word: what lies between spaces and the punctuation plans put around names, holding at
# least one non-ASCII character.
_WORD = re.compile(r"[^\s\"'`\[\](){}<>|,;:.=/\\]*[^\x00-\x7f][^\s\"'`\[\](){}<>|,;:.=/\\]*")


def _visible_word(found: re.Match[str]) -> str:
    word = found.group(0)
    confusable = {c.character for c in _mixed(word)}
    return "".join(escape(c) if c in confusable else c for c in word) if confusable else word


def _ascii_twin(character: str) -> str:
    if character.isascii():
        return character
    data = _confusables_data()
    twins = [g["c"] for g in data.get(character, ()) if len(g["c"]) == 1 and g["c"].isascii()]
    return min(twins) if twins else character


# Imported on first use: the scripts table is 50 kB of JSON, needed only for non-ASCII text;
# the confusables data about 1 MB, needed only for a word in two scripts or a key's reading.


@functools.cache
def _script_of() -> Callable[[str], str]:
    from confusable_homoglyphs import categories

    alias: Callable[[str], str] = functools.cache(categories.alias)
    return alias


@functools.cache
def _confusables_data() -> Mapping[str, Any]:
    from confusable_homoglyphs import confusables

    data: Mapping[str, Any] = confusables.confusables_data
    return data
