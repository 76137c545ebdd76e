"""A plan reached through a linked folder reads its data: the repository root is resolved as
the data paths compared with it are (one notion of "inside the repository")."""

import json

import pytest

from aiplan.evidence.files import locate, repository_root
from aiplan.run.discovery import Target
from aiplan.run.runner import lint_targets
from aiplan.testing import build_context

PLAN = """aiplan: 1
name: x
approach: fine_tuning
fine_tuning:
  dataset:
    path: data/train.jsonl
    examples: 5
"""


@pytest.fixture
def tree(tmp_path):
    """``real/repo`` (a repository with a plan and its data), ``linked`` -> ``real/repo``,
    ``plans`` -> ``real/repo`` from a folder outside any repository, and a file outside."""
    repo = tmp_path / "real" / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "data").mkdir()
    (repo / "data" / "train.jsonl").write_text("".join(
        json.dumps({"prompt": f"question {i}", "completion": f"answer {i}"}) + "\n" for i in range(3)))
    (repo / "plan.aiplan.yaml").write_text(PLAN)
    (tmp_path / "linked").symlink_to(repo)
    (tmp_path / "outer").mkdir()
    (tmp_path / "outer" / "plans").symlink_to(repo)
    (tmp_path / "secret.jsonl").write_text('{"prompt": "p", "completion": "c"}\n')
    return tmp_path


@pytest.mark.parametrize("via", ["real/repo", "linked", "outer/plans"])
def test_data_beside_a_plan_reached_through_a_link_is_inside_the_repository(tree, via):
    base = str(tree / via)
    assert repository_root(base) == str((tree / "real" / "repo").resolve())
    assert locate("data/train.jsonl", base, repository_root(base)).kind == "local"
    assert locate(str(tree / "secret.jsonl"), base, repository_root(base)).kind == "outside"


@pytest.mark.parametrize("via", ["linked", "outer/plans"])
def test_the_evidence_rules_read_the_data_of_a_plan_reached_through_a_link(tree, via):
    """EVID001 compares the claim (5) with the 3 records read, as for the plan's real path
    (was EVID008 "outside the repository holding the plan")."""
    plan = str(tree / via / "plan.aiplan.yaml")
    result = lint_targets([Target(plan, "plan.aiplan.yaml", False)],
                          build_context(select=["EVID001", "EVID008"]), cache=None)
    assert [f.rule for f in result.findings] == ["EVID001"]
