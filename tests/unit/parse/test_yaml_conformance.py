"""YAML conformance: the official YAML test suite through the whole lint engine,
and the YAML 1.2 rules aiplan enforces on top of its parsers.

The corpus is read from ``$AIPLAN_YAML_TEST_SUITE``, by default
``../shared/corpora/yaml-test-suite`` beside the checkout (where CI has it).
Each case is a folder with ``in.yaml``; a file named ``error`` beside it marks a
case a conforming parser must reject.
"""

import os
import pathlib

import pytest

from conftest import ROOT, counting_calls

from aiplan.parse import loader
from aiplan.parse.loader import load_text, parse_documents
from aiplan.testing import build_context

SUITE = pathlib.Path(os.environ.get("AIPLAN_YAML_TEST_SUITE") or ROOT.parent / "shared" / "corpora" / "yaml-test-suite")
CASES = SUITE / "cases"

# Valid YAML that aiplan's parsers reject (libyaml 0.1.7 in ruamel.yaml.clib,
# and ruamel.yaml's pure-Python parser, read as libyaml reads it by
# aiplan.parse.pure and asked for a second opinion), so aiplan reports PLAN001
# for it, with the C extension and without. Kept strict: when a parser upgrade
# fixes one, the test fails and the entry must go. docs/yaml-conformance.md lists them.
TABS = "a tab used as separating white space (both parsers accept tabs in only some of the places YAML allows)"
FLOW_KEY = "a flow mapping key whose `:` is on a later line than the key (`{\"a\"\\n: b}`)"
EMPTY_FLOW_NODE = "an empty (or tag-only) node in a flow collection (`[ : x ]`, `{a: !!str, !!str : b}`)"
NO_DOCUMENT = "a `...` document end marker with no document before it"
KNOWN_FALSE_REJECTIONS = {
    "4MUZ-00": FLOW_KEY, "4MUZ-01": FLOW_KEY, "4MUZ-02": FLOW_KEY, "5MUD": FLOW_KEY, "9SA2": FLOW_KEY,
    "K3WX": FLOW_KEY, "NJ66": FLOW_KEY, "UT92": FLOW_KEY, "VJP3-01": FLOW_KEY,
    "CFD4": EMPTY_FLOW_NODE, "WZ62": EMPTY_FLOW_NODE,
    "6BCT": TABS, "6CA3": TABS, "A2M4": TABS, "DK95-00": TABS, "DK95-03": TABS, "DK95-04": TABS,
    "Q5MG": TABS, "Y79Y-010": TABS,
    "HWV9": NO_DOCUMENT, "M7A3": NO_DOCUMENT, "QT73": NO_DOCUMENT,
    "BEC7": "`%YAML 1.3`: a later minor version must be read with a warning; both parsers refuse it",
}
# The parser each case is read with: the C parser (with the pure one's second
# opinion), and the pure one alone, as on an installation without the C extension.
PARSERS = ("c", "pure")
# Invalid YAML that aiplan accepts: none (see aiplan.parse.conformance for the
# rules checked on top of the parsers to get here).
KNOWN_FALSE_ACCEPTANCES: dict[str, str] = {}

if CASES.is_dir():
    CASE_IDS = sorted(p.name for p in CASES.iterdir() if (p / "in.yaml").is_file())
else:
    CASE_IDS = []


@pytest.fixture(scope="module")
def context():
    return build_context()


def _params():
    if not CASE_IDS:
        return [pytest.param(None, None, marks=pytest.mark.skip(
            reason=f"YAML test suite not found at {CASES}; set AIPLAN_YAML_TEST_SUITE to its folder"))]
    params = []
    for parser in PARSERS:
        for case in CASE_IDS:
            reason = KNOWN_FALSE_REJECTIONS.get(case) or KNOWN_FALSE_ACCEPTANCES.get(case)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(parser, case, marks=marks, id=f"{parser}-{case}"))
    return params


