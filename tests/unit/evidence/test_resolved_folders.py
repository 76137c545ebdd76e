"""Folders resolved once per run (the cache's check that a data file still lies inside
the repository): the same answer as ``os.path.realpath``, whatever links sit where."""

import os

import pytest

from aiplan.evidence.files import ResolvedFolders, WithinRepository, stamp_holds


@pytest.fixture
def tree(tmp_path):
    """repo/ with real folders, a link to a folder inside, a link out, a link to a link,
    a relative link through ``..``, and a dangling link."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "data" / "ft" / "team").mkdir(parents=True)
    (repo / "store" / "deep").mkdir(parents=True)
    (tmp_path / "outside" / "deep").mkdir(parents=True)
    (repo / "data" / "inside").symlink_to(repo / "store")
    (repo / "data" / "out").symlink_to(tmp_path / "outside")
    (repo / "data" / "chain").symlink_to(repo / "data" / "out")
    (repo / "data" / "up").symlink_to(os.path.join("..", "store"))
    (repo / "data" / "dangling").symlink_to(tmp_path / "nowhere")
    return repo


FOLDERS = ["data", "data/ft", "data/ft/team", "data/inside", "data/inside/deep", "data/out", "data/out/deep",
           "data/chain/deep", "data/up/deep", "data/dangling", "data/dangling/below", "data/missing/below",
           "data/ft/../inside/deep", "data/./ft", "store/deep/..", "data/ft/team/", ""]


def test_every_folder_resolves_as_realpath_does(tree):
    resolved = ResolvedFolders()
    for _ in range(2):  # answered from the memo the second time: the same
        for folder in FOLDERS:
            path = os.path.join(str(tree), folder)
            assert resolved(path) == os.path.realpath(path), folder
    assert resolved("/") == "/"
    assert resolved("relative/folder") == os.path.realpath("relative/folder")


def test_a_folder_is_looked_at_once_and_its_parents_are_shared(tree, monkeypatch):
    looked: list[str] = []
    original = os.lstat
    monkeypatch.setattr(os, "lstat", lambda path, *a, **k: looked.append(str(path)) or original(path, *a, **k))
    resolved = ResolvedFolders()
    for name in ("a", "b", "c"):
        (tree / "data" / "ft" / "team" / name).mkdir()
    looked.clear()
    for name in ("a", "b", "c", "a"):
        resolved(str(tree / "data" / "ft" / "team" / name))
    # Each folder once, its parents once for all three (realpath would lstat every component each time).
    assert sorted(set(looked)) == sorted(looked)
    assert len([p for p in looked if p.endswith(os.sep + "team")]) == 1


def test_a_folder_replaced_by_a_link_is_seen_by_a_new_run(tree, tmp_path):
    (tree / "data" / "ft" / "team" / "train.jsonl").write_text("{}\n")
    path = str(tree / "data" / "ft" / "team" / "train.jsonl")
    assert WithinRepository()(str(tree), path)
    (tree / "data" / "ft").rename(tmp_path / "outside" / "ft")
    (tree / "data" / "ft").symlink_to(tmp_path / "outside" / "ft")
    assert not WithinRepository()(str(tree), path)


def test_a_data_file_that_is_a_link_is_resolved_on_its_own(tree, tmp_path):
    (tmp_path / "outside" / "train.jsonl").write_text("{}\n")
    (tree / "store" / "train.jsonl").write_text("{}\n")
    (tree / "data" / "ft" / "out.jsonl").symlink_to(tmp_path / "outside" / "train.jsonl")
    (tree / "data" / "ft" / "in.jsonl").symlink_to(tree / "store" / "train.jsonl")
    (tree / "data" / "ft" / "plain.jsonl").write_text("{}\n")
    within = WithinRepository()
    base = str(tree)
    assert not within(base, str(tree / "data" / "ft" / "out.jsonl"))
    assert within(base, str(tree / "data" / "ft" / "in.jsonl"))
    assert within(base, str(tree / "data" / "ft" / "plain.jsonl"))
    assert not within(base, str(tree / "data" / "out" / "anything.jsonl"))  # missing, through a link out
    # A link hands no status on: stamp_holds takes its own stat (of the file it points at).
    assert within.status(str(tree / "data" / "ft" / "in.jsonl")) is None
    plain = within.status(str(tree / "data" / "ft" / "plain.jsonl"))
    assert plain is not None and plain.st_size == 3
    assert within.status(str(tree / "data" / "ft" / "gone.jsonl")) is None


def test_a_status_handed_on_spares_the_stat_and_is_judged_as_one(tmp_path, monkeypatch):
    import hashlib

    path = tmp_path / "train.jsonl"
    path.write_text("{}\n")
    stamp = "evidence:3:-:3:" + hashlib.sha256(b"{}\n").hexdigest()
    info = os.stat(path)
    with monkeypatch.context() as patched:
        patched.setattr(os, "stat", lambda *a, **k: pytest.fail("stat() called"))
        assert stamp_holds(str(path), stamp, info)
    path.write_text("{}\n{}\n")   # another size: the status handed on says so
    assert not stamp_holds(str(path), stamp, os.stat(path))


PATHS = FOLDERS + ["data/ft/train.jsonl", "data/ft/*.jsonl", "data/inside/deep/x.jsonl", "data/out/*.csv",
                   "data/chain", "data/dangling", "data/up/deep/*", "data/ft/../out/x", "data/ft/..", "data/ft/.",
                   "data/**/*.jsonl", "data/missing/*.jsonl", "store/deep/../deep/a.jsonl"]


def test_where_a_path_leads_is_realpaths_answer(tree):
    """WithinRepository.real (a second run's listing checks) answers as os.path.realpath for
    files, globs, links to files and folders, dangling links, `.` and `..`, relative paths."""
    (tree / "data" / "ft" / "train.jsonl").write_text("{}\n")
    (tree / "data" / "ft" / "link.jsonl").symlink_to(tree / "data" / "out")
    within = WithinRepository()
    for _ in range(2):
        for name in PATHS + ["data/ft/link.jsonl"]:
            path = os.path.join(str(tree), name)
            assert within.real(path) == os.path.realpath(path), name
    assert within.real("relative/x.jsonl") == os.path.realpath("relative/x.jsonl")
    assert within.root(str(tree / "data" / "inside")) == os.path.realpath(tree)


@pytest.mark.parametrize("path, base", [
    ("/r/data/x.jsonl", "/r"), ("/r/data/x.jsonl", "/r/data"), ("/r/data", "/r/data"), ("/r/datax/y", "/r/data"),
    ("/r/x", "/"), ("/r/./x", "/r"), ("/r/a/../x", "/r"), ("/r/x", "/r/"), ("/r/x", "/r//"), ("/other/x", "/r"),
    ("/r//x", "/r"), ("/r/x/", "/r"),
])
def test_a_path_relative_to_a_folder_is_relpaths_answer(path, base):
    from aiplan.evidence.files import _relative

    assert _relative(path, base) == os.path.relpath(path, base)


def test_a_second_runs_locate_is_the_first_runs(tree, tmp_path):
    """locate with the run's resolved folders (a second run's listing checks) classifies every
    name as locate with realpath does: files, globs, links in and out, dangling links, folders."""
    from aiplan.evidence.files import locate, repository_root

    (tree / "data" / "ft" / "train.jsonl").write_text("{}\n")
    (tree / "store" / "deep" / "a.jsonl").write_text("{}\n")
    (tmp_path / "outside" / "deep" / "b.jsonl").write_text("{}\n")
    (tree / "data" / "ft" / "in.jsonl").symlink_to(tree / "store" / "deep" / "a.jsonl")
    (tree / "data" / "ft" / "out.jsonl").symlink_to(tmp_path / "outside" / "deep" / "b.jsonl")
    within = WithinRepository()
    base = str(tree / "data")
    root = repository_root(base)
    names = [name.removeprefix("data/") for name in PATHS] + ["ft/in.jsonl", "ft/out.jsonl", "../store/deep/a.jsonl",
                                                             "inside/deep/a.jsonl", "out/deep/b.jsonl"]
    for name in names:
        assert locate(name, base, within.root(base), within.real) == locate(name, base, root), name


def _first_run_stamp(name: str, base: str, resolved: bool) -> str:
    """The listing stamp a first run records for ``name`` (the evidence reader's locate, realpath)."""
    from aiplan.evidence.files import listing_stamp, locate, repository_root

    return listing_stamp(locate(name, base, repository_root(base)), base, resolved=resolved)


def test_a_second_runs_listing_check_is_the_first_runs_stamp(tree, tmp_path):
    """listing_holds (its shortcut for a regular file, or locate) holds exactly for the stamp a
    first run records of the same name, and for no other name's: files, links to files in and
    out, folders, globs, dangling links, missing names, `..`, a name reached through a linked folder."""
    from aiplan.evidence.files import listing_holds

    (tree / "data" / "ft" / "train.jsonl").write_text("{}\n")
    (tree / "store" / "deep" / "a.jsonl").write_text("{}\n")
    (tmp_path / "outside" / "deep" / "b.jsonl").write_text("{}\n")
    (tree / "data" / "ft" / "in.jsonl").symlink_to(tree / "store" / "deep" / "a.jsonl")
    (tree / "data" / "ft" / "out.jsonl").symlink_to(tmp_path / "outside" / "deep" / "b.jsonl")
    base = str(tree / "data")
    names = [name.removeprefix("data/") for name in PATHS] + [
        "ft/in.jsonl", "ft/out.jsonl", "../store/deep/a.jsonl", "inside/deep/a.jsonl", "out/deep/b.jsonl",
        "ft//train.jsonl", "./ft/train.jsonl", "https://example.com/ft/train.jsonl", str(tree / "data" / "ft" / "train.jsonl")]
    stamps = {(name, resolved): _first_run_stamp(name, base, resolved) for name in names for resolved in (False, True)}
    within = WithinRepository()   # one run's, shared by every check (as a second run's)
    for (name, resolved), stamp in stamps.items():
        assert listing_holds(base, name, stamp, within), (name, resolved)
        assert listing_holds(base, name, stamp), (name, resolved)
        for (other, other_resolved), wrong in stamps.items():
            if wrong != stamp and other_resolved == resolved:
                assert not listing_holds(base, name, wrong, within), (name, other)


@pytest.mark.parametrize("change", ["link inside", "link out", "folder linked", "removed", "folder", "moved in"])
def test_a_regular_files_listing_check_sees_it_change(tree, tmp_path, change):
    """The shortcut for a regular file: replaced by a link (to an identical file inside or outside
    the repository), its folder replaced by a link to the same files, removed, replaced by a folder
    of data, or another file moved in under its name: each seen by a new run as the first run's
    stamp of it now says."""
    from aiplan.evidence.files import listing_holds

    team = tree / "data" / "ft" / "team"
    (team / "train.jsonl").write_text("{}\n")
    (tree / "store" / "train.jsonl").write_text("{}\n")
    (tmp_path / "outside" / "train.jsonl").write_text("{}\n")
    base, name = str(tree), "data/ft/team/train.jsonl"
    stamp = _first_run_stamp(name, base, True)
    assert listing_holds(base, name, stamp, WithinRepository())
    (team / "train.jsonl").unlink()
    if change == "link inside":
        (team / "train.jsonl").symlink_to(tree / "store" / "train.jsonl")
    elif change == "link out":
        (team / "train.jsonl").symlink_to(tmp_path / "outside" / "train.jsonl")
    elif change == "folder linked":
        (tree / "store" / "team").mkdir()
        (tree / "store" / "team" / "train.jsonl").write_text("{}\n")
        team.rmdir()
        team.symlink_to(tree / "store" / "team")
    elif change == "folder":
        (team / "train.jsonl").mkdir()
        (team / "train.jsonl" / "part-0.jsonl").write_text("{}\n")
    elif change == "moved in":
        (tree / "store" / "train.jsonl").rename(team / "train.jsonl")   # a regular file again, where it was
    now = _first_run_stamp(name, base, True)
    assert listing_holds(base, name, stamp, WithinRepository()) == (now == stamp)
    assert listing_holds(base, name, now, WithinRepository())
    assert (now == stamp) == (change == "moved in")


def test_a_regular_file_leads_where_realpath_says_and_nothing_else_is_one(tree, tmp_path):
    """WithinRepository.regular_file: realpath's answer for a regular file (through linked folders
    too), None for a link to a file, a folder, a FIFO, a missing or dangling name."""
    (tree / "store" / "deep" / "a.jsonl").write_text("{}\n")
    (tree / "data" / "ft" / "link.jsonl").symlink_to(tree / "store" / "deep" / "a.jsonl")
    os.mkfifo(tree / "data" / "ft" / "pipe")
    within = WithinRepository()
    for name in ("store/deep/a.jsonl", "data/inside/deep/a.jsonl", "data/up/deep/a.jsonl"):
        path = os.path.join(str(tree), name)
        assert within.regular_file(path) == os.path.realpath(path), name
    for name in ("data/ft/link.jsonl", "data/ft", "data/ft/pipe", "data/ft/gone.jsonl", "data/dangling", "data/inside"):
        assert within.regular_file(os.path.join(str(tree), name)) is None, name


def test_a_plain_names_shortcut_answers_as_named_path_and_relpath_do(tree, tmp_path, monkeypatch):
    """_regular_file_leads joins a plain name to a normalised folder by text (no join, normpath,
    relpath): the same answer as without the shortcut, for every name and folder, plain or not."""
    from aiplan.evidence import files

    (tree / "data" / "ft" / "train.jsonl").write_text("{}\n")
    (tree / "data" / ".hidden.jsonl").write_text("{}\n")
    (tree / "store" / "deep" / "a.jsonl").write_text("{}\n")
    (tree / "data" / "ft" / "in.jsonl").symlink_to(tree / "store" / "deep" / "a.jsonl")
    (tree / "data" / "~").mkdir()
    (tree / "data" / "~" / "train.jsonl").write_text("{}\n")   # "~/train.jsonl" is the one in HOME
    monkeypatch.setenv("HOME", str(tree / "data" / "ft"))
    names = ["ft/train.jsonl", ".hidden.jsonl", "ft/train.jsonl/", "ft//train.jsonl", "./ft/train.jsonl",
             "ft/./train.jsonl", "ft/../ft/train.jsonl", "~/train.jsonl", "~", "", ".", "..", "ft/",
             "inside/deep/a.jsonl", "up/deep/a.jsonl", "out/deep/b.jsonl", "ft/in.jsonl", "ft/missing.jsonl",
             "deep/a.jsonl", "ft/train.jsonl\0", "file://ft/train.jsonl", str(tree / "data" / "ft" / "train.jsonl")]
    bases = [str(tree / "data"), str(tree / "data") + os.sep, str(tree / "data" / "ft" / ".."),
             str(tree / "data" / "inside"), os.path.relpath(str(tree / "data"))]
    shortcut = {(base, name): files._regular_file_leads(name, base, WithinRepository())
                for base in bases for name in names}
    assert shortcut[(str(tree / "data"), "ft/train.jsonl")] == "ft/train.jsonl"
    assert shortcut[(str(tree / "data" / "inside"), "deep/a.jsonl")] == "../../store/deep/a.jsonl"
    assert shortcut[(str(tree / "data"), "~/train.jsonl")] == "ft/train.jsonl"
    monkeypatch.setattr(WithinRepository, "prefix", lambda self, base_dir: None)  # every name the long way
    for (base, name), leads in shortcut.items():
        assert files._regular_file_leads(name, base, WithinRepository()) == leads, (base, name)
