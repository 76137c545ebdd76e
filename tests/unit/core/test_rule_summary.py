"""A rule's summary is the first line of its cleaned docstring, taken without
cleaning the docstring at start-up (``make_rule`` keeps ``doc`` as written)."""

import inspect

from hypothesis import given, strategies as st

from aiplan.core.rule import first_line, make_rule, split_doc
from aiplan.rules import builtin_rules


def cleaned_first_line(doc: str) -> str:
    cleaned = inspect.cleandoc(doc)
    return cleaned.strip().splitlines()[0].strip() if cleaned.strip() else ""


def test_every_built_in_rule_summary_is_its_cleaned_docstring_first_line():
    for item in builtin_rules():
        assert item.summary == cleaned_first_line(item.doc)
        assert split_doc(item.doc)["summary"] == item.summary


@given(st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\x85\u2028ab#"), max_size=40))
def test_first_line_is_that_of_the_cleaned_docstring(doc):
    assert first_line(doc) == cleaned_first_line(doc)


def test_a_rule_without_a_docstring_is_summarised_by_its_name():
    assert make_rule("ORG001", "no-owner", "error", None, "").summary == "no owner"
    assert make_rule("ORG001", "no-owner", "error", None, "\n   \n\t").summary == "no owner"
