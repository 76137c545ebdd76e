"""One glob syntax, one plan-path normaliser, one repository root (aiplan.core)."""

import pytest

from aiplan.core.globs import GlobError, compile_glob, is_glob, path_glob
from aiplan.core.paths import normalise_plan_path, repository_root


@pytest.mark.parametrize("pattern, path, expected", [
    ("data/*.jsonl", "data/train.jsonl", True),
    ("data/*.jsonl", "data/ft/train.jsonl", False),      # `*` stays within a folder
    ("data/**/*.jsonl", "data/ft/train.jsonl", True),
    ("data/**/*.jsonl", "data/train.jsonl", True),
    ("*.csv", "evals/deep/q.csv", True),                 # no `/`: a name at any depth
    ("data", "data/ft/train.jsonl", True),               # a folder: what is below it
    ("data/train-?.jsonl", "data/train-10.jsonl", False),
    ("data/train-[0-9].jsonl", "data/train-3.jsonl", True),
    ("data/train-[!0-9].jsonl", "data/train-3.jsonl", False),
    ("plans/**.yaml", "plans/a.yaml", True),             # `**` within a name is `*`, as gitignore reads it
    ("plans/**.yaml", "plans/team/a.yaml", False),
])
def test_configuration_patterns(pattern, path, expected):
    assert bool(compile_glob(pattern).fullmatch(path)) is expected


@pytest.mark.parametrize("pattern, path, expected", [
    ("data/train-*.jsonl", "data/train-00.jsonl", True),
    ("data/train-*.jsonl", "data/train-00.jsonl.bak", False),
    ("data/*.jsonl", "data/ft/train.jsonl", False),
    ("data/**/*.jsonl", "data/ft/x/train.jsonl", True),
    ("train*.jsonl", "sub/train.jsonl", False),          # anchored, as the filesystem's glob reads it
    ("data/[x.jsonl", "data/[x.jsonl", True),            # an unclosed `[` is a plain character
    ("data/**.jsonl", "data/train.jsonl", True),         # `**` within a name is `*`, as glob reads it
    ("data/**.jsonl", "data/ft/train.jsonl", False),
    ("data/***.jsonl", "data/ft/train.jsonl", False),
    ("data/x**/*.jsonl", "data/x/ft/train.jsonl", False),
    ("data/***/*.jsonl", "data/ft/x/train.jsonl", False),  # a segment of three is no `**`
    ("**/*.jsonl", "data/ft/train.jsonl", True),
    ("data/**", "data/ft/train.jsonl", True),
])
def test_plan_globs(pattern, path, expected):
    assert bool(path_glob(pattern).match(path)) is expected


def test_configuration_patterns_refuse_an_unclosed_bracket_and_plan_globs_are_recognised():
    with pytest.raises(GlobError):
        compile_glob("data/[x.jsonl")
    assert is_glob("data/train-*.jsonl") and is_glob("a?.csv") and not is_glob("data/train.jsonl")


@pytest.mark.parametrize("path, folder, plain", [
    ("./data//ft/../ft/train.jsonl", "data/ft/train.jsonl", "data/ft/train.jsonl"),
    ("data\\ft\\", "data/ft/", "data/ft"),
    (" data/ft/ ", "data/ft/", "data/ft"),
    ("/", "/", "/"),
])
def test_plan_paths_are_normalised_once(path, folder, plain):
    assert normalise_plan_path(path) == folder
    assert normalise_plan_path(path, keep_folder=False) == plain


def test_the_repository_root_is_the_nearest_folder_holding_git(tmp_path):
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "repo" / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    assert repository_root(str(tmp_path / "repo" / "a" / "b")) == str(tmp_path / "repo")
    (tmp_path / "repo" / "a" / ".git").mkdir()
    assert repository_root(str(tmp_path / "repo" / "a" / "b")) == str(tmp_path / "repo" / "a")


def test_every_caller_uses_the_one_function():
    """The evidence reader, the reporters and the cache find the root the same way."""
    import aiplan.evidence.files as files
    import aiplan.reporters.sources as sources
    import aiplan.run.cache as cache

    assert sources.repository_root is repository_root and cache.repository_root is repository_root
    assert files.find_repository_root is repository_root


@pytest.mark.parametrize("parts, index", [
    (["data", "ft", "*.jsonl"], 2), (["data", "**", "x.jsonl"], 1), (["*"], 0), (["data", "ft"], 2), ([], 0),
    (["data", "v[12]", "x"], 1), (["a?", "b"], 0),
])
def test_first_wildcard_is_where_a_glob_stops_naming_a_folder(parts, index):
    from aiplan.core.globs import first_wildcard

    assert first_wildcard(parts) == index


@pytest.mark.parametrize("path, folder, below", [
    ("/r/data", "/r/data", True), ("/r/data/x", "/r/data", True), ("/r/database", "/r/data", False),
    ("/r/x", "/", True), ("/r/data/x", "/r/data/", True), ("/other", "/r", False),
])
def test_at_or_below_compares_whole_parts(path, folder, below):
    from aiplan.core.paths import at_or_below

    assert at_or_below(path, folder) is below
