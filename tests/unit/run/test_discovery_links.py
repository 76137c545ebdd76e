"""A symbolic link to a directory is not followed (a link loop cannot hang the run), but it
is named: `aiplan lint .` says which folders it did not search, unless they are excluded."""

import os

from aiplan.run.discovery import discover

PLAN = "aiplan: 1\nname: x\napproach: prompt_engineering\n"


def _tree(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    outside.mkdir()
    (outside / "team.aiplan.yaml").write_text(PLAN)
    (repo / "own.aiplan.yaml").write_text(PLAN)
    (repo / "shared").symlink_to(outside)
    (repo / "plain").mkdir()
    return repo


def test_a_linked_directory_is_listed_not_walked(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path))
    linked = []
    assert [t.display_path for t in discover(["."], linked)] == ["own.aiplan.yaml"]
    assert [t.display_path for t in linked] == ["shared"]
    # Named itself, it is searched.
    assert [t.display_path for t in discover(["shared"])] == ["shared/team.aiplan.yaml"]


def test_a_linked_file_is_linted_and_a_real_folder_is_not_named(tmp_path, monkeypatch):
    repo = _tree(tmp_path)
    os.remove(repo / "shared")
    (repo / "team.aiplan.yaml").symlink_to(tmp_path / "outside" / "team.aiplan.yaml")
    monkeypatch.chdir(repo)
    linked = []
    assert [t.display_path for t in discover(["."], linked)] == ["own.aiplan.yaml", "team.aiplan.yaml"]
    assert linked == []


def test_lint_says_which_folder_it_did_not_search(cli, tmp_path, monkeypatch):
    repo = _tree(tmp_path)
    monkeypatch.chdir(repo)
    result = cli("lint", "--no-cache", "--select", "PLAN", ".")
    assert result.exit_code == 0, result.output  # a warning, not a failure
    assert ("aiplan: warning: shared: not searched: a symbolic link to a directory (links are not followed); "
            "name it on the command line to lint its plans") in result.stderr
    # Excluded by the configuration: nothing to say.
    (repo / ".aiplan.toml").write_text('exclude = ["shared"]\n')
    assert "not searched" not in cli("lint", "--no-cache", "--select", "PLAN", ".").stderr
