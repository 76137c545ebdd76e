"""A warm run prints what the cold run printed, byte for byte, in every format and
under every option that shapes a report; it decodes no finding for the default text
report (the cache keeps each file's part of it and its tally), and never shows a part
rendered under other options."""

from __future__ import annotations

import dataclasses
import pickle
import re
import shutil

import pytest

from aiplan.core.findings import FileResult
from aiplan.run import codec, runner
from aiplan.run.cache import LintCache
from aiplan.run.discovery import discover
from aiplan.reporters.text import CACHED_KEY, cached_part
from aiplan.testing import build_context
from conftest import EXAMPLES, linted_paths as _linted


pytestmark = pytest.mark.usefixtures("cache_on")  # the cache under test (conftest turns it off)


@pytest.fixture
def plans(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # A few plans of every kind (findings of each severity, fixable ones, a clean plan)
    # with the files they name: each test lints them a few dozen times.
    shutil.copytree(EXAMPLES, tmp_path / "plans", ignore=lambda folder, names: [
        name for name in names if name.endswith(".aiplan.yaml") and name not in KEPT])
    flawed = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text()
    # A waived finding (the summary counts it) beside the findings of the other plans.
    waived = re.sub(r"(status: in_progress)", r"\1  # aiplan: ignore[BASE001] -- measured offline", flawed)
    assert waived != flawed
    (tmp_path / "plans" / "waived.aiplan.yaml").write_text(waived)
    return tmp_path / "plans"


KEPT = ("ticket-formatter.aiplan.yaml", "support-copilot.aiplan.yaml", "policy-search.aiplan.yaml",
        "order-status-assistant.aiplan.yaml")


def _decoded(monkeypatch) -> list[str]:
    """The cached results whose fields something read (decoded), by path."""
    seen: list[str] = []
    original = codec.CachedResult._materialise

    def spy(self):
        seen.append(self.path)
        original(self)

    monkeypatch.setattr(codec.CachedResult, "_materialise", spy)
    return seen




OPTIONS = [
    (),
    ("--format", "concise"),
    ("--format", "json"),
    ("--format", "sarif", "--sarif-include-suppressed"),
    ("--format", "junit"),
    ("--format", "gitlab"),
    ("--format", "github"),
    ("--statistics",),
    ("--no-fix-hints",),
    ("--color", "always"),
    ("--fail-on", "info", "--exit-zero", "--select", "BASE,FIT,RAG"),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda options: " ".join(options) or "default")
def test_a_warm_run_prints_what_a_run_without_the_cache_prints(cli, plans, tmp_path, monkeypatch, options):
    uncached = cli("lint", "--no-cache", *options, "plans")
    cold = cli("lint", "--cache-dir", tmp_path / "cache", *options, "plans")
    linted = _linted(monkeypatch)
    warm = cli("lint", "--cache-dir", tmp_path / "cache", *options, "plans")
    assert not linted  # every plan a hit
    assert uncached.exit_code in (0, 1)  # linted: not a usage error (2), which would make the rest vacuous
    assert uncached.output and "Traceback" not in uncached.output
    assert cold.output == uncached.output and warm.output == uncached.output
    assert cold.exit_code == uncached.exit_code == warm.exit_code


def test_the_default_report_decodes_no_finding_and_other_options_never_replay_it(cli, plans, tmp_path,
                                                                               monkeypatch):
    cli("lint", "--cache-dir", tmp_path / "cache", "plans")
    decoded = _decoded(monkeypatch)
    warm = cli("lint", "--cache-dir", tmp_path / "cache", "plans")
    assert warm.exit_code == 1 and "BASE001" in warm.output and "suppressed" in warm.output
    assert decoded == []
    # Options that shape the report differently decode the findings and render them again.
    for options in (("--no-fix-hints",), ("--color", "always"), ("--format", "concise")):
        shown = cli("lint", "--cache-dir", tmp_path / "cache", *options, "plans")
        assert shown.output == cli("lint", "--no-cache", *options, "plans").output
        assert decoded
        decoded.clear()
    hidden = cli("lint", "--cache-dir", tmp_path / "cache", "--no-fix-hints", "plans").output
    assert "= fix:" in warm.output and "= fix:" not in hidden


def test_a_baseline_and_a_written_baseline_read_the_cached_findings(cli, plans, tmp_path):
    cold = cli("lint", "--cache-dir", tmp_path / "cache", "--write-baseline", tmp_path / "known.json", "plans")
    assert cold.exit_code == 0
    written = (tmp_path / "known.json").read_bytes()
    warm = cli("lint", "--cache-dir", tmp_path / "cache", "--write-baseline", tmp_path / "again.json", "plans")
    assert warm.exit_code == 0 and (tmp_path / "again.json").read_bytes() == written
    uncached = cli("lint", "--no-cache", "--baseline", tmp_path / "known.json", "plans")
    baselined = cli("lint", "--cache-dir", tmp_path / "cache", "--baseline", tmp_path / "known.json", "plans")
    assert baselined.output == uncached.output and baselined.exit_code == uncached.exit_code == 0
    assert "known findings not shown" in baselined.output


def test_a_cached_result_is_its_decoded_result(plans, tmp_path):
    ctx = build_context()
    runner.lint_targets(discover(["plans"]), ctx, cache=LintCache(str(tmp_path / "cache")))
    warm = runner.lint_targets(discover(["plans"]), ctx, cache=LintCache(str(tmp_path / "cache")))
    fresh = runner.lint_targets(discover(["plans"]), ctx)
    cached = [result for result in warm.files if type(result) is codec.CachedResult]
    assert len(cached) == len(warm.files) == len(KEPT) + 1
    tallies = [result.tally() for result in warm.files]
    assert tallies == [FileResult.tally(result) for result in fresh.files]  # the stored tally is the real one
    assert any(tally[3] for tally in tallies) and any(tally[4] for tally in tallies)
    assert warm.files == fresh.files and [hash(r) for r in warm.files] == [hash(r) for r in fresh.files]
    assert warm.counts() == fresh.counts()
    first = next(result for result in warm.files if result.findings)
    for copied in (dataclasses.replace(first, documents=9), pickle.loads(pickle.dumps(first))):
        assert type(copied) is FileResult
    assert dataclasses.replace(first, documents=9).findings == first.findings
    assert codec.decode(codec.encode(first)) == first
    # A result whose findings name another path is no one part of the report: never kept as one.
    moved = dataclasses.replace(first, findings=tuple(dataclasses.replace(f, path="other.aiplan.yaml")
                                                      for f in first.findings))
    assert cached_part(first, None)[0] == CACHED_KEY and cached_part(moved, None)[0] != CACHED_KEY


def test_a_finding_of_another_result_about_a_path_with_a_kept_part_is_shown(plans, tmp_path, monkeypatch):
    """A plugin may report a finding about another file: that path is rendered from all its
    findings, not from the part the cache kept for its own result."""
    import dataclasses

    from aiplan.cli.lint import _cached_part
    from aiplan.reporters import text
    from aiplan.run import codec, runner
    from aiplan.run.cache import LintCache
    from aiplan.run.discovery import discover
    from aiplan.testing import build_context

    monkeypatch.chdir(plans.parent)
    ctx = build_context()
    runner.lint_targets(discover(["plans"]), ctx, cache=LintCache(str(tmp_path / "c"), render=_cached_part))
    warm = runner.lint_targets(discover(["plans"]), ctx, cache=LintCache(str(tmp_path / "c"), render=_cached_part))
    first, second = warm.files[0], next(r for r in warm.files[1:] if r.findings)
    assert getattr(first, "shown", None) is not None  # served from the cache
    moved = dataclasses.replace(second, findings=tuple(dataclasses.replace(f, path=first.path)
                                                          for f in second.findings[:1]))
    run = dataclasses.replace(warm, files=(first, moved))
    decoded = dataclasses.replace(run, files=tuple(codec.decode(codec.encode(r)) for r in run.files))
    assert text.render(run, None) == text.render(decoded, None)
