"""One definition of a line (CRLF, CR or LF) for every position aiplan reports.

Both YAML parsers (YAML 1.1) also break lines at NEL, U+2028 and U+2029; YAML
1.2, editors and GitHub do not. A plan holding one of them must read as YAML 1.2
reads it and must not shift the line of every finding after it.
"""

import pytest

from aiplan.core.findings import Span, Violation
from aiplan.core.rule import make_rule
from aiplan.core.text import SourceText, line_column, split_lines
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


SEPARATORS = pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
CLEAN = "aiplan: 1\n{middle}owner: team@example.com\n"


@SEPARATORS
@pytest.mark.parametrize("middle, data", [
    ("# a comment{s} still the comment\n", {}),
    ("name: |\n  line one{s} more\n  line two\n", {"name": "line one{s} more\nline two\n"}),
    ("name: >\n  line one{s} more\n  line two\n", {"name": "line one{s} more line two\n"}),
    ("name: a{s}b\n", {"name": "a{s}b"}),
    ("name: 'a{s}b'\n", {"name": "a{s}b"}),
])
def test_a_unicode_separator_is_an_ordinary_character_as_in_yaml_1_2(parser, separator, middle, data):
    """In YAML 1.2 only CR and LF break lines: NEL, U+2028 and U+2029 in a comment, a block
    scalar or any scalar are characters of the line, read alike by both parsers."""
    result = loader.load_text(CLEAN.format(middle=middle.format(s=separator)))
    assert result.problems == []
    [plan] = result.documents
    assert plan.data == {"aiplan": 1, **{k: v.format(s=separator) for k, v in data.items()}, "owner": "team@example.com"}
    owner = plan.key_spans[("owner",)]
    assert (owner.line, owner.column) == (CLEAN.format(middle=middle).count("\n"), 1)


@pytest.mark.parametrize("middle, line", [
    ("# a comment\n still the comment\n", 3),             # ` still...` is content, indented under `aiplan`
    ("name: |\n  line one\nmore\n  line two\n", 6),        # `more` ends the block scalar and is no key
])
def test_a_real_line_break_at_the_same_place_is_still_a_syntax_error(parser, middle, line):
    [problem] = loader.load_text(CLEAN.format(middle=middle)).problems
    assert problem.rule == "PLAN001" and problem.violation.span.line == line


def test_a_separator_is_read_back_without_touching_an_escaped_private_use_character(parser):
    # The parser reads the separator as a private-use character the text neither holds nor
    # escapes: `\uE000` here must stay U+E000, and the separator come back as itself.
    [plan] = loader.load_text('aiplan: 1\n# note\u2028x\nname: "\\ue000 \\uE001"\nowner: "\ue002"\n').documents
    assert plan.data == {"aiplan": 1, "name": "\ue000 \ue001", "owner": "\ue002"}


def test_a_syntax_error_message_shows_the_separator_not_its_stand_in(parser):
    # A tag cannot hold U+2028; the pure parser's message quotes the character it found
    # (`expected ' ', but found '\u2028'`), never the private-use one it read instead.
    [problem] = loader.load_text("aiplan: 1\nname: !a\u2028b x\n").problems
    assert problem.rule == "PLAN001" and problem.violation.span.line == 2
    assert not any("\ue000" <= char <= "\uf8ff" for char in problem.violation.message)
    assert "\\ue0" not in problem.violation.message


def test_an_undecodable_byte_is_named_in_hexadecimal():
    text, problem = loader.decode(b"aiplan: 1\nname: \xff\n")
    assert text is None
    assert problem.violation.message == "the file is not valid UTF-8: byte 16 (0xFF) cannot be decoded"


@pytest.mark.parametrize("text, lines", [
    ("", []),
    ("a", ["a"]),
    ("a\n", ["a"]),
    ("a\n\n", ["a", ""]),
    ("a\r\nb\rc\nd", ["a", "b", "c", "d"]),
    ("a\fb\x0bc\x1cd\x85e\u2028f\u2029g\n", ["a\fb\x0bc\x1cd\x85e\u2028f\u2029g"]),   # str.splitlines: 7 lines
    ("a\u2028\r\n", ["a\u2028"]),
])
def test_split_lines_counts_as_line_column(text, lines):
    assert split_lines(text) == lines
    assert len(lines) == (line_column(text, len(text))[0] - (1 if text.endswith(("\n", "\r")) else 0) if text else 0)


# ---------------------------------------------------------------------------
# Anchor names: YAML 1.2 ends one only at a space, a tab, CR, LF or a flow indicator.

@pytest.mark.parametrize("inside", ["\x85", "\xa0", "\u2028", "\u2029"])
def test_an_anchor_name_holding_a_yaml_1_2_character_is_read_whole(parser, inside):
    # NEL, NBSP and the separators are characters of the name (Python's `\s` is not YAML's).
    result = loader.load_text(f"aiplan: 1\nname: &a{inside}b x\nowner: *a{inside}b\n")
    assert result.problems == []
    assert result.documents[0].data == {"aiplan": 1, "name": "x", "owner": "x"}


