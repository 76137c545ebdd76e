"""rules/wording.py: how a missing key under a placeholder section is described."""

import pytest

from aiplan.parse.loader import load_text
from aiplan.rules.wording import absence

PATH = ("fine_tuning", "dataset", "quality_review", "reviewed")


@pytest.mark.parametrize("section, said", [
    ("fine_tuning: TBD", "is not set (`fine_tuning` is `TBD`, a placeholder)"),
    ("fine_tuning:\n  dataset: TBD", "is not set (`fine_tuning.dataset` is `TBD`, a placeholder)"),
    ("fine_tuning:\n  dataset:\n    quality_review: TBD",
     "is not set (`fine_tuning.dataset.quality_review` is `TBD`, a placeholder)"),
    ("fine_tuning:\n  dataset:\n    path: data/train.jsonl", "is not set"),
])
def test_a_missing_key_names_the_placeholder_section_above_it_at_any_depth(section, said):
    # A mutant checking every other level survived the rule fixtures: each level is pinned here.
    plan = load_text(f"aiplan: 1\nname: Claims triage\n{section}\n").documents[0]
    assert absence(plan, *PATH) == said


@pytest.mark.parametrize("written, said", [
    ("", "is empty"), ('"  "', "is empty"), ("false", "is `false`"), ("TBD", "is `TBD`, a placeholder"),
    ("none", "is `none`, a placeholder"), ("{}", "is an empty mapping"), ("[]", "is an empty list"),
    ("{model: TBD}", "says nothing (`{model: TBD}`)"), ("[TBD]", "says nothing (`[TBD]`)"),
    # Rules ask only about values that say nothing; a value that says something is quoted as is.
    ("true", "is `true`"), ("0.9", "is `0.9`"), ("weekly", "is `weekly`"),
])
def test_absence_quotes_what_the_plan_wrote(written, said):
    # Each kind of value in absence's docstring; `true` and a plain value no rule fixture reaches.
    plan = load_text(f"aiplan: 1\nname: Claims triage\nsection:\n  key: {written}\n").documents[0]
    assert absence(plan, "section", "key") == said