@pytest.mark.parametrize("parser, case", _params())
def test_yaml_test_suite_case(parser, case, context, monkeypatch):
    from aiplan.lint.engine import lint_file

    if parser == "pure":
        monkeypatch.setattr(loader, "_c_parser", lambda: None)  # as without ruamel.yaml.clib
    elif loader._c_parser() is None:  # pragma: no cover - depends on the installation
        pytest.skip("ruamel.yaml.clib is not installed")

    folder = CASES / case
    source = folder / "in.yaml"
    must_reject = (folder / "error").exists()
    with counting_calls() as work:
        result = lint_file(str(source), f"{case}/in.yaml", context)  # a traceback fails the test
    assert work.calls < 100_000, f"{case}: {work.calls} calls"  # the largest case today makes ~17,000
    assert not result.errors, [e.describe() for e in result.errors]
    syntax = [f for f in result.findings if f.rule == "PLAN001"]
    if must_reject:
        assert syntax, f"{case} is invalid YAML but gave no PLAN001: {[f.rule for f in result.findings]}"
        lines = source.read_bytes().count(b"\n") + 1
        assert all(1 <= f.line <= lines + 1 and f.column >= 1 for f in syntax), syntax
    else:
        assert not syntax, f"{case} is valid YAML but gave {syntax[0].message} at {syntax[0].line}:{syntax[0].column}"


def test_known_lists_name_real_cases():
    if not CASE_IDS:
        pytest.skip(f"YAML test suite not found at {CASES}; set AIPLAN_YAML_TEST_SUITE to its folder")
    assert set(KNOWN_FALSE_REJECTIONS) <= set(CASE_IDS)
    assert all(not (CASES / case / "error").exists() for case in KNOWN_FALSE_REJECTIONS)


def _reading(text, parser, monkeypatch):
    """What aiplan makes of ``text`` with one parser: each document's data and spans, and the
    rules of its problems (their wording comes from the parser that rejected the text)."""
    with monkeypatch.context() as patch:
        if parser == "pure":
            patch.setattr(loader, "_c_parser", lambda: None)  # as without ruamel.yaml.clib
        result = parse_documents(text)
    documents = [(repr(d.data), dict(d.value_spans), dict(d.key_spans)) for d in result.documents]
    return documents, [p.rule for p in result.problems]


# Invalid cases where the two parsers stop at different places: libyaml reads the
# first document of 3HFZ before it finds `... invalid`, the pure parser fails earlier.
DIFFERENT_PARTIAL_READS = {"3HFZ"}


def test_both_parsers_read_every_case_alike(monkeypatch):
    """The same data, the same spans and the same rules with the C extension and
    without it, for every case of the suite: a finding points at the same place."""
    if not CASE_IDS:
        pytest.skip(f"YAML test suite not found at {CASES}; set AIPLAN_YAML_TEST_SUITE to its folder")
    if loader._c_parser() is None:  # pragma: no cover - depends on the installation
        pytest.skip("ruamel.yaml.clib is not installed")
    differences = []
    for case in CASE_IDS:
        try:
            text = (CASES / case / "in.yaml").read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # decoding is aiplan's, before any parser
        if case not in DIFFERENT_PARTIAL_READS and _reading(text, "c", monkeypatch) != _reading(text, "pure", monkeypatch):
            differences.append(case)
    assert differences == []


# ---------------------------------------------------------------------------
# The rules aiplan.parse.conformance adds, one invalid and one valid neighbour
# each, so they are tested where the corpus is absent too.

def syntax_errors(text):
    return [(p.violation.span.line, p.violation.span.column, p.violation.message)
            for p in load_text(text).problems if p.rule == "PLAN001"]


@pytest.mark.parametrize("invalid, position", [
    ('key: "value"# comment\n', (1, 13)),
    ("[ a, b, c, ]#comment\n", (1, 13)),
    ("[ a, b, c,#comment\n]\n", (1, 11)),
    ("block: ># comment\n  scalar\n", (1, 9)),
    ("%YAML 1.1#...\n---\n", (1, 10)),
])
def test_comment_must_follow_white_space(invalid, position):
    [(line, column, message)] = syntax_errors(invalid)
    assert (line, column) == position and "separated" in message


@pytest.mark.parametrize("valid", [
    'key: "value" # comment\n', "[ a, b ] # comment\n", "[ a, # comment\n  b ]\n", "block: > # comment\n  scalar\n",
    "url: http://example.com/#anchor\n", "key: a#b\n", "%YAML 1.2 # comment\n---\na: 1\n",
])
def test_comments_and_hashes_that_are_fine(valid):
    assert syntax_errors(valid) == []


def test_directive_after_an_unterminated_document():
    [(line, column, message)] = syntax_errors("---\nkey: value\n%YAML 1.2\n---\nother: 1\n")
    assert (line, column) == (3, 1) and "`...`" in message
    assert syntax_errors("---\nkey: value\n...\n%YAML 1.2\n---\nother: 1\n") == []


