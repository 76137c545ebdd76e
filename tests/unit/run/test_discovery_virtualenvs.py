"""Virtualenvs are skipped wherever they sit below the searched folder, told from their listing."""

import os

import pytest

from aiplan.run import discovery
from aiplan.run.discovery import discover, plan_lookalikes


def _plan(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("aiplan: 1\n")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _plan(tmp_path / "repo" / "team" / "aiplan.yaml")
    _plan(tmp_path / "repo" / "env" / "lib" / "aiplan.yaml")
    (tmp_path / "repo" / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    _plan(tmp_path / "repo" / "team" / "deep" / ".venv-x" / "aiplan.yaml")
    (tmp_path / "repo" / "team" / "deep" / ".venv-x" / "pyvenv.cfg").write_text("")
    return tmp_path / "repo"


def _found(paths):
    return [target.display_path for target in discover(paths)]


def test_a_virtualenv_at_any_depth_is_skipped_and_a_look_alike_is_not(repo):
    # A folder with a `pyvenv.cfg` folder (not a file) is no virtualenv; a link to a file is one.
    _plan(repo / "cfgdir" / "aiplan.yaml")
    (repo / "cfgdir" / "pyvenv.cfg").mkdir()
    _plan(repo / "linked" / "aiplan.yaml")
    (repo / "linked" / "pyvenv.cfg").symlink_to(repo / "env" / "pyvenv.cfg")
    _plan(repo / "dangling" / "aiplan.yaml")
    (repo / "dangling" / "pyvenv.cfg").symlink_to(repo / "missing.cfg")
    assert _found(["repo"]) == ["repo/cfgdir/aiplan.yaml", "repo/dangling/aiplan.yaml", "repo/team/aiplan.yaml"]


def test_the_searched_folder_itself_is_walked_even_if_it_is_a_virtualenv(repo):
    assert _found(["repo/env"]) == ["repo/env/lib/aiplan.yaml"]


def test_virtualenvs_are_not_searched_for_look_alikes_either(repo):
    (repo / "env" / "lib" / "plan.yaml").write_text("aiplan: 1\n")
    (repo / "team" / "plan.yaml").write_text("aiplan: 1\n")
    assert plan_lookalikes(["repo"]) == ["repo/team/plan.yaml"]


def test_folders_are_not_stat_ed_one_by_one_to_find_virtualenvs(repo, monkeypatch):
    monkeypatch.setattr(discovery, "_is_virtualenv", lambda path: pytest.fail(f"stat of {path}/pyvenv.cfg"))
    assert _found(["repo"]) == ["repo/team/aiplan.yaml"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_a_virtualenv_that_cannot_be_listed_is_still_skipped_and_another_folder_is_reported(repo):
    (repo / "env").chmod(0o311)   # searchable, not listable
    _plan(repo / "locked" / "aiplan.yaml")
    (repo / "locked").chmod(0o311)
    try:
        assert _found(["repo"]) == ["repo/locked", "repo/team/aiplan.yaml"]
        # The folder that cannot be listed is no listed file: the resolver asks what it is.
        assert [target.listed for target in discover(["repo"])] == [False, True]
    finally:
        (repo / "env").chmod(0o755)
        (repo / "locked").chmod(0o755)
