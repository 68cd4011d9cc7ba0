"""Hostile YAML (hypothesis, bounded): aliases, deep nesting, huge numbers and odd characters
spliced into valid catalogs end in well-formed diagnostics, never a traceback or a hang."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog.test_fuzz import EXAMPLE_FILES, _load

HOSTILE = st.one_of(
    st.integers(1, 300).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1, 300).map(lambda depth: "{a: " * depth + "1" + "}" * depth),
    st.integers(1, 12).map(lambda n: "&a [x]\nb: " + ", ".join(["*a"] * n)),
    st.integers(1, 6000).map(lambda digits: "9" * digits),
    st.sampled_from(["1e1000000", "-1e-1000000", ".nan", ".inf", "0x" + "f" * 500]),
    st.text(alphabet="\u200b\u2028\u2029\x85\ufeff\x1b:#-", min_size=1, max_size=8),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.sampled_from(sorted(EXAMPLE_FILES)),
    line=st.integers(0, 200),
    value=HOSTILE,
)
def test_hostile_values_spliced_into_valid_files_never_escape(
    file: str, line: int, value: str
) -> None:
    lines = EXAMPLE_FILES[file].splitlines()
    at = min(line, len(lines) - 1)
    key, sep, _ = lines[at].partition(": ")
    lines[at] = f"{key}{sep}{value}" if sep else f"{lines[at]} {value}"
    _load({**{k: v.encode() for k, v in EXAMPLE_FILES.items()}, file: "\n".join(lines).encode()})


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 5))
def test_valid_catalogs_load(seed: int) -> None:
    import random
    import tempfile
    from pathlib import Path

    from catalog_sync.catalog import load_catalog
    from tests.apply.chaos import write_catalog

    with tempfile.TemporaryDirectory() as directory:
        write_catalog(Path(directory), 30, random.Random(seed), older=seed % 2 == 0)
        assert load_catalog(directory).catalog.services
