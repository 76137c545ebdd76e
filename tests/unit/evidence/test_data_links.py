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


@pytest.mark.parametrize("name, found", [
    # `linked` leads to `other/`: for the system, `linked/..` is the repository, not `data/ft/`.
    ("data/ft/linked/../data/ft/a.jsonl", "data/ft/a.jsonl"),
    ("data/ft/linked/../other/c.jsonl", "other/c.jsonl"),
    ("data/ft/linked/./../other/c.jsonl", "other/c.jsonl"),
    # Near-identical, no link before the `..`: text and system agree.
    ("data/ft/sub/../a.jsonl", "data/ft/a.jsonl"),
    ("data/ft/linked/../a.jsonl", None),  # by the text `data/ft/a.jsonl`; for the system, not there
])
def test_a_parent_step_after_a_link_is_taken_as_the_system_takes_it(repository, name, found):
    """`named_path` normalised `..` as text: `data/ft/linked/..` was `data/ft`, a different
    folder from the one the system opens."""
    from aiplan.evidence.files import named_path

    where = locate(name, str(repository), str(repository))
    if found is None:
        assert where.kind == "missing"
        return
    assert (where.kind, os.path.relpath(where.path, repository)) == ("local", found)
    assert named_path(name, str(repository)) == where.path
    assert open(where.path).read() == open(os.path.join(repository, name)).read()


def test_a_path_without_a_parent_step_is_named_without_a_system_call(repository, monkeypatch):
    """The second run's cache lookups locate every data path: only a `..` costs an `lstat`."""
    from aiplan.evidence import files

    def refuse(*_):
        raise AssertionError("no system call expected")

    monkeypatch.setattr(files.os, "lstat", refuse)
    assert files.named_path("data/ft/./a.jsonl", str(repository)) == str(repository / "data" / "ft" / "a.jsonl")
    assert files.named_path("data/ft/a..b.jsonl", str(repository)) == str(repository / "data" / "ft" / "a..b.jsonl")


def test_the_counted_records_are_those_of_the_file_the_system_opens(repository):
    """Was "holds 3 records" (`data/ft/a.jsonl` by the text) for the four of `other/c.jsonl`."""
    plan = ("aiplan: 1\nname: x\napproach: fine_tuning\nfine_tuning:\n  dataset:\n"
            "    path: data/ft/linked/../other/c.jsonl\n    examples: 4\n")
    _records(repository / "data" / "ft" / "other" / "c.jsonl", 3, "delta")  # where the text leads
    assert [f.rule for f in lint_yaml(plan, select=["EVID001", "EVAL003"], base_dir=str(repository))] == []
