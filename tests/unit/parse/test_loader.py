import codecs

import pytest

from conftest import counting_calls

from aiplan.core.findings import Span
from aiplan.parse.loader import Limits, decode, load_bytes, load_text, resolve_plain


def only(result):
    assert len(result.documents) == 1, result.problems
    return result.documents[0]


def test_positions_of_keys_values_and_items():
    plan = only(load_text("a: 1\nlist:\n  - x\n  - {k: v}\n"))
    assert plan.data == {"a": 1, "list": ["x", {"k": "v"}]}
    assert plan.key_spans[("a",)] == Span(1, 1, 1, 2)
    assert plan.value_spans[("a",)] == Span(1, 4, 1, 5)
    assert plan.value_spans[("list", 0)] == Span(3, 5, 3, 6)
    assert plan.value_spans[("list", 1, "k")] == Span(4, 9, 4, 10)
    assert plan.value_spans[("list", 1)] == Span(4, 5, 4, 11)


def test_missing_key_locates_closest_parent_key():
    plan = only(load_text("a: 1\nfine_tuning:\n  dataset:\n    examples: 3\n"))
    span, located = plan.locate(("fine_tuning", "evaluation", "held_out"))
    assert located == ("fine_tuning",)
    assert (span.line, span.column) == (2, 1)
    span, located = plan.locate(("baseline",))
    assert located == () and (span.line, span.column) == (1, 1)


def test_core_schema_scalars():
    plan = only(load_text("a: yes\nb: true\nc: 0x1F\nd: 1.5e3\ne: ~\nf: '1'\ng: .inf\nh: 2024-01-01\ni: !!str 3\n"))
    assert plan.data == {"a": "yes", "b": True, "c": 31, "d": 1500.0, "e": None, "f": "1",
                         "g": float("inf"), "h": "2024-01-01", "i": "3"}
    assert resolve_plain("-12") == -12 and resolve_plain("+.5") == 0.5 and resolve_plain("0o17") == 15


def test_duplicate_key_is_reported_and_first_value_kept():
    result = load_text("a: 1\nb: 2\na: 3\n")
    assert result.documents[0].data == {"a": 1, "b": 2}
    [problem] = result.problems
    assert problem.rule == "PLAN004"
    assert problem.violation.span.line == 3
    assert "line 1" in problem.violation.message


def test_the_keys_after_a_duplicate_keep_their_values_anchored_or_not():
    # The loader's event loop builds an ordinary key and its value inline and leaves a
    # duplicate, an anchor or an alias to the builder's methods: each must see the
    # other's state (the duplicate's value dropped, not the next key's).
    result = load_text("a: 1\na: 2\nb: &x 3\nc: *x\na: [4]\nd:\n  - e: 5\n  - &y {f: 6}\ng: *y\n")
    plan = result.documents[0]
    assert plan.data == {"a": 1, "b": 3, "c": 3, "d": [{"e": 5}, {"f": 6}], "g": {"f": 6}}
    assert [problem.violation.span.line for problem in result.problems] == [2, 5]
    assert plan.value_spans[("b",)] == Span(3, 4, 3, 8)
    assert plan.value_spans[("d",)] == Span(7, 3, 8, 14)
    assert plan.value_spans[("d", 0)] == Span(7, 5, 7, 9)
    assert plan.value_spans[("d", 1)] == Span(8, 5, 8, 14)
    assert plan.value_spans[("g",)] == Span(9, 4, 9, 6)
    assert ("a", 0) not in plan.value_spans


def test_merge_keys_and_aliases():
    plan = only(load_text("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n"))
    assert plan.data["m"] == {"x": 1, "y": 3}
    assert plan.value_spans[("m", "x")].line == 3


def test_multiple_documents_and_error_in_later_document():
    result = load_text("aiplan: 1\n---\naiplan: 1\nname: [x\n")
    assert len(result.documents) == 1
    [problem] = result.problems
    assert problem.rule == "PLAN001" and problem.document == 1 and problem.violation.span.line == 5