@pytest.mark.parametrize("invalid, position", [
    ("flow: [a,\nb,\nc]\n", (2, 1)),
    ('quoted: "a\nb"\n', (2, 1)),
    ('foo: "bar\n\tbaz"\n', (2, 1)),
    ("- [\n\tfoo,\n foo\n ]\n", (2, 1)),
])
def test_continuation_lines_must_be_indented(invalid, position):
    [(line, column, message)] = syntax_errors(invalid)
    assert (line, column) == position and "indented" in message


@pytest.mark.parametrize("valid", [
    "flow: [a,\n b,\n c]\n",
    "flow: [\n  a,\n  b,\n]\n",          # a closing bracket at the key's column: accepted on purpose
    "key:\n  [a,\n   b]\n",
    "- [a,\n b]\n",
    '- "a\n  b"\n',
    "[a,\nb]\n",                        # at document level there is no block to indent past
    'quoted: "a\n  \tb"\n',
    "? a\n: [b,\n c]\n",
    "outer:\n  inner: {a: 1,\n    b: 2}\n",
])
def test_continuation_lines_that_are_fine(valid):
    assert syntax_errors(valid) == []


def test_unclosed_bracket_reports_the_parser_error_not_the_indentation():
    [(line, column, message)] = syntax_errors("aiplan: 1\nname: [Broken\napproach: rag\n")
    assert (line, column) == (3, 9) and "expected ',' or ']'" in message


@pytest.mark.parametrize("invalid", ["- [-, -]\n", "[-]\n", "key: {a: -}\n"])
def test_lone_indicator_is_not_a_plain_scalar(invalid):
    [(_, _, message)] = syntax_errors(invalid)
    assert "cannot start a plain scalar" in message


@pytest.mark.parametrize("valid", ["[-1, -x, :x, ?x]\n", "'::': 1\n", "::\n", "- -x\n"])
def test_indicators_followed_by_text_are_fine(valid):
    assert syntax_errors(valid) == []


def test_tag_shorthand_cannot_contain_a_comma_in_block_context():
    [(line, column, message)] = syntax_errors("- !!str, xxx\n")
    assert (line, column) == (1, 8) and "!!str," in message
    assert syntax_errors("- !!str xxx\n- !<tag:yaml.org,2002:str> yyy\n") == []


def test_leading_empty_lines_of_a_block_scalar():
    [(line, _, message)] = syntax_errors("key: >\n \n  \n   \n # text\n")
    assert line == 4 and "empty line" in message
    assert syntax_errors("key: >\n\n \n  text\n") == []
    assert syntax_errors("key: >2\n   \n  text\n") == []


# ---------------------------------------------------------------------------
# The second opinion: valid YAML the C parser rejects is read with the pure parser.

def test_valid_yaml_the_c_parser_rejects_is_read_by_the_pure_parser():
    text = "%FOO reserved directives are ignored\n---\naiplan: 1\nanchors: &a: x\nname: *a:\n"
    result = load_text(text)
    assert not result.problems
    assert result.documents[0].data == {"aiplan": 1, "anchors": "x", "name": "x"}
    assert result.documents[0].value_spans[("name",)].line == 5


def test_the_second_opinion_is_only_asked_for_small_files(monkeypatch):
    text = "%FOO reserved\n---\naiplan: 1\n"
    monkeypatch.setattr(loader, "SECOND_OPINION_MAX_CHARS", len(text) - 1)
    assert [p.rule for p in parse_documents(text).problems] == ["PLAN001"]



@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u00e9"])
def test_a_non_ascii_anchor_name_libyaml_rejects_is_read_or_explained(char, monkeypatch):
    text = f"aiplan: 1\nname: &a{char}b x\nother: *a{char}b\n"
    result = load_text(text)  # a small file: the pure parser's second opinion reads it
    assert not result.problems and result.documents[0].data == {"aiplan": 1, "name": "x", "other": "x"}
    if loader._c_parser() is None:  # pragma: no cover - depends on the installation
        pytest.skip("ruamel.yaml.clib is not installed")
    monkeypatch.setattr(loader, "SECOND_OPINION_MAX_CHARS", len(text) - 1)
    [problem] = parse_documents(text).problems  # too large for it: libyaml's rejection, and why
    message, fix = problem.violation.message, problem.violation.fix
    assert (problem.violation.span.line, problem.violation.span.column) == (2, 9)
    assert "is allowed in an anchor name in YAML 1.2" in message and "read with libyaml alone" in message
    assert "line feed" not in fix and "ASCII letters, digits" in fix


