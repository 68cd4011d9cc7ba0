"""Property tests: whatever the files say, loading ends in a catalog or a CatalogError.

Inputs are the example catalog's files with lines deleted, duplicated or swapped, characters
changed and values replaced by random scalars, plus random text, bytes and YAML structures
built from the catalog's own field names (so validation, not only parsing, is exercised).
"""

import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from catalog_sync.catalog import Catalog, load_catalog
from catalog_sync.catalog.schema import catalog_json_schema
from catalog_sync.diagnostics import Diagnostic
from catalog_sync.errors import CatalogError
from catalog_sync.render.diagnostics import FORMATS
from tests.catalog.files import EXAMPLE

EXAMPLE_FILES = {
    path.relative_to(EXAMPLE).as_posix(): path.read_text(encoding="utf-8")
    for path in sorted(EXAMPLE.rglob("*.yaml"))
}
FIELD_NAMES = sorted(
    {
        name
        for part in (catalog_json_schema(), *catalog_json_schema()["definitions"].values())
        for name in part.get("properties", {})
    }
)
SPECIAL = [*":-[]{}&*!|>'\"#%@`,?~\t \\", "\n", "\r", "\x00", "é", "\ufeff"]
ODD_SCALARS = [
    "~",
    "",
    "true",
    "yes",
    "1.10",
    "12.00",
    "1e3",
    ".inf",
    ".nan",
    "-0",
    "0x1F",
    "0o17",
    "2024-01-02",
    "2024-01-02T10:00:00Z",
    "[]",
    "{}",
    "[a, b]",
    "{a: 1}",
    "&anchor x",
    "*alias",
    "!!binary aGk=",
    "!custom x",
    "<<: {a: 1}",
    "'unclosed",
    '"unclosed',
    "|",
    ">-",
    "- x",
    "? x",
    "%YAML 1.1",
    "1.234567",
    "99999999999999999999999999999999",
    "-5",
    '"12.50"',
]
scalar = st.one_of(
    st.sampled_from(ODD_SCALARS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=6).map(str),
    st.text(max_size=12),
)
line_index = st.integers(min_value=0, max_value=500)
mutation = st.one_of(
    st.tuples(st.just("delete"), line_index, st.just(0), st.just("")),
    st.tuples(st.just("duplicate"), line_index, st.just(0), st.just("")),
    st.tuples(st.just("swap"), line_index, line_index, st.just("")),
    st.tuples(st.just("char"), line_index, st.integers(0, 80), st.sampled_from(SPECIAL)),
    st.tuples(st.just("value"), line_index, st.just(0), scalar),
    st.tuples(st.just("key"), line_index, st.just(0), st.sampled_from(FIELD_NAMES)),
)
VALUE = re.compile(r"^(\s*(?:- )?[^:#]+:)\s*(.*)$")


def _mutate(text: str, mutations: list[tuple[str, int, int, str]]) -> str:
    lines = text.split("\n")
    for kind, first, second, payload in mutations:
        if not lines:
            break
        i, j = first % len(lines), second % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "char":
            line = lines[i]
            at = second % (len(line) + 1)
            lines[i] = line[:at] + payload + line[at + 1 :]
        elif kind == "value" and (match := VALUE.match(lines[i])):
            lines[i] = f"{match.group(1)} {payload}"
        elif kind == "key" and (match := VALUE.match(lines[i])):
            indent = match.group(1)[: len(match.group(1)) - len(match.group(1).lstrip(" -"))]
            lines[i] = f"{indent}{payload}: {match.group(2)}"
    return "\n".join(lines)


def _load(files: dict[str, bytes]) -> None:
    """Load a catalog of ``files``: it loads, or fails with well-formed diagnostics only."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for relative, data in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(data)
        try:
            loaded = load_catalog(root)
        except CatalogError as error:
            failure = error
        else:
            assert isinstance(loaded.catalog, Catalog)
            _assert_well_formed(loaded.warnings, root)
            return
    _assert_well_formed(failure.diagnostics, root)
    assert any(d.severity == "error" for d in failure.diagnostics)


def _assert_well_formed(diagnostics: tuple[Diagnostic, ...], root: Path) -> None:
    for diagnostic in diagnostics:
        assert re.fullmatch(r"CS\d{3}", diagnostic.code)
        assert diagnostic.line >= 1
        assert diagnostic.column >= 1
        assert Path(diagnostic.file) == root or root in Path(diagnostic.file).parents
        assert diagnostic.message
    for render in FORMATS.values():
        assert isinstance(render(diagnostics), str)


FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(
    target=st.sampled_from(sorted(EXAMPLE_FILES)),
    mutations=st.lists(mutation, min_size=1, max_size=6),
)
def test_mutated_example_files_never_escape_as_anything_but_catalog_error(
    target: str, mutations: list[tuple[str, int, int, str]]
) -> None:
    files = {name: text.encode() for name, text in EXAMPLE_FILES.items()}
    files[target] = _mutate(EXAMPLE_FILES[target], mutations).encode("utf-8", "surrogatepass")
    _load(files)


@FUZZ
@given(content=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(repr)))
def test_random_text_never_escapes(content: str) -> None:
    _load({"catalog.yaml": content.encode("utf-8", "surrogatepass")})


@settings(max_examples=40, deadline=None)
@given(content=st.binary(max_size=200))
def test_random_bytes_never_escape(content: bytes) -> None:
    _load({"catalog.yaml": content})


yaml_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), scalar),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=6)), children, max_size=4
        ),
    ),
    max_leaves=25,
)


@FUZZ
@given(
    document=st.dictionaries(
        st.sampled_from(["settings", "services", "brokers", "other"]), yaml_value, max_size=3
    )
)
def test_random_structures_with_catalog_keys_never_escape(document: dict[str, object]) -> None:
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, stream)
    _load({"catalog.yaml": stream.getvalue().encode()})
