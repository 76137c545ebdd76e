"""Rule behaviour that fixture files cannot show: options validated centrally,
EVAL003 with and without a directory to check against, PLAN002 on a plan whose schema
errors the engine did not list."""

import re

import pytest

from aiplan.config.selection import ConfigError
from aiplan.parse.loader import load_text
from aiplan.rules.plan import schema_violation
from aiplan.testing import build_context, codes, lint_yaml

PLAN_WITH_PATH = """
aiplan: 1
name: Support copilot
evaluation:
  eval_sets:
    - path: evals/support-v1.jsonl
"""


def test_eval003_is_silent_without_a_directory():
    # Linted from a string: the engine supplies no file check, so Plan.path_exists() is None.
    assert lint_yaml(PLAN_WITH_PATH, select=["EVAL003"]) == []


def test_eval003_uses_the_engine_file_check():
    asked = []

    def exists(path):
        asked.append(path)
        return False

    assert codes(lint_yaml(PLAN_WITH_PATH, select=["EVAL003"], file_exists=exists)) == [("EVAL003", 5, 13)]
    assert asked == ["evals/support-v1.jsonl"]
    assert lint_yaml(PLAN_WITH_PATH, select=["EVAL003"], file_exists=exists,
                     options={"EVAL003": {"check_paths": False}}) == []


@pytest.mark.parametrize("rule, options, message", [
    ("FT005", {"power": 1.5}, "must be at most 0.9999"),
    ("EVAL004", {"alpha": 0}, "must be at least 0.0001"),
    ("FT005", {"min_size": 0}, "must be at least 1"),
    ("FT003", {"min_examples": "500"}, "expected an integer, got '500' (a string)"),
    ("FT003", {"min_examples": True}, "expected an integer, got true (a boolean)"),
    ("EVAL003", {"check_paths": "no"}, "expected a boolean (`true` or `false`), got 'no' (a string)"),
    ("FT003", {"min_examples": [500]}, "expected an integer, got a list"),
    ("FT003", {"min_example": 100}, "did you mean 'min_examples'"),
])
def test_options_are_validated_centrally(rule, options, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_context(options={rule: options})


def test_float_option_accepts_an_integer():
    from aiplan.core.rule import Option

    assert Option("share", float, 0.5, "A share.", minimum=0, maximum=1).validate(1) == 1


def test_held_out_size_follows_the_plans_numbers_not_the_training_share():
    # 300 held-out examples of 200,000 training examples: a tiny share, and enough to
    # tell 0.75 from 0.9 (needs 59); a share-of-training rule would have asked for 10,000.
    plan = """
    aiplan: 1
    name: Ticket formatter
    baseline:
      prompt_engineering: {status: done, results: [{metric: schema_valid_rate, value: 0.75}]}
    approach: fine_tuning
    fine_tuning:
      dataset: {examples: 200000}
      evaluation: {held_out: {size: 300}}
    evaluation:
      metrics: [{name: Schema-Valid Rate, target: 0.9}]
    """
    assert lint_yaml(plan, select=["FT005"]) == []
    # the same set against a change of 2 points needs far more
    tighter = plan.replace("target: 0.9", "target: 0.77")
    [finding] = lint_yaml(tighter, select=["FT005"])
    assert "is 300" in finding.message and "takes at least 3" in finding.message and "points" in finding.message
    assert lint_yaml(tighter, select=["FT005"], options={"FT005": {"power": 0.5}}) != []


def test_plan002_validates_a_plan_whose_schema_errors_were_not_listed():
    # The engine lists a plan's schema errors once for every rule; a plan from the loader alone
    # (or relocated by the fixer) has none listed, and the rule validates its data itself.
    def problems(text):
        plan = load_text(text).documents[0]
        assert plan.schema_errors is None
        return [(violation.path, violation.message, violation.superseded_by)
                for violation in schema_violation.check(plan, {})]

    # `aiplan` is PLAN003's; placeholder text where a section belongs is a value not given yet,
    # left to the rule that asks for the section (FIT007) wherever that rule is reported.
    assert problems('aiplan: "1"\nname: x\napproach: Prompt Engineering\nrag: TBD\n') == [
        (("approach",), "`approach` is 'Prompt Engineering'; expected one of prompt_engineering, rag, "
                        "fine_tuning, hybrid", ()),
        (("rag",), "`rag` is 'TBD', a placeholder; expected a mapping", ("FIT007",))]
    assert problems("aiplan: 1\nname: x\napproach: rag\nrag: 5\n") == [
        (("rag",), "`rag` is 5 (an integer); expected a mapping", ())]
    assert problems("aiplan: 1\nname: x\napproach: rag\n") == []