def test_an_anchor_character_neither_parser_reads_gets_no_such_excuse(monkeypatch):
    text = "aiplan: 1\nname: &a\ufeffb x\n"  # a byte order mark: not an anchor character in YAML 1.2 either
    monkeypatch.setattr(loader, "SECOND_OPINION_MAX_CHARS", len(text) - 1)
    [problem] = parse_documents(text).problems
    assert "YAML 1.2" not in problem.violation.message and "ASCII" not in problem.violation.fix

def test_surrogate_pairs_are_joined_and_lone_surrogates_rejected():
    # JSON writes characters outside the BMP as surrogate pairs; YAML reads JSON.
    result = load_text('{"aiplan": 1, "name": "\\ud83d\\ude00 launch"}\n')
    assert result.documents[0].data["name"] == "\U0001F600 launch"
    [(line, _, message)] = syntax_errors('aiplan: 1\nname: "\\ud800 x"\n')
    assert line == 2 and "surrogate" in message


# ---------------------------------------------------------------------------
# aiplan.parse.pure: the pure parser reads what libyaml reads, and places nodes
# where libyaml does. Each case is read with both parsers (the corpus may be absent).

def _both(text, monkeypatch):
    readings = {}
    for parser in PARSERS:
        with monkeypatch.context() as patch:
            if parser == "pure":
                patch.setattr(loader, "_c_parser", lambda: None)
            elif loader._c_parser() is None:  # pragma: no cover - depends on the installation
                continue
            readings[parser] = load_text(text)
    return readings


@pytest.mark.parametrize("text, data", [
    ("a: b\t\nseq:\t\n - a\t\nc: d\t#X\n", {"a": "b", "seq": ["a"], "c": "d"}),  # tabs after a value
    ("block:\t|\n  x\n", {"block": "x\n"}),
    ("---\tscalar\n", "scalar"),
    ("%YAML \t 1.2\n---\na: 1\n", {"a": 1}),
    ("key:\n  value\n  with\n  \t\n  tabs\n", {"key": "value with\ntabs"}),  # a tab inside a plain scalar
    ("key: >\n \n  \n  text\n", {"key": "\n\ntext\n"}),                       # leading empty lines, widening
    ('- [ "a":b ]\n', [[{"a": "b"}]]),                                        # a JSON-like key
    ("- [ a:b ]\n", [["a:b"]]),                                               # but a plain scalar goes on
    ("key: &an:chor value\nother: *an:chor\n", {"key": "value", "other": "value"}),  # libyaml misreads it
])
def test_valid_yaml_reads_alike_with_both_parsers(text, data, monkeypatch):
    for parser, result in _both(text, monkeypatch).items():
        assert not result.problems, (parser, [p.violation.message for p in result.problems])
        assert result.documents[0].data == data, parser


@pytest.mark.parametrize("text", [
    "a: 1\n\tb: 2\n",          # a tab as indentation
    "- a\n\t- b\n",
    "\ta: 1\n",
    "key: |\n \n  \n text\n",  # a leading empty line wider than the text
])
def test_invalid_neighbours_are_rejected_by_both_parsers(text, monkeypatch):
    for parser, result in _both(text, monkeypatch).items():
        assert [p.rule for p in result.problems] == ["PLAN001"], parser


@pytest.mark.parametrize("text, path, line, column", [
    ("a: 1\nempty:\nb: 2\n", ("empty",), 2, 7),              # right after the `:`, on the key's line
    ("anchored: !local &anchor value\n", ("anchored",), 1, 11),  # at the first property
    ("{a: 1, empty: }\n", ("empty",), 1, 15),                # where the next token starts
])
def test_both_parsers_place_nodes_alike(text, path, line, column, monkeypatch):
    for parser, result in _both(text, monkeypatch).items():
        span = result.documents[0].value_spans[path]
        assert (span.line, span.column) == (line, column), parser


def test_a_misread_anchor_is_reported_where_no_second_opinion_is_asked(monkeypatch):
    monkeypatch.setattr(loader, "SECOND_OPINION_MAX_CHARS", 1)
    if loader._c_parser() is None:  # pragma: no cover - depends on the installation
        pytest.skip("ruamel.yaml.clib is not installed")
    [(line, column, message)] = syntax_errors("a: 1\nkey: &an:chor value\n")
    assert (line, column) == (2, 6) and "`an:chor`" in message and "reads `an`" in message
    assert syntax_errors("a: 1\nkey: &an-chor value\n") == []
