"""Scopes of the results cache that upgrades and other settings left behind are removed."""

from __future__ import annotations

import os
import time

import pytest

from aiplan.run import cache as cache_module
from aiplan.run import runner
from aiplan.run.cache import FORMAT, MAX_AGE_SECONDS, LintCache, prune_scopes
from aiplan.run.discovery import discover
from aiplan.testing import build_context

DAY = 24 * 3600
NOW = time.time()


def _scope(cache, name: str, days: float, format_name: str = FORMAT, files=("00", "3f")):
    """A scope folder last written ``days`` ago, holding ``files``."""
    folder = cache / format_name / name
    folder.mkdir(parents=True)
    for file in files:
        (folder / file).write_bytes(b"shard")
    when = NOW - days * DAY
    os.utime(folder, (when, when))
    return folder


@pytest.fixture
def cache(tmp_path):
    return tmp_path / ".aiplan_cache"


def test_scopes_not_written_for_longer_than_entries_live_go_and_others_stay(cache):
    old = _scope(cache, "a" * 32, 31)
    recent = _scope(cache, "b" * 32, 29)
    in_use = _scope(cache, "c" * 32, 400)
    older_format = _scope(cache, "d" * 32, 31, "lint-v3")
    (cache / "evidence-v1").mkdir()
    (cache / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    prune_scopes(str(cache), {"c" * 32}, NOW)
    assert not old.exists() and not older_format.exists() and not (cache / "lint-v3").exists()
    assert recent.exists() and in_use.exists() and (cache / "evidence-v1").exists() and (cache / "CACHEDIR.TAG").exists()
    assert sorted(os.listdir(cache / FORMAT)) == [".pruned", "b" * 32, "c" * 32]


def test_nothing_but_what_aiplan_writes_is_ever_removed(cache, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "00").write_text("not a shard")
    foreign = _scope(cache, "e" * 32, 31, files=("00", "notes.txt"))
    linked_file = _scope(cache, "f" * 32, 31, files=("00",))
    (linked_file / "01").symlink_to(outside / "00")
    not_a_scope = _scope(cache, "backup", 31)
    upper = _scope(cache, "A" * 32, 31)
    (cache / FORMAT / ("1" * 32)).symlink_to(outside)
    (cache / "lint-vX").mkdir()
    (cache / "lint-vX" / ("2" * 32)).mkdir()
    with_temporary = _scope(cache, "9" * 32, 31, files=("00", ".00.123.456.tmp"))
    prune_scopes(str(cache), set(), NOW)
    assert sorted(os.listdir(foreign)) == ["00", "notes.txt"] and sorted(os.listdir(linked_file)) == ["00", "01"]
    assert not_a_scope.exists() and upper.exists() and (cache / "lint-vX" / ("2" * 32)).exists()
    assert os.listdir(outside) == ["00"] and (outside / "00").read_text() == "not a shard"
    assert (cache / FORMAT / ("1" * 32)).is_symlink() and not with_temporary.exists()


def test_pruning_runs_at_most_once_a_day(cache):
    (cache / FORMAT).mkdir(parents=True)
    prune_scopes(str(cache), set(), NOW)
    old = _scope(cache, "a" * 32, 31)
    prune_scopes(str(cache), set(), NOW + DAY - 60)
    assert old.exists()
    prune_scopes(str(cache), set(), NOW + DAY + 60)
    assert not old.exists()


def test_a_removal_cut_short_is_finished_by_the_next_pruning(cache):
    left = _scope(cache, f".{'a' * 32}.123.456.removing", 31)
    prune_scopes(str(cache), set(), NOW)
    assert not left.exists()


def test_a_run_that_writes_prunes_and_keeps_its_own_scope(tmp_path, monkeypatch):
    monkeypatch.delenv("AIPLAN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.aiplan.yaml").write_text("aiplan: 1\nname: x\n")
    cache = tmp_path / ".aiplan_cache"
    old = _scope(cache, "a" * 32, 31)
    ctx = build_context()

    def run():
        store = LintCache(str(cache))
        runner.lint_targets(discover(["plans"]), ctx, cache=store)
        return store

    store = run()
    scope = store.scope(ctx)
    assert not old.exists() and sorted(os.listdir(cache / FORMAT)) == [".pruned", scope]
    # Its own scope, however old, stays: a run never removes what it reads and writes.
    when = NOW - MAX_AGE_SECONDS - DAY
    os.utime(cache / FORMAT / scope, (when, when))
    os.utime(cache / FORMAT / ".pruned", (when, when))
    (tmp_path / "plans" / "b.aiplan.yaml").write_text("aiplan: 1\nname: y\n")
    assert run().hits == 1 and (cache / FORMAT / scope).is_dir()


def test_a_run_that_only_reads_does_not_prune(tmp_path, monkeypatch):
    monkeypatch.delenv("AIPLAN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.aiplan.yaml").write_text("aiplan: 1\nname: x\n")
    cache = tmp_path / ".aiplan_cache"
    ctx = build_context()
    runner.lint_targets(discover(["plans"]), ctx, cache=LintCache(str(cache)))
    os.unlink(cache / FORMAT / ".pruned")
    old = _scope(cache, "a" * 32, 31)
    calls = []
    monkeypatch.setattr(cache_module, "prune_scopes", lambda *args: calls.append(args))
    store = LintCache(str(cache))
    runner.lint_targets(discover(["plans"]), ctx, cache=store)
    assert store.hits == 1 and calls == [] and old.exists()
