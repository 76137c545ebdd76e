"""Symbolic links among the data files a plan names: one rule for a data folder and a glob
(a link to a folder met on the way is not followed, one the plan spells out is), and a link
to nothing is named by EVID008, not dropped silently."""

import os
import pathlib

import pytest

from aiplan.evidence.files import glob_files, locate
from aiplan.testing import lint_yaml


def _records(path: pathlib.Path, count: int, word: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{{"prompt": "{word} {n}", "completion": "a"}}\n' for n in range(count)), encoding="utf-8")


@pytest.fixture
def repository(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    _records(root / "data" / "ft" / "a.jsonl", 3, "alpha")
    _records(root / "data" / "ft" / "sub" / "b.jsonl", 2, "beta")
    _records(root / "other" / "c.jsonl", 4, "gamma")
    os.symlink(os.path.join("..", "..", "other"), root / "data" / "ft" / "linked")
    return root


def _parts(root, name):
    return [os.path.relpath(p, root) for p in locate(name, str(root), str(root)).parts]


@pytest.mark.parametrize("name", ["data/ft", "data/ft/", "data/ft/**/*.jsonl", "data/**/*.jsonl"])
def test_a_folder_and_a_recursive_glob_leave_a_linked_folder_inside_them_alike(repository, name):
    assert _parts(repository, name) == ["data/ft/a.jsonl", "data/ft/sub/b.jsonl"]


def test_a_glob_part_does_not_step_into_a_linked_folder_either(repository):
    assert _parts(repository, "data/ft/*/*.jsonl") == ["data/ft/sub/b.jsonl"]


def test_a_link_the_plan_spells_out_is_followed(repository):
    assert _parts(repository, "data/ft/linked/*.jsonl") == ["data/ft/linked/c.jsonl"]
    assert _parts(repository, "data/ft/linked") == ["data/ft/linked/c.jsonl"]


def test_a_link_loop_does_not_multiply_the_files(repository):
    # glob.glob follows both loops to the system's link depth: thousands of paths of two files.
    os.symlink("..", repository / "data" / "ft" / "sub" / "up")
    os.symlink("..", repository / "data" / "ft" / "sub" / "again")
    assert sorted(os.path.relpath(p, repository) for p in glob_files(str(repository / "data" / "**" / "*.jsonl"))) \
        == ["data/ft/a.jsonl", "data/ft/sub/b.jsonl"]


@pytest.mark.parametrize("pattern, found", [
    ("data/ft/*.jsonl", ["data/ft/a.jsonl"]),
    ("data/ft/?.jsonl", ["data/ft/a.jsonl"]),
    ("data/*/sub/*.jsonl", ["data/ft/sub/b.jsonl"]),
    ("**/*.jsonl", ["data/ft/a.jsonl", "data/ft/sub/b.jsonl", "other/c.jsonl"]),
    ("data/ft/.hidden/*.jsonl", ["data/ft/.hidden/h.jsonl"]),   # a dot part matches hidden names
    ("data/ft/*/*.jsonl", ["data/ft/sub/b.jsonl"]),              # `*` does not
])
def test_globs_match_as_glob_matches_them_without_links(repository, pattern, found):
    _records(repository / "data" / "ft" / ".hidden" / "h.jsonl", 1, "hidden")
    assert sorted(os.path.relpath(p, repository) for p in glob_files(str(repository / pattern))) == found


PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: {path}
        examples: 5
"""


@pytest.mark.parametrize("path", ["data/ft/", "'data/ft/**/*.jsonl'"])
def test_a_link_to_nothing_among_the_data_files_is_named(repository, path):
    os.symlink("gone.jsonl", repository / "data" / "ft" / "broken.jsonl")
    found = lint_yaml(PLAN.format(path=path), select=["EVID008", "EVID001"], base_dir=str(repository))
    shown = path.strip("'")
    assert [(f.rule, f.line, f.message, f.fix) for f in found] == [(
        "EVID008", 6, f"`fine_tuning.dataset.path` names {shown}, and 1 of its 3 files (data/ft/broken.jsonl) is a "
        "symbolic link to nothing (the file linked to does not exist), not read: the plan's claims about the "
        "training data are checked against the other 2 files only",
        "Point the link at the data it stands for, or remove it.")]


def test_a_folder_without_a_broken_link_says_nothing(repository):
    # Near-identical: the same folder, its files all there. The count (5) holds.
    assert lint_yaml(PLAN.format(path="data/ft/"), select=["EVID008", "EVID001"], base_dir=str(repository)) == []