def test_syntax_error_has_position_and_hint():
    [problem] = load_text("a:\n\tb: 1\n").problems
    assert problem.rule == "PLAN001"
    assert problem.violation.span.line == 2
    assert "tab" in problem.violation.fix.lower()


def test_undefined_alias_is_a_syntax_error():
    [problem] = load_text("a: *nope\n").problems
    assert problem.rule == "PLAN001" and "undefined alias" in problem.violation.message


CROSS_DOCUMENT_ALIAS = """\
aiplan: 1
name: Draft 1
owner: &bo benefits-ops@example.com
---
aiplan: 1
name: Draft 2
owner: *bo
---
aiplan: 1
name: Draft 3
owner: benefits-ops@example.com
"""


def test_an_alias_to_an_earlier_document_says_anchors_do_not_cross_documents():
    result = load_text(CROSS_DOCUMENT_ALIAS)
    [problem] = result.problems
    assert problem.rule == "PLAN001" and problem.document == 1
    assert problem.violation.span.line == 7
    assert "defined in document 1 (line 3)" in problem.violation.message
    assert "anchors do not cross `---`" in problem.violation.message
    assert "document 2" in problem.violation.fix and "`&bo`" in problem.violation.fix


def test_the_documents_around_one_that_cannot_be_built_are_still_read():
    result = load_text(CROSS_DOCUMENT_ALIAS)
    assert [(plan.document, plan.data["name"]) for plan in result.documents] == [(0, "Draft 1"), (2, "Draft 3")]


def test_an_undefined_alias_in_the_same_document_keeps_the_plain_message():
    [problem] = load_text(CROSS_DOCUMENT_ALIAS.replace("&bo", "&other")).problems
    assert problem.violation.message == "found undefined alias *bo"


def test_a_parser_error_says_the_documents_after_it_were_not_read():
    [problem] = load_text("aiplan: 1\nname: [a\n---\naiplan: 1\n").problems
    assert "the documents after it in this file were not linted" in problem.violation.message
    [alone] = load_text("aiplan: 1\nname: [a\n").problems
    assert "documents after it" not in alone.violation.message


def test_billion_laughs_stops_fast():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        prev, name = chr(96 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with counting_calls() as work:
        result = load_text("\n".join(lines) + "\n")
    assert work.calls < 10_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert [p.rule for p in result.problems] == ["PLAN007"]
    assert not result.documents


def test_deep_nesting_is_a_limit_not_a_crash():
    with counting_calls() as work:
        result = load_text("[" * 100_000 + "]" * 100_000)
    assert work.calls < 10_000, work.calls  # several times today's count; a blow-up is orders of magnitude more
    assert [p.rule for p in result.problems] == ["PLAN007"]


def test_depth_limit_is_configurable():
    text = "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 10)) + "  " * 10 + "v: 1\n"
    assert load_text(text, limits=Limits(max_depth=5)).problems[0].rule == "PLAN007"
    assert not load_text(text).problems


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE),
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-32-le", b""), ("utf-32-be", b""),
])
def test_unicode_encodings_with_and_without_bom(encoding, bom):
    data = bom + "aiplan: 1\nname: café\n".encode(encoding)
    plan = only(load_bytes(data))
    assert plan.data == {"aiplan": 1, "name": "café"}


def test_undecodable_and_binary_input_is_plan008():
    text, problem = decode(b"aiplan: 1\nname: caf\xe9\n")
    assert text is None and problem.rule == "PLAN008" and problem.violation.span.line == 2
    _, problem = decode(b"aiplan: 1\x00\x01\x02")
    assert problem.rule == "PLAN008" and "NUL" in problem.violation.message


def test_line_endings():
    for newline in ("\r\n", "\r"):
        plan = only(load_text(newline.join(["aiplan: 1", "name: x", "approach: rag", ""])))
        assert plan.value_spans[("approach",)].line == 3


