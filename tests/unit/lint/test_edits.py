"""Resolving a rule's Edit to exact source text, and the safe-replacement choice behind PLAN002 fixes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiplan.core.text import SourceText
from aiplan.lint.edits import render_scalar
from aiplan.lint.engine import lint_bytes
from aiplan.fix.fixer import fix_bytes
from aiplan.parse.loader import load_text
from aiplan.core.suggest import safe_replacement
from aiplan.testing import build_context, lint_yaml


@pytest.mark.parametrize("original, old, new, expected", [
    ("finetuning", "finetuning", "fine_tuning", "fine_tuning"),
    ("'RAG'", "RAG", "rag", "'rag'"),
    ('"RAG"', "RAG", "rag", '"rag"'),
    ("'it''s'", "it's", "its", "'its'"),
    ("&anchor RAG", "RAG", "rag", "&anchor rag"),
    ("&a\t'RAG'", "RAG", "rag", "&a\t'rag'"),
    ('"1"', "1", 1, "1"),              # quotes dropped on purpose
    ("'1.50'", "1.50", 1.5, "1.50"),    # the digits as written
    ("1.0", 1.0, 1, "1"),
    ("yes", "yes", True, "true"),
    ('"off"', "off", False, "false"),
    ("Draft", "Draft", "true", "'true'"),  # would read back as a boolean
    ("Draft", "Draft", "a: b", "'a: b'"),
    ("Draft", "Draft", "yes", "'yes'"),
    ('"x"', "x", 'say "hi"', '"say \\"hi\\""'),
])
def test_render_scalar_keeps_style_and_anchor(original, old, new, expected):
    assert render_scalar(original, old, new) == expected


@pytest.mark.parametrize("original, old", [
    ("*alias", "RAG"),             # an alias: the anchor is where the value lives
    ("!!str 1", "1"),              # an explicit tag is a statement of intent
    ("!custom RAG", "RAG"),
    (">\n  rag", "rag\n"),         # block scalar
    ("|-\n  rag", "rag"),
    ("fine\n  tuning", "fine tuning"),  # multi-line plain scalar
    ('"fine\\x20tuning"', "fine tuning"),  # escapes: not rewritten
    ("RAG", "rag"),                # the text does not read the value the rule saw
    ("'RAG'", 5),
    ("", "x"),
    ("{a: 1}", {"a": 1}),
])
def test_render_scalar_refuses_what_it_cannot_rewrite_in_place(original, old):
    assert render_scalar(original, old, "rag") is None


def test_keys_are_never_given_non_string_values():
    assert render_scalar("evidance", "evidance", 1, key=True) is None
    assert render_scalar("evidance", "evidance", "evidence", key=True) == "evidence"
    assert render_scalar('"evid ance"', "evid ance", "evidence", key=True) == '"evidence"'


@pytest.mark.parametrize("text, breaks", [
    ("a\nb\nc", "\n"), ("a\r\nb\r\nc", "\r\n"), ("a\rb\rc", "\r"),
])
def test_source_offsets_follow_the_line_breaks(text, breaks):
    source = SourceText(text)
    assert source.offset(1, 1) == 0
    assert text[source.offset(2, 1)] == "b"
    assert text[source.offset(3, 1)] == "c"
    assert source.offset(4, 1) is None and source.offset(1, 5) is None
    assert source.line_column(source.offset(3, 1)) == (3, 1)


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_unicode_separators_do_not_end_a_line(separator):
    """YAML 1.1 (libyaml) breaks lines there; YAML 1.2, editors and aiplan do not."""
    source = SourceText(f"a{separator}b\nc")
    assert source.offset(1, 3) == 2 and source.offset(2, 1) == 4
    assert source.line_column(2) == (1, 3)


def test_source_offsets_match_parser_positions_with_crlf_and_unicode():
    # NEL is a character of its line (YAML 1.2), in a quoted and in a plain scalar.
    text = "a: é😀\r\nb: {x: 1, yy: zz}\rc: \"q\x85\"\nd: 1\x85x\n"
    plan = load_text(text).documents[0]
    source = SourceText(text)
    for path, expected in [(("a",), "é😀"), (("b", "yy"), "zz"), (("c",), '"q\x85"'), (("d",), "1\x85x")]:
        start, end = source.range(plan.value_spans[path])
        assert text[start:end] == expected


@pytest.mark.parametrize("word, candidates, expected", [
    ("evidance", ["present", "evidence"], "evidence"),
    ("held_0ut", ["size", "path", "held_out"], "held_out"),
    ("finetuning", ["prompt_engineering", "rag", "fine_tuning", "hybrid"], "fine_tuning"),
    ("Fine Tuning", ["prompt_engineering", "rag", "fine_tuning", "hybrid"], "fine_tuning"),
    ("RAG", ["prompt_engineering", "rag", "fine_tuning", "hybrid"], "rag"),
    ("prompt-engineering", ["prompt_engineering", "rag", "fine_tuning", "hybrid"], "prompt_engineering"),
    ("fine_tune", ["prompt_engineering", "rag", "fine_tuning", "hybrid"], None),  # three edits away
    ("sise", ["size", "site"], None),        # two candidates equally close
    ("dayly", ["daily", "weekly"], "daily"),
    ("quartly", ["quarterly", "yearly"], "quarterly"),
    ("ab", ["abc", "abd"], None),
    ("xyz", ["rag"], None),
    (5, ["rag"], None),
])
def test_safe_replacement(word, candidates, expected):
    assert safe_replacement(word, candidates) == expected


def test_schema_offers_no_rename_that_would_duplicate_a_key():
    findings = lint_yaml("""
        aiplan: 1
        name: Dup
        gaps:
          knowledge:
            present: true
            evidence: a
            evidance: b
          behavior:
            presnt: true
            presnet: true
    """, select=["PLAN002"])
    assert findings and not any(f.fix_available for f in findings)


def test_version_fix_for_string_and_float_versions():
    for version in ('"1"', "'1'", "1.0", "1.00"):
        (finding,) = lint_yaml(f"aiplan: {version}\nname: V\n", select=["PLAN003"])
        assert finding.fix_available and finding.edits[0].content == "1"
    (finding,) = lint_yaml("aiplan: 2\nname: V\n", select=["PLAN003"])
    assert not finding.fix_available


# --------------------------------------------------------------------------
# Property: whatever the formatting, only the misspelled tokens change.

ENUMS = st.sampled_from([
    ("finetuning", "fine_tuning"), ("Fine Tuning", "fine_tuning"), ("fine-tuning", "fine_tuning"),
    ("RAG", "rag"), ("prompt-engineering", "prompt_engineering"), ("hybrid", "hybrid"), ("Hybird", "hybrid"),
])
STATUSES = st.sampled_from([("Done", "done"), ("in-progress", "in_progress"), ("done", "done"), ("Not Started", "not_started")])
KEYS = st.sampled_from([("evidance", "evidence"), ("evidence", "evidence"), ("evidence", "evidence")])
GAPS = st.sampled_from([("behaviour", "behavior"), ("behavior", "behavior")])
VERSIONS = st.sampled_from([('"1"', "1"), ("'1'", "1"), ("1.0", "1"), ("1", "1")])
COMMENTS = st.sampled_from(["", "  # note", " #x", "\t# tab"])


@st.composite
def formatted_plans(draw):
    """A plan with random typos and formatting, and the same plan fixed by hand."""
    indent = " " * draw(st.sampled_from([2, 3, 4]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.sampled_from(["", "'", '"']))
    seq_indent = draw(st.sampled_from(["", indent]))
    pairs = []  # (input line, expected line)

    def add(before, after=None):
        comment = draw(COMMENTS)
        pairs.append((before + comment, (before if after is None else after) + comment))
        for _ in range(draw(st.integers(0, 1))):
            extra = draw(st.sampled_from(["", "# a comment line", indent + "# indented", "   "]))
            pairs.append((extra, extra))

    version = draw(VERSIONS)
    add(f"aiplan: {version[0]}", f"aiplan: {version[1]}")
    add("name: Generated plan")
    approach = draw(ENUMS)
    add(f"approach: {quote}{approach[0]}{quote}", f"approach: {quote}{approach[1]}{quote}")
    add("gaps:")
    add(f"{indent}knowledge:")
    add(f"{indent * 2}present: true")
    key = draw(KEYS)
    add(f"{indent * 2}{key[0]}: some text, with a comma", f"{indent * 2}{key[1]}: some text, with a comma")
    gap = draw(GAPS)
    if draw(st.booleans()):
        add(f"{indent}{gap[0]}: {{present: false}}", f"{indent}{gap[1]}: {{present: false}}")
    else:
        add(f"{indent}{gap[0]}:", f"{indent}{gap[1]}:")
        add(f"{indent * 2}present: false")
    add("baseline:")
    add(f"{indent}prompt_engineering:")
    status = draw(STATUSES)
    add(f"{indent * 2}status: &st {status[0]}", f"{indent * 2}status: &st {status[1]}")
    add(f"{indent * 2}techniques:")
    add(f"{indent * 2}{seq_indent}- few-shot", f"{indent * 2}{seq_indent}- few_shot")
    add(f"{indent * 2}{seq_indent}- system_prompt")
    final = draw(st.sampled_from([newline, ""]))
    before = newline.join(p[0] for p in pairs) + final
    after = newline.join(p[1] for p in pairs) + final
    return before.encode(), after.encode()


@settings(max_examples=40, deadline=None)
@given(formatted_plans())
def test_fix_changes_only_the_misspelled_tokens(plan):
    source, expected = plan
    ctx = build_context()

    def lint(data):
        return lint_bytes(data, "p", ctx)

    result = fix_bytes(source, lint)
    assert result.fixed == expected
    assert not fix_bytes(result.fixed, lint).changed
    assert not [f for f in result.after.findings if f.rule == "PLAN002"]


def test_fix_yaml_helper_for_rule_authors():
    from aiplan.testing import fix_yaml

    assert fix_yaml("""
        aiplan: '1'   # keep me
        name: Helper
        approach: Prompt Engineering
    """) == "aiplan: 1   # keep me\nname: Helper\napproach: prompt_engineering\n"
