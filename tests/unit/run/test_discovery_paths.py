"""Discovery shows each found file exactly as display() would, whatever the working directory."""

import os

import pytest

from aiplan.core.paths import display
from aiplan.run.discovery import discover


@pytest.fixture
def tree(tmp_path):
    for relative in ("aiplan.yaml", "a/x.aiplan.yaml", "a/b/aiplan.yml", "..odd.aiplan.yaml",
                     "a/..odd.aiplan.yml", "sp ace/é.aiplan.yaml", "a/b/c/d/deep.aiplan.yaml"):
        path = tmp_path / "repo" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("aiplan: 1\n")
    return tmp_path / "repo"


@pytest.mark.parametrize("where", ["repo", "repo/a", "parent", "elsewhere"])
@pytest.mark.parametrize("given", ["absolute", "relative"])
def test_found_files_are_shown_as_display_shows_them(tree, monkeypatch, where, given):
    cwd = {"repo": tree, "repo/a": tree / "a", "parent": tree.parent}.get(where)
    if cwd is None:
        cwd = tree.parent / "elsewhere"
        cwd.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    root = str(tree) if given == "absolute" else os.path.relpath(tree, cwd)
    targets = discover([root])
    assert len(targets) == 7
    for target in targets:
        assert target.display_path == display(target.real_path, str(cwd)), target