def test_empty_and_comment_only_input_has_no_documents():
    assert load_text("").documents == [] and load_text("").problems == []
    assert load_text("# just a comment\n").documents == []


def test_size_limit():
    result = load_bytes(b"a: 1\n" * 100, limits=Limits(max_bytes=50))
    assert [p.rule for p in result.problems] == ["PLAN007"]


def test_complex_keys_do_not_crash():
    plan = only(load_text("? [a, b]\n: 1\n? {x: y}\n: 2\n"))
    assert list(plan.data.values()) == [1, 2]


@pytest.mark.parametrize("text", [
    "a: .nan\n", "a: .inf\n", "a: -.INF\n", "a: +.Inf\n", "a: 1e999\n", "a: [1, .NaN]\n",
    "a: !!float .inf\n", "a: !!float -1e400\n",
    # an integer beyond the float range, tagged float: infinite, not an overflow
    "a: !!float 1" + "0" * 400 + "\n", "a: !!float -1" + "0" * 400 + "\n", "a: !!float 0x" + "f" * 300 + "\n",
    # a key's value, through its anchor and an alias: a node of the data all the same
    "? &x .nan\n: 1\nb: *x\n",
    # a merged mapping's value
    "base: &b {x: .inf}\nc:\n  <<: *b\n",
])
def test_the_loader_notes_a_non_finite_number(text):
    from aiplan.schemas.validate import holds_non_finite

    plan = only(load_text(text))
    assert plan.non_finite is True
    assert holds_non_finite(plan.data)


@pytest.mark.parametrize("text", [
    "a: '.nan'\n", 'a: ".inf"\n', "a: nan\n", "a: inf\n", "a: 1e99\n", "a: 1.5\n", "a: !!str .inf\n",
    "a: ! .nan\n", "a: [1, 2.0, .5]\n", "a: |\n  .inf\n",
    # a key is text, whatever it looks like
    ".nan: 1\n",
])
def test_the_loader_notes_no_non_finite_number_where_there_is_none(text):
    from aiplan.schemas.validate import holds_non_finite

    plan = only(load_text(text))
    assert plan.non_finite is False
    assert not holds_non_finite(plan.data)


def test_schema_errors_takes_the_loaders_word_for_non_finite_numbers():
    """The plan is not searched again when the loader says whether it holds `.nan` or `.inf`."""
    from aiplan.schemas import validate

    plan = only(load_text("aiplan: 1\nname: n\ntargets:\n  latency_p95_ms: .inf\n"))
    calls = []
    original = validate.holds_non_finite
    validate.holds_non_finite = lambda data: calls.append(data) or original(data)
    try:
        told = validate.schema_errors(plan.data, non_finite=plan.non_finite)
        assert calls == []
        searched = validate.schema_errors(plan.data)
        assert len(calls) == 1
    finally:
        validate.holds_non_finite = original
    for errors in (told, searched):
        assert [(tuple(error.absolute_path), error.validator) for error in errors] == [(("targets", "latency_p95_ms"), "type")]


def test_a_float_tagged_integer_too_large_for_a_float_is_infinite_not_a_load_error():
    loaded = load_text("a: !!float 1" + "0" * 400 + "\nb: !!float -1" + "0" * 400 + "\n")
    assert not loaded.problems
    assert only(loaded).data == {"a": float("inf"), "b": float("-inf")}


@pytest.fixture
def digit_limit():
    """Python's default limit on the digits int() converts, whatever PYTHONINTMAXSTRDIGITS says."""
    import sys

    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("no digit limit before Python 3.10.7")
    saved = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(4300)
    yield 4300
    sys.set_int_max_str_digits(saved)


@pytest.mark.parametrize("parser", ["c", "pure"])
@pytest.mark.parametrize("scalar, digits", [("1" + "0" * 4400, 4401), ("-" + "9" * 4301, 4301),
                                            ("!!int " + "0" * 5000, 5000)])
