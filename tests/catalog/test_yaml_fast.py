"""The fast reader (libyaml events) and the reference reader (ruamel.yaml) read alike.

Every case runs through both readers: the fast one must take it (or hand it over, for what
needs the reference reader's diagnostics) and give exactly the reference's data, kinds, texts,
positions and problems. Where a position matters to users, it is asserted outright as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from catalog_sync.catalog import Code, yaml_source
from catalog_sync.catalog.yaml_source import (
    YamlDocument,
    parse_yaml,
    parse_yaml_fast,
    parse_yaml_reference,
)
from catalog_sync.diagnostics import Diagnostic

Read = tuple[YamlDocument | None, list[Diagnostic]]

# Files the fast reader takes itself.
TAKEN = {
    "block": "services:\n  - name: A\n    itemCode: a-1\n    price: 12.00\nsettings:\n  x: 1\n",
    "flow": "services: [{name: A, price: 1.50}, {name: 'B', tags: [x, \"y\"]}]\n",
    "indentless": "a:\n- 1\n- b: 2\n  c: [3]\n",
    "comments": "# head\na: 1 # trailing\n# between\nb:  # before a nested map\n  c: x\n",
    "crlf": "a: 1\r\nb:\r\n  c: two\r\n  d: |\r\n    l1\r\n    l2\r\n",
    "bom": "\ufeffa: 1\nb: x\n",
    "bom_crlf": "\ufeffservices:\r\n  - name: A\r\n",
    "escaped_tab": 'c: "a\\tb"\n',
    "unicode": "namé: Ünïcødé\nb: 日本語 テキスト\nc: {ключ: значение, 😀: 🎉 x}\n",
    "multiline_plain": "a: this is\n  a plain scalar\n\n  over lines\nb: x\n",
    "multiline_quoted": "a: \"first\n  second \\\n  third\"\nb: 'it''s\n\n  ok'\n",
    "folded": "a: >\n  one\n  two\n\n  three\nb: >-\n  x\n   more\n  y\nc: >+\n  keep\n\nd: x\n",
    "literal": "a: |\n  one\n    two\nb: |-\n  strip\nc: |+\n  keep\n\nd: |2\n    indented\n",
    "scalars": (
        "i: 42\nh: 0x1F\no: 0o17\nneg: -7\nf: 1.10\ne: 1e3\ninf: .inf\n"
        "t: true\ny: yes\nn: ~\nnull2: null\nempty:\nts: 2024-01-02\ns: '12'\nb: !!str 1.10\n"
        "big: 123456789012345678901234567890\nu: 1_000\n"
    ),
    "keys_col1_vs_nested": "top: 1\nnest:\n  inner:\n      deep: 2\n  other: 3\n",
    "quoted_keys": "'a b': 1\n\"c\": 2\n'<<': 3\n? explicit\n: 4\n",
    "empty_values": "a:\nb: []\nc: {}\nd: ''\ne:\n  -\n  - ''\n",
    "document_markers": "---\na: 1\n...\n",
    "bare_document": "---\n",
    "no_final_line_break": "a: 1\nb: x",
    "empty_entry_at_the_end": "a:\n- ",
    "scalar_root": "just text\n",
    "empty": "",
    "comment_only": "# nothing here\n",
    "long_line_nested": "a:\n  b:\n    c:\n      d:\n        e:\n          f: [[[x]]]\n",
    "explicit_core_tags": (
        "a: !!int '7'\nb: !!map {c: 1}\nc: !!seq [1]\nd: !!null ''\ne: !!null\nf: x\n"
    ),
}

# Files the fast reader hands to the reference reader, whose diagnostics they need.
HANDED_OVER = {
    "anchor": "a: &x 1\nb: 2\n",
    "alias": "a: &x {p: 1}\nb: *x\n",
    "merge": "a:\n  <<: {q: 2}\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "custom_tag": "a: !custom x\n",
    "local_tag": "a: ! x\n",
    "complex_key": "? [k]\n: v\n",
    "syntax": "services:\n  - name: A\n   bad: [\n",
    "tab_indent": "a:\n\tb: 1\n",
    "two_documents": "a: 1\n---\nb: 2\n",
    "yaml_directive": "%YAML 1.1\n---\na: yes\n",
    "tag_directive": "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "tab_separator": "a:\tx\n",
    "tab_trailing": "e: x\t\n",
    "tab_quoted": "b: 'tab\there'\n",
    "tab_flow": "d: [1,\t2]\n",
    "empty_value_commented": "a: # a comment moves an empty value\nb: 1\n",
    "empty_key": ": v\n",
    "empty_value_at_an_open_end": "a: 1\nb:",
    "nested_empty_value_at_an_open_end": "a:\n  b:",
    "empty_document_at_an_open_end": "---",
    "comment_at_an_open_end": "a: #",
    "nel": "a: x\x85b: y\n",
    "line_separator": "a: x\u2028y\n",
    "lone_cr": "a: 1\rb: 2\n",
    "nul": "a: 1\nb: \x00\n",
    "inner_bom": "a: x\ufeffy\n",
    "folded_key": "? >\n  k\n: v\n",
    "undefined_alias": "a: *nowhere\n",
    "sequence_tagged_map": "a: !!map [1]\n",
}


def _same(text: str) -> tuple[Read | None, Read]:
    return parse_yaml_fast(text, "f.yaml"), parse_yaml_reference(text, "f.yaml")


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_the_fast_reader_takes_the_file_and_reads_it_as_the_reference_does(name: str) -> None:
    fast, reference = _same(TAKEN[name])
    assert fast is not None
    assert fast == reference
    assert parse_yaml(TAKEN[name], "f.yaml") == reference


@pytest.mark.parametrize("name", sorted(HANDED_OVER))
def test_what_needs_a_diagnostic_goes_to_the_reference_reader(name: str) -> None:
    fast, reference = _same(HANDED_OVER[name])
    assert fast is None
    assert parse_yaml(HANDED_OVER[name], "f.yaml") == reference


def test_without_the_c_extension_every_file_reads_as_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yaml_source, "_HAS_LIBYAML", False)
    for text in (*TAKEN.values(), *HANDED_OVER.values()):
        assert parse_yaml_fast(text, "f.yaml") is None
        assert parse_yaml(text, "f.yaml") == parse_yaml_reference(text, "f.yaml")


def _at(read: Read | None, path: tuple[str | int, ...]) -> tuple[int, int, int | None]:
    assert read is not None
    doc, _ = read
    assert doc is not None
    info = doc.nodes[path]
    key = info.key_location
    return info.location.line, info.location.column, key.column if key else None


@pytest.mark.parametrize("reader", [parse_yaml_fast, parse_yaml_reference])
def test_positions_are_one_based_lines_and_columns_in_characters(reader: object) -> None:
    assert callable(reader)
    crlf = reader(TAKEN["bom_crlf"], "f.yaml")
    # The byte-order mark takes no column; CRLF is one line break.
    assert _at(crlf, ("services",)) == (2, 3, 1)
    assert _at(crlf, ("services", 0, "name")) == (2, 11, 5)
    uni = reader(TAKEN["unicode"], "f.yaml")
    # Columns count characters, not UTF-8 bytes: an emoji is one column.
    assert _at(uni, ("namé",)) == (1, 7, 1)
    assert _at(uni, ("c", "😀")) == (3, 24, 21)
    nested = reader(TAKEN["keys_col1_vs_nested"], "f.yaml")
    assert _at(nested, ("top",)) == (1, 6, 1)
    assert _at(nested, ("nest", "inner", "deep")) == (4, 13, 7)
    folded = reader(TAKEN["folded"], "f.yaml")
    assert _at(folded, ("b",)) == (6, 4, 1)
    empty = reader(TAKEN["empty_values"], "f.yaml")
    # An empty block value is where the next token starts (ruamel.yaml's convention)...
    assert _at(empty, ("a",)) == (2, 1, 1)
    # ...and an empty sequence entry where its dash ends.
    assert _at(empty, ("e", 0)) == (6, 4, None)
    commented = parse_yaml("a: # nothing\nb: 1\n", "f.yaml")
    assert _at(commented, ("a",)) == (1, 3, 1)


@pytest.mark.parametrize("reader", [parse_yaml_fast, parse_yaml_reference])
def test_scalars_keep_their_text_and_kind(reader: object) -> None:
    assert callable(reader)
    read = reader(TAKEN["scalars"] + "fold: >\n  a\n  b\n", "f.yaml")
    assert read is not None
    doc, problems = read
    assert doc is not None
    assert problems == []
    data = doc.data
    assert isinstance(data, dict)
    assert str(data["f"]) == "1.10"
    assert data["h"] == 31
    assert data["o"] == 15
    assert data["y"] == "yes"  # YAML 1.2: yes is text
    assert data["s"] == "12"
    assert str(data["b"]) == "1.10"
    assert data["empty"] is None
    assert data["fold"] == "a b\n"
    assert doc.nodes[("fold",)].text == "a b\n"
    assert doc.nodes[("ts",)].kind == "timestamp"


def test_the_bounds_hold_in_the_fast_reader_with_the_reference_diagnostics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deep = "a: " + "[" * 40 + "]" * 40 + "\n"
    fast, reference = _same(deep)
    assert fast is not None
    assert fast == reference
    assert [(p.code, p.line, p.column) for p in fast[1]] == [(Code.YAML_SYNTAX, 1, 35)]
    monkeypatch.setattr(yaml_source, "MAX_YAML_NODES", 50)
    many = "a: [" + ", ".join("x" for _ in range(100)) + "]\n"
    fast, reference = _same(many)
    assert fast is not None
    assert fast == reference
    assert fast[0] is None
    assert [p.message for p in fast[1]] == [yaml_source._TOO_MANY]


def test_the_example_catalog_reads_alike(tmp_path: Path) -> None:
    files = sorted(Path("catalogs").rglob("*.yaml"))
    assert files
    for file in files:
        text = file.read_text(encoding="utf-8")
        fast, reference = _same(text)
        assert fast is not None, file
        assert fast == reference, file


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029"),
    max_size=30,
)
_LEAF = st.one_of(
    _TEXT, st.integers(), st.booleans(), st.none(), st.decimals(allow_nan=False, places=2)
)
_DATA = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(
    data=_DATA,
    flow=st.sampled_from([None, True, False]),
    width=st.sampled_from([20, 80]),
    open_end=st.booleans(),
    crlf=st.booleans(),
)
def test_any_dumped_document_reads_alike(
    data: object, flow: bool | None, width: int, open_end: bool, crlf: bool
) -> None:
    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = flow
    yaml.width = width
    import io

    out = io.StringIO()
    yaml.dump({"root": _plain(data)}, out)
    text = out.getvalue()
    if open_end:
        text = text.rstrip("\n")
    if crlf:
        text = text.replace("\n", "\r\n")
    fast, reference = _same(text)
    if fast is not None:
        assert fast == reference, text
    assert parse_yaml(text, "f.yaml") == reference


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if not isinstance(value, str | int | bool | type(None)):
        return str(value)
    return value
