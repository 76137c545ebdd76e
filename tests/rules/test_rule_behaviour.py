"""Rule behaviour that fixture files cannot show: options validated centrally,
EVAL003 with and without a directory to check against."""

import pytest

from aiplan.config.selection import ConfigError
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
    ("FT005", {"min_fraction": 1.5}, "must be at most 1"),
    ("FT005", {"min_size": 0}, "must be at least 1"),
    ("FT003", {"min_examples": "500"}, "expected int"),
    ("FT003", {"min_examples": True}, "expected int, got a boolean"),
    ("EVAL003", {"check_paths": "no"}, "expected bool"),
    ("FT003", {"min_example": 100}, "did you mean 'min_examples'"),
])
def test_options_are_validated_centrally(rule, options, message):
    with pytest.raises(ConfigError, match=message):
        build_context(options={rule: options})


def test_float_option_accepts_an_integer():
    plan = """
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      dataset: {examples: 1000}
      evaluation: {held_out: {size: 100}}
    """
    assert lint_yaml(plan, select=["FT005"], options={"FT005": {"min_fraction": 0}}) == []
    assert codes(lint_yaml(plan, select=["FT005"], options={"FT005": {"min_fraction": 1}})) == [("FT005", 6, 33)]
