"""Data paths that name something but yield no data: a dangling link (one finding, EVAL003's, that
says it is a link and names its target) and a glob that matches no data file.

Links and files beside the plan cannot live in a rule fixture: the plans are set up here."""

import os
import pathlib

import pytest

from aiplan.testing import lint_yaml

PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: {training}
        examples: {examples}
      evaluation:
        held_out:
          path: {held_out}
          size: 2
          disjoint_from_training: true
"""
RULES = ["EVAL003", "EVID001", "EVID005", "EVID007", "EVID008"]


def _records(path: pathlib.Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{{"prompt": "question {n}", "completion": "a"}}\n' for n in range(count)),
                    encoding="utf-8")


@pytest.fixture
def repository(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    _records(root / "data" / "ft" / "train.jsonl", 5)
    _records(root / "data" / "ft" / "held_out.jsonl", 2)
    (root / "aiplan.yaml").write_text("aiplan: 1\n", encoding="utf-8")
    return root


def _found(root, training="data/ft/train.jsonl", held_out="data/ft/held_out.jsonl", examples=5):
    plan = PLAN.format(training=training, held_out=held_out, examples=examples)
    return [(f.rule, f.line, f.message) for f in lint_yaml(plan, select=RULES, base_dir=str(root))]


def test_a_dangling_link_is_one_eval003_finding_that_names_its_target(repository):
    os.symlink("nowhere.jsonl", repository / "data" / "ft" / "broken.jsonl")
    assert _found(repository, held_out="data/ft/broken.jsonl") == [(
        "EVAL003", 10, "`fine_tuning.evaluation.held_out.path` names `data/ft/broken.jsonl`, a link to "
        "`nowhere.jsonl`, which does not exist")]


def test_a_link_to_a_file_that_exists_is_read_as_that_file(repository):
    # Near-identical: the link's target is there, so nothing is reported.
    os.symlink("held_out.jsonl", repository / "data" / "ft" / "linked.jsonl")
    assert _found(repository, held_out="data/ft/linked.jsonl") == []


def test_a_missing_file_that_is_no_link_keeps_the_plain_message(repository):
    assert _found(repository, held_out="data/ft/nowhere.jsonl") == [(
        "EVAL003", 10, "`fine_tuning.evaluation.held_out.path` names `data/ft/nowhere.jsonl`, which does not "
        "exist relative to the plan's directory")]
