"""Exact refusals and renderings of `render_scalar` and `resolve_edits` (surviving mutants
of issue 13): which replacement texts can be written in place, and in which style."""

import pytest

from aiplan.lint.edits import render_scalar


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
