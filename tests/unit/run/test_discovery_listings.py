"""What discovery's walk records of each folder it lists: the names of its files and folders and
which are symbolic links (the run's existence checks answer from it), and the plans it finds."""

import os

from aiplan.run.discovery import discover


def test_each_listing_names_files_folders_and_links_as_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    top = tmp_path / "plans"
    (top / "evals" / "deep").mkdir(parents=True)
    (top / "evals" / "set.jsonl").write_text("")
    (top / "aiplan.yaml").write_text("aiplan: 1\n")
    (top / "to-dir").symlink_to(top / "evals")
    (top / "to-file").symlink_to(top / "evals" / "set.jsonl")
    (top / "dangling").symlink_to(top / "missing")
    os.mkfifo(top / "pipe")
    listings: dict = {}
    linked: list = []
    assert [t.display_path for t in discover(["plans"], linked, listings)] == ["plans/aiplan.yaml"]
    files, dirs, symlinks = listings["plans"]
    assert sorted(files) == ["aiplan.yaml", "dangling", "pipe", "to-file"]
    assert sorted(dirs) == ["evals", "to-dir"]   # a link to a folder is one, not walked
    assert symlinks == {"dangling", "to-dir", "to-file"}
    assert [t.display_path for t in linked] == ["plans/to-dir"]
    assert sorted(listings) == ["plans", "plans/evals", "plans/evals/deep"]
    assert listings["plans/evals"][0] == ["set.jsonl"] and listings["plans/evals"][1] == ("deep",)
    assert listings["plans/evals/deep"] == ([], (), frozenset())


def test_only_plan_names_are_found_among_names_that_end_alike(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = ["aiplan.yaml", "aiplan.yml", "team.aiplan.yaml", "team.aiplan.yml",       # plans
             "myaiplan.yaml", "team-aiplan.yml", "aiplan.yaml.bak", "aiplan.json", "plan.yaml"]
    for index, name in enumerate(names):
        folder = tmp_path / f"f{index}"
        folder.mkdir()
        (folder / name).write_text("aiplan: 1\n")
    assert [t.display_path for t in discover(["."])] == [
        "f0/aiplan.yaml", "f1/aiplan.yml", "f2/team.aiplan.yaml", "f3/team.aiplan.yml"]
