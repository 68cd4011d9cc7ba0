from decimal import Decimal

from catalog_sync.catalog.yaml_source import YamlTimestamp, parse_yaml


def test_positions_are_one_based_for_values_and_keys() -> None:
    doc, problems = parse_yaml("services:\n  - name: A\n    itemCode: x\n", "f.yaml")
    assert problems == []
    assert doc is not None
    name = doc.nodes[("services", 0, "name")]
    assert (name.location.line, name.location.column) == (2, 11)
    assert name.key_location is not None
    assert (name.key_location.line, name.key_location.column) == (2, 5)
    assert str(doc.nodes[("services", 0)].location) == "f.yaml:2:5"


def test_locate_falls_back_to_the_nearest_existing_ancestor() -> None:
    doc, _ = parse_yaml("a:\n  b: 1\n", "f.yaml")
    assert doc is not None
    assert doc.locate(("a", "missing", 3)).location.line == 2
    assert doc.locate(("a", "missing")).kind == "map"


def test_scalars_keep_their_yaml_types_and_floats_become_exact_decimals() -> None:
    text = "a: 12.00\nb: 0.1\nc: 7\nd: true\ne: ~\nf: 2024-01-02\ng: '1.10'\nh: 0x1F\n"
    doc, problems = parse_yaml(text, "f.yaml")
    assert problems == []
    assert doc is not None
    assert doc.data == {
        "a": Decimal("12.00"),
        "b": Decimal("0.1"),
        "c": 7,
        "d": True,
        "e": None,
        "f": YamlTimestamp("2024-01-02"),
        "g": "1.10",
        "h": 31,
    }
    assert isinstance(doc.data, dict)
    assert str(doc.data["a"]) == "12.00"
    assert doc.nodes[("a",)].text == "12.00"
    assert doc.nodes[("a",)].kind == "float"


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    doc, problems = parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert doc is not None
    assert doc.data == {"a": 1, "b": 2}
    assert [(p.code, p.line, p.column) for p in problems] == [("CS106", 3, 1)]
    assert "first defined at line 1" in problems[0].message


def test_anchors_aliases_and_merge_keys_are_rejected_with_positions() -> None:
    _, problems = parse_yaml("a: &x {p: 1}\nb: *x\nc:\n  <<: {q: 2}\n", "f.yaml")
    assert [(p.code, p.line, p.column) for p in problems] == [
        ("CS107", 1, 4),
        ("CS107", 2, 4),
        ("CS108", 4, 3),
    ]
    assert "anchor" in problems[0].message
    assert "alias" in problems[1].message


def test_syntax_errors_report_the_problem_position() -> None:
    doc, problems = parse_yaml("services:\n  - name: A\n   bad: [\n", "f.yaml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].code == "CS105"
    assert problems[0].line >= 3
    assert problems[0].message.startswith("YAML syntax error:")


def test_unknown_tags_and_complex_keys_are_rejected() -> None:
    _, problems = parse_yaml("a: !custom x\n? [k]\n: v\nb: !!str 1.10\n", "f.yaml")
    assert [(p.code, p.line) for p in problems] == [("CS109", 1), ("CS110", 2)]


def test_explicit_str_tag_keeps_text() -> None:
    doc, problems = parse_yaml("b: !!str 1.10\n", "f.yaml")
    assert problems == []
    assert doc is not None
    assert doc.data == {"b": "1.10"}


def test_empty_and_comment_only_files_are_errors() -> None:
    for text in ("", "# only a comment\n", "\n\n"):
        doc, problems = parse_yaml(text, "f.yaml")
        assert doc is None
        assert [p.code for p in problems] == ["CS104"]


def test_several_documents_are_a_syntax_error() -> None:
    _, problems = parse_yaml("a: 1\n---\nb: 2\n", "f.yaml")
    assert [(p.code, p.line) for p in problems] == [("CS105", 2)]


def test_control_characters_are_a_syntax_error_with_a_position() -> None:
    _, problems = parse_yaml("a: 1\nb: \x00\n", "f.yaml")
    assert [(p.code, p.line) for p in problems] == [("CS105", 2)]
