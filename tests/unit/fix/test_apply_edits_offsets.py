"""apply_edits with several edits: each replacement lands where its edit says, and the
reported start of each replacement accounts for every earlier length change."""

import pytest

from aiplan.core.findings import TextEdit
from aiplan.fix.fixer import apply_edits

TEXT = "a: one\nb: two\nc: three\n"


def test_two_edits_given_back_to_front_report_starts_in_the_order_given():
    later = TextEdit(3, 4, 3, 9, "three", "3")          # shrinks by 4
    earlier = TextEdit(1, 4, 1, 7, "one", "eleven")      # grows by 3
    new, starts = apply_edits(TEXT, [later, earlier])
    assert new == "a: eleven\nb: two\nc: 3\n"
    assert starts == [new.index("3\n"), 3]
    assert new[starts[0]:starts[0] + 1] == "3" and new[starts[1]:starts[1] + 6] == "eleven"


def test_three_edits_on_three_lines():
    edits = [TextEdit(1, 4, 1, 7, "one", "1"), TextEdit(2, 4, 2, 7, "two", "22"), TextEdit(3, 4, 3, 9, "three", "333")]
    new, starts = apply_edits(TEXT, edits)
    assert new == "a: 1\nb: 22\nc: 333\n"
    assert [new[s:s + len(e.content)] for s, e in zip(starts, edits)] == ["1", "22", "333"]
    assert starts == [3, 8, 14]


def test_adjacent_edits_are_not_overlapping():
    new, starts = apply_edits("ab\n", [TextEdit(1, 2, 1, 3, "b", "B"), TextEdit(1, 1, 1, 2, "a", "AA")])
    assert (new, starts) == ("AAB\n", [2, 0])


def test_overlapping_or_misplaced_edits_are_refused():
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits(TEXT, [TextEdit(1, 1, 1, 5, "a: o", "x"), TextEdit(1, 4, 1, 7, "one", "y")])
    with pytest.raises(ValueError, match="does not match"):
        apply_edits(TEXT, [TextEdit(9, 1, 9, 2, "z", "y")])


def test_an_insertion_is_an_edit_of_an_empty_range():
    new, starts = apply_edits(TEXT, [TextEdit(2, 4, 2, 4, "", "very ")])
    assert (new, starts) == ("a: one\nb: very two\nc: three\n", [10])


@pytest.mark.parametrize("edit", [
    TextEdit(1, 4, 9, 1, "one", "1"),       # ends past the text
    TextEdit(9, 1, 1, 7, "a: one", "1"),    # starts past the text
    TextEdit(1, 7, 1, 4, "", "1"),          # ends before it starts
])
def test_an_edit_outside_the_text_is_refused_by_where_it_is(edit):
    with pytest.raises(ValueError) as raised:
        apply_edits(TEXT, [edit])
    assert str(raised.value) == f"edit at {edit.line}:{edit.column} does not match the text"


def test_overlapping_edits_are_refused_by_name():
    with pytest.raises(ValueError) as raised:
        apply_edits(TEXT, [TextEdit(1, 1, 1, 5, "a: o", "x"), TextEdit(1, 4, 1, 7, "one", "y")])
    assert str(raised.value) == "overlapping edits"
