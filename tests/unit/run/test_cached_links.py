"""A cached result still sees a held-out file that became a link to the training data."""

import os

import pytest

pytestmark = pytest.mark.usefixtures("cache_on")  # the cache under test (conftest turns it off)

PLAN = """\
aiplan: 1
name: x
approach: fine_tuning
fine_tuning:
  dataset:
    path: data/t.jsonl
    examples: 5
  evaluation:
    held_out:
      path: evals/h.jsonl
      size: 2
      disjoint_from_training: true
"""


def _records(path, count, word):
    path.write_text("".join(f'{{"prompt": "{word} {i}", "completion": "a"}}\n' for i in range(count)))


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A repository (the working directory) with `data/t.jsonl` (5 training records) and an
    empty `evals/`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "evals").mkdir()
    _records(tmp_path / "data" / "t.jsonl", 5, "t")
    return tmp_path


def test_a_held_out_file_replaced_by_a_link_to_the_training_file_is_seen_by_a_cached_run(cli, repository):
    _records(repository / "evals" / "h.jsonl", 2, "h")
    (repository / "aiplan.yaml").write_text(PLAN)
    cache = str(repository / "cache")
    first = cli("lint", "--ignore", "EVID", "--cache-dir", cache, "aiplan.yaml")
    assert "FT006" not in first.output and "1 file" in first.output
    os.remove(repository / "evals" / "h.jsonl")
    os.symlink(os.path.join("..", "data", "t.jsonl"), repository / "evals" / "h.jsonl")
    cached = cli("lint", "--ignore", "EVID", "--cache-dir", cache, "aiplan.yaml")
    uncached = cli("lint", "--ignore", "EVID", "--no-cache", "aiplan.yaml")
    assert "FT006" in uncached.output
    assert cached.output == uncached.output


def test_a_cached_run_names_a_dangling_links_new_target(cli, repository):
    os.symlink("gone.jsonl", repository / "evals" / "h.jsonl")
    (repository / "aiplan.yaml").write_text(PLAN)
    cache = str(repository / "cache")
    first = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "a link to `gone.jsonl`" in first.output
    os.remove(repository / "evals" / "h.jsonl")
    os.symlink("other.jsonl", repository / "evals" / "h.jsonl")
    repointed = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "a link to `other.jsonl`" in repointed.output
    os.remove(repository / "evals" / "h.jsonl")
    removed = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert removed.output == cli("lint", "--no-cache", "aiplan.yaml").output and "a link to" not in removed.output


def test_a_cached_run_names_the_new_target_of_a_dangling_link_a_glob_matches(cli, repository):
    """EVID005 names the target of a dangling link the held-out glob matches: part of what the
    cached result depends on, as a dangling link the plan names is."""
    os.symlink("gone.jsonl", repository / "evals" / "h.jsonl")
    (repository / "aiplan.yaml").write_text(PLAN.replace("path: evals/h.jsonl", "path: 'evals/h*'"))
    cache = str(repository / "cache")
    first = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "a link to `gone.jsonl`, which does not exist" in first.output
    os.remove(repository / "evals" / "h.jsonl")
    os.symlink("other.jsonl", repository / "evals" / "h.jsonl")
    repointed = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "a link to `other.jsonl`, which does not exist" in repointed.output
    assert repointed.output == cli("lint", "--no-cache", "aiplan.yaml").output


def test_a_cached_run_sees_a_held_out_link_pointed_out_of_the_training_folder(cli, repository):
    """Where a held-out link leads decides FT006's "leads to a file of the training data's glob":
    part of what the cached result depends on."""
    _records(repository / "evals" / "own.jsonl", 2, "h")
    os.symlink("../data/t.jsonl", repository / "evals" / "h.jsonl")
    (repository / "aiplan.yaml").write_text(PLAN.replace("path: data/t.jsonl", "path: 'data/*.jsonl'"))
    cache = str(repository / "cache")
    first = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "which leads to `data/t.jsonl`, a file of the training data's glob" in first.output
    os.remove(repository / "evals" / "h.jsonl")
    os.symlink("own.jsonl", repository / "evals" / "h.jsonl")
    repointed = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "FT006" not in repointed.output
    assert repointed.output == cli("lint", "--no-cache", "aiplan.yaml").output


def test_a_cached_run_sees_a_held_out_folder_link_pointed_out_of_the_training_folder(cli, repository):
    """Where a held-out folder link leads decides FT006 too: re-pointed to a folder of files with
    the same names outside the training data, its listing alone is unchanged."""
    (repository / "data" / "part").mkdir()
    (repository / "own").mkdir()
    _records(repository / "data" / "part" / "h.jsonl", 2, "h")
    _records(repository / "own" / "h.jsonl", 2, "h")
    os.rmdir(repository / "evals")
    os.symlink("data/part", repository / "evals")
    (repository / "aiplan.yaml").write_text(PLAN.replace("path: data/t.jsonl", "path: data/")
                                            .replace("path: evals/h.jsonl", "path: evals/"))
    cache = str(repository / "cache")
    first = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "which leads to `data/part/`, a folder inside the training data's folder" in first.output
    os.remove(repository / "evals")
    os.symlink("own", repository / "evals")
    repointed = cli("lint", "--cache-dir", cache, "aiplan.yaml")
    assert "FT006" not in repointed.output
    assert repointed.output == cli("lint", "--no-cache", "aiplan.yaml").output


def test_a_cached_run_sees_a_linked_folder_behind_a_glob_pointed_into_the_repository(cli, repository, tmp_path_factory):
    """Whether the data files behind a linked folder lie outside the repository decides EVID005's
    advice: where the link leads is part of what the cached result depends on."""
    outside = tmp_path_factory.mktemp("outside")
    _records(outside / "x.jsonl", 5, "t")
    (repository / "store").mkdir()
    _records(repository / "store" / "x.jsonl", 5, "t")
    os.remove(repository / "data" / "t.jsonl")
    os.symlink(str(outside), repository / "data" / "linked")
    (repository / "aiplan.yaml").write_text(PLAN.replace("path: data/t.jsonl", "path: 'data/l*/*.jsonl'"))
    cache = str(repository / "cache")
    first = cli("lint", "--select", "EVID005", "--cache-dir", cache, "aiplan.yaml")
    assert "a link to a folder outside the repository" in first.output
    os.remove(repository / "data" / "linked")
    os.symlink(os.path.join("..", "store"), repository / "data" / "linked")
    repointed = cli("lint", "--select", "EVID005", "--cache-dir", cache, "aiplan.yaml")
    assert "a link to a folder that the walk does not follow" in repointed.output
    assert repointed.output == cli("lint", "--select", "EVID005", "--no-cache", "aiplan.yaml").output
