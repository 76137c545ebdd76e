"""Exact refusals and renderings of `render_scalar` and `resolve_edits` (surviving mutants
of issue 13): which replacement texts can be written in place, and in which style."""

import pytest

from aiplan.core.findings import Edit, TextEdit
from aiplan.lint.edits import SourceText, render_scalar, resolve_edits
from aiplan.parse.loader import load_text


@pytest.mark.parametrize("new", [
    "a\x85b", "a\u2028b", "a\u2029b",   # line breaks to some reader, though not control characters
    "a\tb", "a\x01b", "a\x1fb",          # control characters other than line breaks
    "a\x7fb",                            # DEL
    "a\nb", "a\rb",
])
def test_a_replacement_with_a_break_or_control_character_is_not_written(new):
    for original in ("Draft", "'Draft'", '"Draft"'):
        assert render_scalar(original, "Draft", new) is None


@pytest.mark.parametrize("new, expected", [
    ("a b", "a b"),          # a space is printable
    ("a~b", "'a~b'"),        # printable, but not safe unquoted
    ("caf\u00e9", "'caf\u00e9'"),
])
def test_a_printable_replacement_is_written(new, expected):
    assert render_scalar("Draft", "Draft", new) == expected


@pytest.mark.parametrize("original, new, expected", [
    ("'Draft'", "it's", "'it''s'"),            # single quotes double inside single quotes
    ("Draft", "it's", "'it''s'"),              # a plain scalar that cannot stay plain
    ('"Draft"', "it's", '"it\'s"'),
    ('"Draft"', "a\\b", '"a\\\\b"'),           # backslashes escaped inside double quotes
    ('"Draft"', 'say "a\\b"', '"say \\"a\\\\b\\""'),
    ("'Draft'", "a\\b", "'a\\b'"),             # and left alone inside single quotes
])
def test_quotes_and_backslashes_are_escaped_for_the_style_kept(original, new, expected):
    assert render_scalar(original, "Draft", new) == expected


# --------------------------------------------------------------------------
# resolve_edits: from a rule's Edit to text on the source

TEXT = "name: Plan\nstatus: Draft\nlist: [a, b]\n"


def _resolve(*edits, path=("name",)):
    return resolve_edits(tuple(edits), tuple(path), load_text(TEXT).documents[0], SourceText(TEXT))


def test_an_edit_with_its_own_path_edits_that_node_not_the_violations():
    assert _resolve(Edit("draft", path=("status",))) == (TextEdit(2, 9, 2, 14, "Draft", "draft"),)
    assert _resolve(Edit("state", at="key", path=("status",))) == (TextEdit(2, 1, 2, 7, "status", "state"),)
    assert _resolve(Edit("Other")) == (TextEdit(1, 7, 1, 11, "Plan", "Other"),)


def test_edits_that_cannot_be_placed_resolve_to_nothing():
    assert _resolve(Edit("x", at="key"), path=()) == ()             # the root has no key
    assert _resolve(Edit("x", at="key"), path=("list", 0)) == ()    # nor has a list item
    assert _resolve(Edit("x"), path=("missing",)) == ()
    assert _resolve(Edit(1, at="key")) == ()                         # a key is renamed to a string
    assert _resolve(Edit("x", at="tag")) == ()
    assert _resolve("not an Edit") == ()
    # Edits of one violation apply together or not at all.
    assert _resolve(Edit("Other"), Edit("x", path=("missing",))) == ()
    assert _resolve(Edit("Other"), Edit("Else")) == ()               # two edits of one node overlap


def test_a_key_that_reads_as_a_number_or_null_is_renamed_as_the_string_it_is():
    # Mapping keys are strings to the plan (`1:` is the key "1"), so a key edit compares the
    # key's text with the key, not with what the text would read as in a value.
    text = "1: a\nnull: b\nyes: c\n"
    plan = load_text(text).documents[0]
    for line, key in enumerate(("1", "null", "yes"), start=1):
        assert resolve_edits((Edit("x", at="key"),), (key,), plan, SourceText(text)) == (
            TextEdit(line, 1, line, 1 + len(key), key, "x"),)


@pytest.mark.parametrize("original, old", [
    ('"Draft"', "Other"),       # a double-quoted scalar that reads something else
    ('"a\\\\b"', "a\\\\b"),     # its text between the quotes, but it reads `a\b`: escapes are not compared
    ("'Draft'", "Other"),
    ("Draft", "Other"),
])
def test_an_original_that_does_not_read_old_is_not_rewritten(original, old):
    assert render_scalar(original, old, "x") is None


def test_only_a_tag_alias_block_or_anchor_indicator_stops_a_plain_rewrite():
    assert render_scalar("XL", "XL", "L") == "L"          # a plain scalar starting with a letter
    for original in ("!str Draft", "*draft", "|", ">", "&"):
        assert render_scalar(original, "Draft", "x") is None


def test_a_plain_key_or_value_is_rewritten_only_when_it_reads_old():
    assert render_scalar("evidance", "evidance", "evidence", key=True) == "evidence"
    assert render_scalar("evidance", "evidence", "x", key=True) is None
    assert render_scalar(".nan", float("nan"), 0.5) == "0.5"
    assert render_scalar(".nan", 1.5, 0.5) is None         # NaN equals only NaN
    assert render_scalar("1.5", float("nan"), 0.5) is None
