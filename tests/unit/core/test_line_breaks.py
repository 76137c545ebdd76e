"""One definition of a line (CRLF, CR or LF) for every position aiplan reports.

libyaml (YAML 1.1) also breaks lines at NEL, U+2028 and U+2029; editors,
GitHub and ruamel.yaml's pure-Python parser do not. A plan holding one of them
inside a string must not shift the line of every finding after it.
"""

import pytest

from aiplan.core.findings import Span, Violation
from aiplan.core.rule import make_rule
from aiplan.core.text import SourceText, line_column
from aiplan.lint.engine import lint_text
from aiplan.parse import loader
from aiplan.testing import build_context, lint_yaml


@pytest.fixture(params=["c", "pure"])
def parser(request, monkeypatch):
    if request.param == "pure":
        monkeypatch.setattr(loader, "_c_parser", lambda: None)
    elif loader._c_parser() is None:  # pragma: no cover - depends on the installation
        pytest.skip("ruamel.yaml.clib is not installed")
    return request.param


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_unicode_separator_inside_a_string_does_not_shift_lines(parser, separator):
    plan = f'aiplan: 1\nname: "a{separator}b"\nbogus_key: 3\n'
    [finding] = [f for f in lint_yaml(plan, dedent=False) if f.rule == "PLAN002"]
    assert (finding.line, finding.column) == (3, 1)
    assert "bogus_key" in finding.message


def test_spans_after_a_separator_are_those_of_the_text(parser):
    result = loader.load_text('aiplan: 1\nname: "a\u2028b"\nowner: team\n')
    plan = result.documents[0]
    assert plan.data["name"] == "a\u2028b"
    value = plan.value_spans[("name",)]
    assert (value.line, value.column, value.end_line, value.end_column) == (2, 7, 2, 12)
    owner = plan.key_spans[("owner",)]
    assert (owner.line, owner.column) == (3, 1)


def test_a_syntax_error_after_a_separator_is_on_its_own_line(parser):
    [problem] = loader.load_text('aiplan: 1\nname: "a\u2028b"\nx: [1, 2\n').problems
    assert problem.rule == "PLAN001"
    assert problem.violation.span.line == 4  # the end of the 3-line text, where `]` is missing


@pytest.mark.parametrize(("text", "index", "expected"), [
    ("a\nb", 2, (2, 1)),
    ("a\r\nb", 3, (2, 1)),
    ("a\rb", 2, (2, 1)),
    ("a\u2028b\nc", 4, (2, 1)),
    ("a\x85b", 2, (1, 3)),
    ("", 0, (1, 1)),
])
def test_line_column(text, index, expected):
    assert line_column(text, index) == expected


def test_source_text_offsets_round_trip():
    text = "a: 1\r\nb: \u2028x\rc: 3\n"
    source = SourceText(text)
    for offset in range(len(text) + 1):
        line, column = source.line_column(offset)
        assert source.offset(line, column) == offset
    assert source.offset(4, 1) == len(text)
    assert source.offset(5, 1) is None


def test_an_undecodable_byte_is_placed_by_the_same_line_breaks():
    # CR-only line ends: the byte is on line 2, not on line 1 at column 10.
    text, problem = loader.decode(b"aiplan: 1\rname: \xff\r")
    assert text is None and problem is not None
    assert (problem.violation.span.line, problem.violation.span.column) == (2, 7)


def _rule_at_line(line: int):
    def check(plan, options):
        yield Violation("here", "fix", span=Span(line, 1, line, 2))

    return make_rule("ACME001", "at-a-line", "warning", check, "A rule that reports a fixed line.", plugin="acme")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_plugin_finding_past_the_last_line_is_counted_by_the_same_line_breaks(newline):
    # Three lines and the empty one after the last line end: 4 is in the file, 5 is not,
    # whatever the line ends (CRLF once counted twice, so line 7 passed).
    text = newline.join(["aiplan: 1", "name: x", "owner: team@example.com", ""])
    inside = lint_text(text, build_context(select=("ACME",), rules=[_rule_at_line(4)]))
    assert [(f.rule, f.line) for f in inside.findings] == [("ACME001", 4)] and inside.errors == ()
    outside = lint_text(text, build_context(select=("ACME",), rules=[_rule_at_line(5)]))
    [error] = outside.errors
    assert outside.findings == () and "which is not in the file (4 lines)" in error.message