def test_an_integer_past_pythons_digit_limit_is_a_resource_limit_at_the_scalar(parser, scalar, digits, monkeypatch,
                                                                                digit_limit):
    """Python converts at most `sys.get_int_max_str_digits()` digits to an int: PLAN007 at the
    scalar, saying how many digits it has; the document holding it is not linted, the next is
    (was PLAN001 "Exceeds the limit ..." at 1:1, both documents lost)."""
    from aiplan.parse import loader

    if parser == "pure":
        monkeypatch.setattr(loader, "_c_parser", lambda: None)  # as without ruamel.yaml.clib
    loaded = load_text(f"aiplan: 1\nlimits:\n  n: {scalar}\n---\naiplan: 1\nname: next\n")
    [problem] = loaded.problems
    assert (problem.rule, problem.document) == ("PLAN007", 0)
    assert (problem.violation.span.line, problem.violation.span.column) == (3, 6)
    assert f"has {digits:,} digits, more than the 4,300" in problem.violation.message
    assert "quote it if it is text" in problem.violation.fix
    assert only(loaded).data == {"aiplan": 1, "name": "next"}


def test_digits_up_to_the_limit_and_a_float_tagged_integer_past_it_are_read(digit_limit):
    """`!!float` reads any number of digits, as `1e4400` is read: infinite past the float range
    (PLAN002 "not a finite number"), a number within it (`0` and 5,000 leading zeros then `1`)."""
    loaded = load_text("a: 1" + "0" * 4299 + "\nb: !!float 1" + "0" * 4400 + "\nc: !!float -" + "0" * 5000
                       + "\nd: !!float " + "0" * 5000 + "1\n")
    assert not loaded.problems
    data = only(loaded).data
    assert data["a"] == 10 ** 4299 and data["b"] == float("inf") and data["d"] == 1.0
    assert data["c"] == 0.0 and str(data["c"]) == "0.0"  # `-0` is 0, as the integer it spells


@pytest.mark.parametrize("parser", ["c", "pure"])
@pytest.mark.parametrize("scalar, written", [("0x" + "f" * 5000, "hexadecimal integer has about 6,021 decimal digits"),
                                             ("0o" + "7" * 5000, "octal integer has about 4,516 decimal digits"),
                                             ("!!int 0x" + "1" * 4000, "hexadecimal integer has about 4,816 decimal")])
def test_an_octal_or_hex_integer_past_the_digit_limit_is_a_resource_limit_at_the_scalar(parser, scalar, written,
                                                                                        monkeypatch, digit_limit):
    """int() reads any number of octal or hex digits, but the number cannot be written out in
    decimal (a finding's fingerprint, JSON): PLAN007 at the scalar as for decimal digits (was an
    internal error, exit 3, when a finding's fingerprint wrote the number out)."""
    from aiplan.parse import loader

    if parser == "pure":
        monkeypatch.setattr(loader, "_c_parser", lambda: None)
    loaded = load_text(f"aiplan: 1\nlimits:\n  n: {scalar}\n---\naiplan: 1\nname: next\n")
    [problem] = loaded.problems
    assert (problem.rule, problem.document) == ("PLAN007", 0)
    assert (problem.violation.span.line, problem.violation.span.column) == (3, 6)
    assert written in problem.violation.message and "more than the 4,300" in problem.violation.message
    assert only(loaded).data == {"aiplan": 1, "name": "next"}


def test_octal_and_hex_integers_within_the_digit_limit_and_past_it_under_float_are_read(digit_limit):
    loaded = load_text("a: 0x" + "f" * 3000 + "\nb: 0o17\nc: !!float 0x" + "f" * 5000 + "\n")
    assert not loaded.problems
    data = only(loaded).data
    assert data["a"] == 16 ** 3000 - 1 and data["b"] == 15 and data["c"] == float("inf")
