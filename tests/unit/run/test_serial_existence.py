"""A serial run without the cache answers "does this path exist" from folder listings
(:class:`aiplan.run.cache.ExistenceChecks`): the answers must be those of a ``stat`` per path."""

from __future__ import annotations

import os

import pytest

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import rule
from aiplan.lint.engine import lint_file
from aiplan.run import runner
from aiplan.run.discovery import discover
from aiplan.testing import build_context

ASKED = ("evals/set.jsonl", "evals/gone.jsonl", "evals/link.jsonl", "evals/dangling.jsonl",
         "evals/*.jsonl", "evals/none-*.jsonl", "evals", "evals/", "./evals/set.jsonl", "missing/x.jsonl")


@rule("TEST004", "absent-path", Severity.WARNING)
def absent_path(plan, options):
    """A path the test asks about is absent.

    ## Why
    Test.
    """
    for path in ASKED:
        if plan.path_exists(path) is False:
            yield Violation(f"{path} is absent", "Add it.", path=("name",))


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_serial_run_finds_the_paths_a_stat_finds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evals = tmp_path / "plans" / "evals"
    evals.mkdir(parents=True)
    (evals / "set.jsonl").write_text("{}\n")
    (evals / "link.jsonl").symlink_to("set.jsonl")
    (evals / "dangling.jsonl").symlink_to("nowhere.jsonl")
    for name in "abcde":  # enough plans in one folder for it to be listed
        (tmp_path / "plans" / f"{name}.aiplan.yaml").write_text("aiplan: 1\nname: test\n")
    ctx = build_context(rules=[absent_path], select=["TEST004"])
    targets = list(discover(["plans"]))
    assert runner._existence_checks(targets) is not None
    run = runner.lint_targets(targets, ctx, jobs=1)
    alone = [lint_file(target.real_path, target.display_path, ctx) for target in targets]
    assert [result.findings for result in run.files] == [result.findings for result in alone]
    assert sorted({finding.message for finding in run.findings}) == [
        "evals/dangling.jsonl is absent", "evals/gone.jsonl is absent", "evals/none-*.jsonl is absent",
        "missing/x.jsonl is absent"]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_cached_run_checks_the_named_paths_from_discovery_listings_as_stat_would(tmp_path, monkeypatch):
    from aiplan.run.cache import LintCache

    monkeypatch.chdir(tmp_path)
    evals = tmp_path / "plans" / "evals"
    evals.mkdir(parents=True)
    (evals / "set.jsonl").write_text("{}\n")
    (evals / "link.jsonl").symlink_to("set.jsonl")
    for name in "abcde":
        (tmp_path / "plans" / f"{name}.aiplan.yaml").write_text("aiplan: 1\nname: test\n")
    ctx = build_context(rules=[absent_path], select=["TEST004"])

    def cached_run():
        listings: dict = {}
        targets = discover(["plans"], listings=listings)
        assert "plans/evals" in listings
        cache = LintCache(str(tmp_path / "cache"))
        run = runner.lint_targets(targets, ctx, cache=cache, jobs=1, listings=listings)
        assert listings == {}  # looked up: their memory is freed for the linting
        alone = [lint_file(target.real_path, target.display_path, ctx) for target in targets]
        assert [result.findings for result in run.files] == [result.findings for result in alone]
        return cache.hits, sorted({finding.message for finding in run.findings})

    first = cached_run()
    assert first == (0, ["evals/dangling.jsonl is absent", "evals/gone.jsonl is absent",
                         "evals/none-*.jsonl is absent", "missing/x.jsonl is absent"])
    assert cached_run() == (5, first[1])
    (evals / "gone.jsonl").write_text("{}\n")         # a named file comes
    (evals / "set.jsonl").unlink()                     # another goes (its link now dangles)
    (evals / "dangling.jsonl").symlink_to("set.jsonl")
    hits, messages = cached_run()
    assert hits == 0 and "evals/gone.jsonl is absent" not in messages
    assert {"evals/set.jsonl is absent", "evals/link.jsonl is absent", "evals/dangling.jsonl is absent"} <= set(messages)
