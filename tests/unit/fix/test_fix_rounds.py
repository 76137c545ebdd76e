"""Which fixes go into one round (`_batch`), when a round is kept (`_acceptable`), and when
fixing stops because the file's time budget ran out (surviving mutants of issue 13)."""

import dataclasses

import pytest

from aiplan.core.findings import Finding, InternalError, Severity, TextEdit
from aiplan.fix.fixer import _batch, fix_bytes
from aiplan.lint.engine import lint_bytes
from aiplan.testing import build_context

# Offsets:  a: one\n = 0..6, b: two\n = 7..13
TEXT = "a: one\nb: two\n"


def _finding(line, column, *edits, rule="ACME001"):
    return Finding(rule, "test", Severity.WARNING, f"finding at {line}:{column}", "", "p", line, column, line, column,
                   edits=tuple(edits))


def _edit(line, start, end, content="x"):
    """Columns ``start``..``end`` (1-based, end exclusive) of ``line`` in TEXT."""
    original = TEXT.split("\n")[line - 1][start - 1:end - 1]
    return TextEdit(line, start, line, end, original, content)


def test_non_overlapping_fixes_share_a_round():
    one, two = _finding(1, 1, _edit(1, 4, 7)), _finding(2, 1, _edit(2, 4, 7))
    assert _batch(TEXT, [two, one]) == [one, two]  # in file order


def test_adjacent_fixes_share_a_round_whichever_comes_first():
    # `a: ` and `one` touch at offset 3; the finding reported first may edit the later text.
    key, value = _edit(1, 1, 4, "A: "), _edit(1, 4, 7, "1")
    assert _batch(TEXT, [_finding(1, 1, key), _finding(1, 2, value)]) == [_finding(1, 1, key), _finding(1, 2, value)]
    assert _batch(TEXT, [_finding(1, 1, value), _finding(1, 2, key)]) == [_finding(1, 1, value), _finding(1, 2, key)]


def test_an_overlapping_fix_waits_and_the_ones_after_it_do_not():
    first = _finding(1, 1, _edit(1, 4, 7))
    overlapping = _finding(1, 2, _edit(1, 5, 6))
    later = _finding(2, 1, _edit(2, 4, 7))
    assert _batch(TEXT, [first, overlapping, later]) == [first, later]


def test_two_insertions_at_one_point_do_not_share_a_round():
    # Empty ranges never overlap; two at the same offset would land in an arbitrary order.
    first = _finding(1, 1, TextEdit(1, 4, 1, 4, "", "x"))
    second = _finding(1, 2, TextEdit(1, 4, 1, 4, "", "y"))
    assert _batch(TEXT, [first, second]) == [first]


def test_a_fix_whose_edit_no_longer_fits_the_text_is_skipped_not_the_rest():
    stale = _finding(1, 1, TextEdit(1, 4, 1, 7, "six", "6"))
    later = _finding(2, 1, _edit(2, 4, 7))
    assert _batch(TEXT, [stale, later]) == [later]
    half_stale = _finding(1, 1, _edit(1, 4, 7), TextEdit(2, 4, 2, 7, "ten", "10"))
    assert _batch(TEXT, [half_stale, later]) == [later]


# --------------------------------------------------------------------------
# Internal errors and the time budget

SOURCE = b"aiplan: 1\nname: Two\napproach: finetuning\n"
FIXED = SOURCE.replace(b"finetuning", b"fine_tuning")


def _linting_with(errors):
    """Lint for real, adding ``errors(data)`` to the result's internal errors."""
    ctx = build_context()

    def lint(data):
        result = lint_bytes(data, "p", ctx)
        return dataclasses.replace(result, errors=result.errors + tuple(errors(data)))

    return lint


def test_an_internal_error_present_before_the_fix_does_not_block_it():
    broken = InternalError("acme", "ACME001", "failed as always")
    result = fix_bytes(SOURCE, _linting_with(lambda data: [broken]))
    assert result.fixed == FIXED and len(result.applied) == 1


def test_a_fix_that_makes_a_rule_fail_is_not_applied():
    fails_on_fixed = InternalError("acme", "ACME001", "cannot read fine_tuning")
    result = fix_bytes(SOURCE, _linting_with(lambda data: [fails_on_fixed] if b"fine_tuning" in data else []))
    assert result.fixed == SOURCE and result.applied == ()


STOPPED = "checking stopped: the file's time budget ran out while running the rules"


@pytest.mark.parametrize("error, out_of_time", [
    (InternalError("aiplan", "", STOPPED), True),
    (InternalError("aiplan", "PLAN001", STOPPED), False),      # a rule's own failure
    (InternalError("acme", "", STOPPED), False),               # a plugin's words, not the engine's
    (InternalError("aiplan", "", "could not load plugin acme"), False),
])
def test_fixing_stops_only_when_the_engine_says_the_time_ran_out(error, out_of_time):
    result = fix_bytes(SOURCE, _linting_with(lambda data: [error]))
    if out_of_time:
        assert (result.fixed, result.applied) == (SOURCE, ())
        assert result.stopped == "stopped when the file's time budget ran out"
    else:
        assert (result.fixed, result.stopped) == (FIXED, "")


def test_a_fix_that_changes_how_many_documents_the_file_holds_is_not_applied():
    ctx = build_context()

    def lint(data):
        result = lint_bytes(data, "p", ctx)
        # As if the edit had written a `---` line: one more document.
        return dataclasses.replace(result, documents=result.documents + (b"fine_tuning" in data))

    result = fix_bytes(SOURCE, lint)
    assert result.fixed == SOURCE and result.applied == ()
    assert fix_bytes(SOURCE, lambda data: lint_bytes(data, "p", ctx)).fixed == FIXED


def test_bytes_that_would_not_round_trip_are_never_edited_even_with_fixes_on_offer():
    ctx = build_context()
    before = lint_bytes(SOURCE, "p", ctx)
    assert any(f.edits for f in before.findings)
    undecodable = SOURCE + b"# caf\xe9\n"
    result = fix_bytes(undecodable, lambda data: before)
    assert (result.original, result.fixed, result.applied, result.stopped) == (undecodable, undecodable, (), "")
    assert result.before is before and result.after is before


THREE = b"aiplan: 1\nname: Three\napproach: finetuning\nstatus: Draft\nuse_case:\n  data_sensitivity: Confidential\n"


def test_a_refused_fix_is_tried_once_and_the_others_go_on_in_the_same_round():
    """`approach` (first in file order) breaks a rule when fixed: the round of three is refused,
    `approach` alone is refused and ruled out, `status` alone is kept, then `data_sensitivity`."""
    lints = []
    breaks = InternalError("acme", "ACME001", "cannot read fine_tuning")
    linting = _linting_with(lambda data: [breaks] if b"fine_tuning" in data else [])

    def lint(data):
        lints.append(data)
        return linting(data)

    result = fix_bytes(THREE, lint)
    assert result.fixed == THREE.replace(b"Draft", b"draft").replace(b"Confidential", b"confidential")
    assert [f.yaml_path for f in result.applied] == [("status",), ("use_case", "data_sensitivity")]
    assert result.stopped == "" and result.revealed == 0
    assert len(lints) == 5  # the first lint, the round, approach, status, then the last one alone
    assert [f.yaml_path for f in result.after.findings if f.edits] == [("approach",)]  # left, still offered
