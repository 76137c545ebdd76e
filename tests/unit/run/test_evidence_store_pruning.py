"""The evidence store ages: unused entries and those past its size cap are pruned."""

from __future__ import annotations

import os
import time

import pytest

from aiplan.run import cache as cache_module
from aiplan.run.cache import EVIDENCE_FORMAT, EvidenceStore

DAY = 24 * 3600
KEY = b"k" * 32


def _store(tmp_path, scope="scope-now"):
    cache = tmp_path / ".aiplan_cache"
    return EvidenceStore(str(cache / EVIDENCE_FORMAT / scope), str(cache), KEY)


def _key(n: int) -> str:
    return f"{n:064x}"


def _age(store, key, days):
    """Make an entry last used ``days`` ago."""
    when = time.time() - days * DAY
    os.utime(store._path(key), (when, when))


def _fill(store, *numbers, size=10):
    for n in numbers:
        store.put(_key(n), "x" * size)


def _prune_now(store):
    os.unlink(os.path.join(os.path.dirname(store.directory), ".pruned"))  # as if pruned a day ago
    store.prune()


def test_entries_unused_for_longer_than_the_plan_cache_keeps_results_go(tmp_path):
    store, old_scope = _store(tmp_path), _store(tmp_path, "scope-of-an-older-aiplan")
    _fill(store, 1, 2)
    _fill(old_scope, 3)
    _age(store, _key(1), 31)
    _age(store, _key(2), 29)
    _age(old_scope, _key(3), 31)
    _prune_now(store)
    assert store.get(_key(1)) is None and store.get(_key(2)) == "x" * 10
    assert not os.path.exists(old_scope.directory)  # the old code's scope is emptied and removed


def test_reading_an_entry_is_using_it(tmp_path):
    store = _store(tmp_path)
    _fill(store, 1)
    _age(store, _key(1), 31)
    assert store.get(_key(1)) == "x" * 10
    _prune_now(store)
    assert store.get(_key(1)) == "x" * 10


def test_past_the_size_cap_the_least_recently_used_go(tmp_path, monkeypatch):
    store = _store(tmp_path)
    _fill(store, 1, 2, 3, 4, size=1000)
    for n, days in ((1, 4), (2, 1), (3, 3), (4, 2)):
        _age(store, _key(n), days)
    size = os.path.getsize(store._path(_key(1)))
    monkeypatch.setattr(cache_module, "MAX_EVIDENCE_BYTES", 2 * size + 1)
    _prune_now(store)
    assert [n for n in (1, 2, 3, 4) if store.get(_key(n)) is not None] == [2, 4]


def test_pruning_runs_at_most_once_a_day(tmp_path):
    store = _store(tmp_path)
    _fill(store, 1)                 # the first write prunes (nothing to drop) and notes when
    _age(store, _key(1), 40)
    _fill(store, 2)                 # a write within the day: no pruning
    assert os.path.exists(store._path(_key(1)))
    store.prune(now=time.time() + DAY + 1)
    assert not os.path.exists(store._path(_key(1))) and os.path.exists(store._path(_key(2)))


def test_a_temporary_file_a_crashed_run_left_goes_after_a_day(tmp_path):
    store = _store(tmp_path)
    _fill(store, 1)
    folder = os.path.dirname(store._path(_key(1)))
    stale, fresh = os.path.join(folder, ".a.1.2.tmp"), os.path.join(folder, ".b.1.2.tmp")
    for path, days in ((stale, 2), (fresh, 0)):
        with open(path, "wb") as out:
            out.write(b"half")
        when = time.time() - days * DAY
        os.utime(path, (when, when))
    _prune_now(store)
    assert not os.path.exists(stale) and os.path.exists(fresh) and store.get(_key(1)) is not None


def test_an_entry_pruned_under_a_reader_is_a_miss_and_the_next_write_works(tmp_path):
    reader, pruner = _store(tmp_path), _store(tmp_path)
    _fill(reader, 1)
    _age(reader, _key(1), 31)
    _prune_now(pruner)                       # another run prunes the entry (and its folder)
    assert reader.get(_key(1)) is None       # a miss, not an error
    reader.put(_key(1), "again")
    assert reader.get(_key(1)) == "again"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_store_that_cannot_be_pruned_still_serves(tmp_path):
    store = _store(tmp_path)
    _fill(store, 1)
    root = os.path.dirname(store.directory)
    os.chmod(root, 0o500)
    try:
        _age(store, _key(1), 31)
        store.prune(now=time.time() + DAY + 1)   # cannot note it, so it does not prune
        assert store.get(_key(1)) == "x" * 10
    finally:
        os.chmod(root, 0o700)
