"""--fix where the key it would fix holds a value of the wrong type.

A list or a mapping where a scalar is expected, a number where a string is: --fix never
rewrites such a value, never renames a key onto it (the renamed key would be wrong in its
turn), and keeps every comment and item. Beside each, its near twin: the scalar the fix is
for, which it does fix, quotes and all.
"""

import pytest

from aiplan.fix.fixer import fix_bytes
from aiplan.lint.engine import lint_bytes
from aiplan.testing import build_context

HEAD = "aiplan: 1\nname: x\n"
CTX = build_context(select=["PLAN"])


def _fixed(text: str) -> str:
    result = fix_bytes(text.encode(), lambda data: lint_bytes(data, "p.aiplan.yaml", CTX))
    return result.fixed.decode()


@pytest.mark.parametrize("wrong, right, fixed", [
    # an enum: a list, a mapping, a number, a boolean where a word is expected
    ("approach: [Rag]  # c\n", "approach: Rag  # c\n", "approach: rag  # c\n"),
    ("approach: {x: Rag}  # c\n", "approach: 'Rag'  # c\n", "approach: 'rag'  # c\n"),
    ("approach: 5  # c\n", "approach: Fine Tuning  # c\n", "approach: fine_tuning  # c\n"),
    ("approach: rag\nbaseline:\n  prompt_engineering:\n    status:\n      - Done  # c\n",
     "approach: rag\nbaseline:\n  prompt_engineering:\n    status: Done  # c\n",
     "approach: rag\nbaseline:\n  prompt_engineering:\n    status: done  # c\n"),
    # a boolean: a list or a mapping of boolean words, a number
    ("approach: rag\ngaps:\n  knowledge:\n    present: [yes, no]  # c\n",
     "approach: rag\ngaps:\n  knowledge:\n    present: 'yes'  # c\n",
     "approach: rag\ngaps:\n  knowledge:\n    present: true  # c\n"),
    ("approach: rag\ngaps: {knowledge: {present: {yes: no}}}  # c\n",
     "approach: rag\ngaps: {knowledge: {present: \"no\"}}  # c\n",
     "approach: rag\ngaps: {knowledge: {present: false}}  # c\n"),
    ("approach: rag\ngaps: {knowledge: {present: 1}}\n",
     "approach: rag\ngaps: {knowledge: {present: \"on\"}}\n",
     "approach: rag\ngaps: {knowledge: {present: true}}\n"),
    # an integer: a list of quoted digits, a decimal string
    ("approach: fine_tuning\nfine_tuning:\n  dataset:\n    examples: ['600']  # c\n",
     "approach: fine_tuning\nfine_tuning:\n  dataset:\n    examples: '600'  # c\n",
     "approach: fine_tuning\nfine_tuning:\n  dataset:\n    examples: 600  # c\n"),
    ("approach: fine_tuning\nfine_tuning:\n  dataset:\n    examples: \"600.5\"\n",
     "approach: fine_tuning\nfine_tuning:\n  dataset:\n    examples: \"600\"\n",
     "approach: fine_tuning\nfine_tuning:\n  dataset:\n    examples: 600\n"),
])
def test_a_wrong_typed_value_is_left_as_written(wrong, right, fixed):
    assert _fixed(HEAD + wrong) == HEAD + wrong
    assert _fixed(HEAD + right) == HEAD + fixed


UNDER = HEAD + "approach: rag\nbaseline:\n  prompt_engineering:\n"


@pytest.mark.parametrize("wrong, right, fixed", [
    # a list where a word is expected: renamed, `approach` would be wrong in its turn
    (HEAD + "aproach: [rag, fine_tuning]  # keep\n", HEAD + "aproach: rag  # keep\n",
     HEAD + "approach: rag  # keep\n"),
    (UNDER + "    stauts:\n      - Done  # keep\n      - done\n", UNDER + "    stauts: done  # keep\n",
     UNDER + "    status: done  # keep\n"),
])
def test_a_key_is_not_renamed_onto_a_value_of_the_wrong_type(wrong, right, fixed):
    assert _fixed(wrong) == wrong
    assert _fixed(right) == fixed
    # Nor marked fixable ([*]): the hint still names the key meant.
    (finding,) = [f for f in lint_bytes(wrong.encode(), "p.aiplan.yaml", CTX).findings if "Rename `" in f.fix]
    assert not finding.fix_available


def test_a_renamed_key_whose_value_has_a_fix_of_its_own_gets_both():
    # Renamed, `Rag` is not an approach: the rename is kept because the next fix resolves that.
    assert _fixed(HEAD + "aproach: Rag  # keep\n") == HEAD + "approach: rag  # keep\n"
    banana = HEAD + "aproach: banana  # keep\n"  # no fix for `banana`: neither renamed nor marked [*]
    assert _fixed(banana) == banana
    assert not any(f.fix_available for f in lint_bytes(banana.encode(), "p.aiplan.yaml", CTX).findings)


def test_a_renamed_key_keeps_its_whole_value_and_comments():
    text = (HEAD + "approach: rag\ngaps:\n  knowlege:  # c1\n    present: true  # c2\n"
            "    evidence: |\n      line one\n      line two  # not a comment\n")
    assert _fixed(text) == text.replace("knowlege:", "knowledge:")