@pytest.mark.parametrize("inside", ["\x85", "\xa0", "\u2028"])
def test_an_alias_naming_a_longer_anchor_than_the_one_defined_is_undefined(parser, inside):
    # `&a` is defined, `*a<NEL>b` is another name: the same finding at the same place with either parser.
    [problem] = loader.load_text(f"aiplan: 1\nname: &a x\nowner: *a{inside}b\n").problems
    assert problem.rule == "PLAN001" and "undefined alias" in problem.violation.message
    assert (problem.violation.span.line, problem.violation.span.column) == (3, 8)


# ---------------------------------------------------------------------------
# Stand-ins: the characters the parser reads in place of NEL, U+2028 and U+2029.

EVERY_BMP_PRIVATE_USE = "".join(map(chr, range(0xE000, 0xF900)))


def test_a_plan_holding_every_bmp_private_use_character_reads_with_a_separator(parser):
    text = f"aiplan: 1\nname: x\x85y\nowner: a@b.c\n# {EVERY_BMP_PRIVATE_USE}\ndescription: \"\\U000F0000\"\n"
    result = loader.load_text(text)
    assert result.problems == []
    assert result.documents[0].data == {"aiplan": 1, "name": "x\x85y", "owner": "a@b.c", "description": "\U000F0000"}


def test_stand_ins_come_from_the_supplementary_private_use_planes_when_the_bmp_is_taken():
    stand_ins = loader._stand_ins(f"\x85\u2029 {EVERY_BMP_PRIVATE_USE} \\U000F0000 \\U000f0001 \U000F0002")
    assert stand_ins == {"\x85": "\U000F0003", "\u2029": "\U000F0004"}


def test_hex_digits_that_are_no_escape_do_not_rule_a_stand_in_out():
    text = "\x85\u2028\u2029 # e000 E001 u+e002 \\xe003\n"
    assert loader._stand_ins(text) == {"\x85": "\ue000", "\u2028": "\ue001", "\u2029": "\ue002"}


class _CountedSearches(str):
    """A text that counts the searches made in it: each reads the whole text."""

    searches = 0

    def __contains__(self, part):
        type(self).searches += 1
        return super().__contains__(part)

    def find(self, *args):
        type(self).searches += 1
        return super().find(*args)


def test_the_search_for_stand_ins_reads_the_text_a_bounded_number_of_times(monkeypatch):
    # Every BMP private-use character, and the hex code of each in a comment: a search per
    # candidate code point read this 2 MB text 6,400 times over (8.5 s).
    hexes = "".join(f"# {code:x}\n" for code in range(0xE000, 0xF8FF))
    monkeypatch.setattr(_CountedSearches, "searches", 0)
    text = _CountedSearches(f"\x85{EVERY_BMP_PRIVATE_USE}\n{hexes}")
    assert loader._stand_ins(text) == {"\x85": "\U000F0000"}
    assert _CountedSearches.searches <= 3


def test_no_free_stand_in_is_a_finding_at_the_character(parser, monkeypatch):
    # Over a million different characters would take every one; a narrower pool shows the path.
    monkeypatch.setattr(loader, "_STAND_IN_RANGES", ((0xE000, 0xE003),))
    [problem] = loader.load_text("aiplan: 1\n# \ue000 \\ue001 \ue002\nname: x\u2028y\n").problems
    assert problem.rule == "PLAN007"
    assert (problem.violation.span.line, problem.violation.span.column) == (3, 8)
    assert "LINE SEPARATOR (U+2028) at line 3, column 8" in problem.violation.message
    assert loader.load_text("aiplan: 1\n# \ue000 \\ue001\nname: x\u2028y\n").problems == []


# ---------------------------------------------------------------------------
# A YAML 1.1 plan breaking lines with NEL: the syntax error names the character.

@pytest.mark.parametrize("separator, name", [("\x85", "NEL (U+0085)"), ("\u2028", "LINE SEPARATOR (U+2028)")])
def test_a_syntax_error_after_a_yaml_1_1_line_break_names_it(parser, separator, name):
    [problem] = loader.load_text(f"aiplan: 1{separator}name: x{separator}owner: a@b.c\n").problems
    assert problem.rule == "PLAN001" and problem.violation.span.line == 1
    assert problem.violation.message.endswith(
        f"; the {name} at line 1, column 10 is a line break only in YAML 1.1: "
        "aiplan reads YAML 1.2, where it is an ordinary character of the line")
    assert problem.violation.fix == (
        f"Replace the {name} at line 1, column 10 with a line feed if it is meant to end the line.")


def test_a_syntax_error_away_from_a_yaml_1_1_line_break_does_not_blame_it(parser):
    [problem] = loader.load_text('aiplan: 1\nname: "x\x85y"\nowner: [a\n').problems
    assert problem.rule == "PLAN001" and "NEL" not in problem.violation.message
    assert "NEL" not in problem.violation.fix


def test_stand_ins_come_from_the_next_private_use_plane_when_the_text_holds_the_first(parser):
    taken = "".join(chr(code) for code in range(0xE000, 0xF900))
    [plan] = loader.load_text(f"aiplan: 1\nname: '{taken}'\n# a\u2028b\nowner: x\n").documents
    assert plan.data == {"aiplan": 1, "name": taken, "owner": "x"}
