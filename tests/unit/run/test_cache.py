"""The on-disk results cache: reused only when nothing that decides the result changed."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys

import pytest

from aiplan.run import cache as cache_module
from aiplan.run import runner
from aiplan.run.cache import FORMAT, LintCache, _package_stamp
from aiplan.run.discovery import discover
from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import rule
from aiplan.testing import build_context
from conftest import EXAMPLES, linted_paths as _linted

FLAWED = (EXAMPLES / "ticket-formatter.aiplan.yaml").read_text()
CLEAN = (EXAMPLES / "support-copilot.aiplan.yaml").read_text()


pytestmark = pytest.mark.usefixtures("cache_on")  # the cache under test (conftest turns it off)


@pytest.fixture
def plans(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "a.aiplan.yaml").write_text(FLAWED)
    (tmp_path / "plans" / "b.aiplan.yaml").write_text(CLEAN)
    (tmp_path / "plans" / "c.aiplan.yaml").write_text(FLAWED.replace("in_progress", "done"))
    return tmp_path / "plans"


def _run(ctx, directory, cache_dir):
    store = LintCache(str(cache_dir))
    run = runner.lint_targets(discover([str(directory)]), ctx, cache=store)
    return run, store




def test_second_run_reuses_every_result(plans, tmp_path, monkeypatch):
    ctx = build_context()
    first, store = _run(ctx, plans, tmp_path / "cache")
    assert store.hits == 0 and store.misses == 3
    seen = _linted(monkeypatch)
    second, store = _run(ctx, plans, tmp_path / "cache")
    assert seen == [] and store.hits == 3
    assert second.files == first.files
    assert second.files == runner.lint_targets(discover([str(plans)]), ctx).files  # as if linted now
    assert {"BASE001", "FT001"} <= {f.rule for f in second.findings}


def test_changed_file_is_linted_again_and_only_it(plans, tmp_path, monkeypatch):
    ctx = build_context()
    _run(ctx, plans, tmp_path / "cache")
    (plans / "c.aiplan.yaml").write_text(FLAWED)
    seen = _linted(monkeypatch)
    run, _ = _run(ctx, plans, tmp_path / "cache")
    assert seen == ["plans/c.aiplan.yaml"]
    assert [f.rule for f in run.findings if f.path == "plans/c.aiplan.yaml"] == ["BASE001", "FT001"]


@pytest.mark.parametrize("change", [
    {"ignore": ["FT"]},
    {"severity": {"FT001": "warning"}},
    {"select": ["BASE", "PLAN"]},
])
def test_another_configuration_does_not_reuse_results(plans, tmp_path, monkeypatch, change):
    first, _ = _run(build_context(), plans, tmp_path / "cache")
    seen = _linted(monkeypatch)
    ctx = build_context(**change)
    second, _ = _run(ctx, plans, tmp_path / "cache")
    assert sorted(seen) == ["plans/a.aiplan.yaml", "plans/b.aiplan.yaml", "plans/c.aiplan.yaml"]
    assert second.files == runner.lint_targets(discover([str(plans)]), ctx).files


def test_rule_options_and_plugins_are_part_of_the_key(plans, tmp_path, monkeypatch):
    from aiplan.core.rule import Option

    def make(threshold):
        @rule("TEST001", "long-name", Severity.WARNING, options=[Option("max", int, threshold, "Longest name.")])
        def long_name(plan, options):
            """Name is long.

            ## Why
            Test.
            """
            if len(plan.string("name") or "") > options["max"]:
                yield Violation("long", "Shorten it.", path=("name",))
        return long_name

    _run(build_context(rules=[make(100)]), plans, tmp_path / "cache")
    seen = _linted(monkeypatch)
    run, _ = _run(build_context(rules=[make(100)], options={"TEST001": {"max": 3}}), plans, tmp_path / "cache")
    assert len(seen) == 3 and any(f.rule == "TEST001" for f in run.findings)


def test_results_with_internal_errors_are_not_cached(plans, tmp_path, monkeypatch):
    @rule("TEST002", "broken", Severity.ERROR)
    def broken(plan, options):
        """Always raises.

        ## Why
        Test.
        """
        raise RuntimeError("boom")

    ctx = build_context(rules=[broken])
    first, store = _run(ctx, plans, tmp_path / "cache")
    assert first.internal_errors
    seen = _linted(monkeypatch)
    second, _ = _run(ctx, plans, tmp_path / "cache")
    assert len(seen) == 3 and second.internal_errors


def test_existence_checks_are_recorded_and_rechecked(plans, tmp_path, monkeypatch):
    @rule("TEST003", "missing-eval-set", Severity.WARNING)
    def missing_eval_set(plan, options):
        """Eval set file is missing.

        ## Why
        Test.
        """
        if plan.path_exists("evals/set.jsonl") is False:
            yield Violation("evals/set.jsonl is missing", "Add it.", path=("name",))

    ctx = build_context(rules=[missing_eval_set], select=["TEST003"])
    first, _ = _run(ctx, plans, tmp_path / "cache")
    assert len(first.findings) == 3
    (plans / "evals").mkdir()
    (plans / "evals" / "set.jsonl").write_text("{}\n")
    seen = _linted(monkeypatch)
    second, _ = _run(ctx, plans, tmp_path / "cache")
    assert len(seen) == 3 and second.findings == []
    third, store = _run(ctx, plans, tmp_path / "cache")
    assert store.hits == 3 and third.findings == []


def test_layout_gitignore_and_cachedir_tag(plans, tmp_path):
    _run(build_context(), plans, tmp_path / "cache")
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    shards = _shards(tmp_path / "cache")
    assert 1 <= len(shards) <= 3 and all(len(shard.name) == 2 for shard in shards)


def _unsigned(shard) -> bytes:
    """A shard's marshal data, without the MAC that authenticates it."""
    return shard.read_bytes()[32:]


def _signed(data: bytes) -> bytes:
    """``data`` as this user's cache would write it: damaged, but authentic."""
    return cache_module._mac(cache_module._load_key(), data) + data


def _shards(cache_dir):
    return sorted(path for path in (cache_dir / FORMAT).glob("*/*") if not path.name.startswith("."))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong-format", "code-object",
                                    "unknown-record", "wrong-arity", "not-a-result"])
def test_damaged_cache_is_ignored_and_rebuilt(plans, tmp_path, monkeypatch, damage):
    ctx = build_context()
    cache_dir = tmp_path / "cache"
    first, _ = _run(ctx, plans, cache_dir)
    pwned = tmp_path / "pwned"
    code = compile(f"open({str(pwned)!r}, 'w')", "<exploit>", "exec")  # must never run
    for shard in _shards(cache_dir):
        data = _unsigned(shard)
        content = marshal.loads(data)

        def entries(payload):
            content["entries"] = {key: (entry[0], entry[1], entry[2], payload, entry[4], entry[5])
                                  for key, entry in content["entries"].items()}
            return marshal.dumps(content)

        if damage == "garbage":
            shard.write_bytes(_signed(b"\x80\x05not marshal data at all"))
        elif damage == "truncated":
            shard.write_bytes(_signed(data[: len(data) // 2]))
        elif damage == "empty":
            shard.write_bytes(_signed(b""))
        elif damage == "wrong-format":
            shard.write_bytes(_signed(marshal.dumps({"format": "other", "entries": []})))
        elif damage == "code-object":
            shard.write_bytes(_signed(entries(["FileResult", code, (), (), (), 1])))
        elif damage == "unknown-record":
            shard.write_bytes(_signed(entries(["Popen", "touch", str(pwned)])))
        elif damage == "wrong-arity":
            shard.write_bytes(_signed(entries(["Finding", "x"])))
        elif damage == "not-a-result":
            shard.write_bytes(_signed(entries(["Span", 1, 1, 1, 1])))
    seen = _linted(monkeypatch)
    second, _ = _run(ctx, plans, cache_dir)
    assert not pwned.exists()
    assert len(seen) == 3 and second.files == first.files
    third, store = _run(ctx, plans, cache_dir)  # rebuilt
    assert store.hits == 3 and third.files == first.files


def test_unwritable_cache_directory_never_fails_the_run(plans, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    run, store = _run(build_context(), plans, blocker / "cache")
    assert len(run.files) == 3 and not store.usable and "cannot write the cache" in store.problem


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_read_only_cache_directory_never_fails_the_run(plans, tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        run, store = _run(build_context(), plans, cache_dir)
    finally:
        cache_dir.chmod(0o700)
    assert len(run.files) == 3 and not store.usable


def test_concurrent_runs_merge_and_never_corrupt(tmp_path):
    """Several processes linting overlapping sets of files into one cache at once."""
    plans = tmp_path / "plans"
    plans.mkdir()
    for index in range(40):
        (plans / f"p{index:02d}.aiplan.yaml").write_text(FLAWED if index % 2 else CLEAN)
    script = (
        "import sys, glob\n"
        "from aiplan.run.cache import LintCache\n"
        "from aiplan.run.discovery import discover\n"
        "from aiplan.run.runner import lint_targets\n"
        "from aiplan.testing import build_context\n"
        "files = sorted(glob.glob(sys.argv[2] + '/*.yaml'))[int(sys.argv[3])::3]\n"
        "for _ in range(3):\n"
        "    lint_targets(discover(files), build_context(), cache=LintCache(sys.argv[1]), jobs=1)\n"
    )
    env = {**os.environ, "AIPLAN_NO_CACHE": ""}
    workers = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "cache"), str(plans), str(part)],
                                env=env) for part in range(3)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0]
    entries = {}
    for shard in _shards(tmp_path / "cache"):
        content = marshal.loads(_unsigned(shard))  # every shard is whole
        entries.update(content["entries"])
    assert not list((tmp_path / "cache" / FORMAT).glob("*/.*"))  # no temporary file left
    assert len(entries) == 40  # each run kept the others' entries


def _import_afresh(monkeypatch, *names):
    """Let the test import ``names`` from its own tmp_path, and leave sys.modules as it found
    it: a second run in the same process would otherwise stamp what the first run left there
    (`nsplugin.rules` outlived the test, pointing at the first run's file)."""
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)  # recorded: put back as it was at teardown
        del sys.modules[name]


def test_package_stamp_changes_when_code_changes(tmp_path, monkeypatch):
    package = tmp_path / "stamped_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "rules.py").write_text("A = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    _import_afresh(monkeypatch, "stamped_pkg", "stamped_pkg.rules")
    import stamped_pkg  # noqa: F401

    before = _package_stamp("stamped_pkg.rules")
    (package / "rules.py").write_text("A = 22\n")
    assert _package_stamp("stamped_pkg.rules") != before


def test_cli_no_cache_and_cache_dir(cli, plans, tmp_path):
    result = cli("lint", "--no-cache", "plans")
    assert result.exit_code == 1 and not (tmp_path / ".aiplan_cache").exists()
    first = cli("lint", "--format", "json", "plans")
    assert (tmp_path / ".aiplan_cache" / ".gitignore").exists()
    second = cli("lint", "--format", "json", "plans")
    assert first.output == second.output and json.loads(second.output)["summary"]["files"] == 3
    cli("lint", "--cache-dir", tmp_path / "elsewhere", "plans")
    assert (tmp_path / "elsewhere" / FORMAT).is_dir()
    cli("lint", "plans", env={"AIPLAN_CACHE_DIR": str(tmp_path / "from-env")})
    assert (tmp_path / "from-env" / FORMAT).is_dir()
    cli("lint", "plans", env={"AIPLAN_NO_CACHE": "1", "AIPLAN_CACHE_DIR": str(tmp_path / "never")})
    assert not (tmp_path / "never").exists()


def test_standard_input_is_never_cached(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "-", input=FLAWED)
    assert result.exit_code == 1
    assert not list((tmp_path / ".aiplan_cache").glob(f"{FORMAT}/*/*"))


def test_lookup_is_a_miss_for_unreadable_entries(plans, tmp_path):
    ctx = build_context()
    _run(ctx, plans, tmp_path / "cache")
    store = LintCache(str(tmp_path / "cache"))
    assert store.lookup(str(plans / "a.aiplan.yaml"), "plans/a.aiplan.yaml", ctx, lambda path: None) is None
    assert store.lookup(str(plans / "a.aiplan.yaml"), "plans/zzz.aiplan.yaml", ctx, lambda path: b"x") is None
    found = store.lookup(str(plans / "a.aiplan.yaml"), "plans/a.aiplan.yaml", ctx,
                         lambda path: open(path, "rb").read())
    assert found is not None and found.path == "plans/a.aiplan.yaml"


def test_environment_switches(monkeypatch, tmp_path):
    monkeypatch.setenv("AIPLAN_NO_CACHE", "0")
    assert not cache_module.cache_disabled_by_environment()
    monkeypatch.setenv("AIPLAN_NO_CACHE", "yes")
    assert cache_module.cache_disabled_by_environment()
    monkeypatch.setenv("AIPLAN_CACHE_DIR", str(tmp_path / "x"))
    assert cache_module.default_cache_dir() == str(tmp_path / "x")
    monkeypatch.delenv("AIPLAN_CACHE_DIR")
    assert cache_module.default_cache_dir(str(tmp_path)) == str(tmp_path / ".aiplan_cache")


@pytest.mark.parametrize("replacement", ["fifo", "oversized", "symlink"])
def test_a_shard_that_is_a_fifo_oversized_or_a_link_is_ignored(plans, tmp_path, monkeypatch, replacement):
    ctx = build_context()
    cache_dir = tmp_path / "cache"
    first, _ = _run(ctx, plans, cache_dir)
    outside = tmp_path / "outside-shard"
    for shard in _shards(cache_dir):
        data = shard.read_bytes()
        shard.unlink()
        if replacement == "fifo":
            os.mkfifo(shard)   # reading it must not wait for a writer
        elif replacement == "oversized":
            shard.write_bytes(data)
        else:
            outside.write_bytes(data)
            shard.symlink_to(outside)
    monkeypatch.setattr(cache_module, "MAX_SHARD_BYTES", 16 if replacement == "oversized" else cache_module.MAX_SHARD_BYTES)
    seen = _linted(monkeypatch)
    second, _ = _run(ctx, plans, cache_dir)
    assert len(seen) == 3 and second.files == first.files


# --------------------------------------------------------------------------
# What the cache trusts: only entries this user wrote on this machine


def test_a_crafted_cache_never_makes_a_dirty_plan_clean(plans, tmp_path, monkeypatch):
    ctx = build_context()
    cache_dir = tmp_path / "cache"
    first, _ = _run(ctx, plans, cache_dir)
    assert first.findings
    # Someone else (a pull request, another user of a shared directory) writes
    # well-formed shards whose entries say every plan is clean.
    for shard in _shards(cache_dir):
        entries = {}
        for path in ("plans/a.aiplan.yaml", "plans/b.aiplan.yaml", "plans/c.aiplan.yaml"):
            digest = LintCache.digest((tmp_path / path).read_bytes())
            from aiplan.core.findings import FileResult
            from aiplan.run import codec
            entries[path] = (digest, None, (), codec.encode(FileResult(path)), 2_000_000_000, None)
        shard.write_bytes(marshal.dumps({"format": FORMAT, "entries": entries}))
    second, store = _run(ctx, plans, cache_dir)
    assert store.hits == 0
    assert second.files == first.files


def test_the_key_lives_outside_the_repository_and_is_private(plans, tmp_path):
    _run(build_context(), plans, tmp_path / "cache")
    key = cache_module.key_path()
    assert os.path.commonpath([key, str(tmp_path)]) != str(tmp_path)
    assert os.stat(key).st_mode & 0o077 == 0


def test_a_cache_directory_that_is_a_symlink_is_not_used(plans, tmp_path):
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    (tmp_path / "cache").symlink_to(elsewhere)
    run, store = _run(build_context(), plans, tmp_path / "cache")
    assert not store.usable and "symbolic link" in store.problem
    assert list(elsewhere.iterdir()) == []  # nothing written through the link
    assert run.findings


def test_a_link_inside_the_cache_directory_is_never_followed(plans, tmp_path):
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / FORMAT).symlink_to(elsewhere)
    (cache_dir / ".gitignore").symlink_to(elsewhere / "gitignore")
    _run(build_context(), plans, cache_dir)
    assert list(elsewhere.iterdir()) == []


def test_a_cache_directory_tracked_by_git_is_not_used(plans, tmp_path, monkeypatch):
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    cache_dir = tmp_path / ".aiplan_cache"
    _run(build_context(), plans, cache_dir)
    # An empty file of our own, not /dev/null: a git that writes its config by rename (as root) would replace the device.
    empty_config = tmp_path / "empty.gitconfig"
    empty_config.write_text("")
    env = dict(os.environ, GIT_CONFIG_GLOBAL=str(empty_config), GIT_CONFIG_SYSTEM=str(empty_config))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", ".aiplan_cache"], check=True, env=env)
    run, store = _run(build_context(), plans, cache_dir)
    assert not store.usable and "tracked by git" in store.problem
    assert store.hits == 0


def test_namespace_package_plugins_are_stamped(tmp_path, monkeypatch):
    package = tmp_path / "nsplugin"   # no __init__.py: a namespace package
    package.mkdir()
    (package / "rules.py").write_text("A = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    _import_afresh(monkeypatch, "nsplugin", "nsplugin.rules")
    import nsplugin.rules  # noqa: F401

    before = _package_stamp("nsplugin.rules")
    assert "no file" not in before
    (package / "rules.py").write_text("A = 22\n")
    assert _package_stamp("nsplugin.rules") != before


# --------------------------------------------------------------------------
# The stat fast path: a settled file whose status is unchanged is not read


def _reads(monkeypatch) -> list[str]:
    """Record which plan files the cache reads to check their digest."""
    seen: list[str] = []
    original = runner.read_file

    def spy(path, limits):
        seen.append(os.path.basename(path))
        return original(path, limits)

    monkeypatch.setattr(runner, "read_file", spy)
    return seen


def _entries(cache_dir) -> dict:
    entries = {}
    for shard in _shards(cache_dir):
        entries.update(marshal.loads(_unsigned(shard))["entries"])
    return entries


@pytest.fixture
def settled(monkeypatch):
    """Every file counts as settled (written long enough ago), as files are in a repository."""
    monkeypatch.setattr(cache_module, "RACY_NS", -3600 * 10**9)


def test_a_settled_unchanged_file_is_reused_without_reading_it(plans, tmp_path, monkeypatch, settled):
    ctx = build_context()
    first, _ = _run(ctx, plans, tmp_path / "cache")
    assert all(entry[1] is not None for entry in _entries(tmp_path / "cache").values())
    reads, linted = _reads(monkeypatch), _linted(monkeypatch)
    second, store = _run(ctx, plans, tmp_path / "cache")
    assert reads == [] and linted == [] and store.hits == 3
    assert second.files == first.files


@pytest.mark.parametrize("how", ["in place, modification time restored", "replaced, same size and time"])
def test_a_same_size_edit_that_keeps_the_modification_time_is_seen(plans, tmp_path, monkeypatch, settled, how):
    ctx = build_context()
    _run(ctx, plans, tmp_path / "cache")
    plan = plans / "c.aiplan.yaml"
    before = os.stat(plan)
    old = plan.read_text()
    new = old.replace("status: done", "status: DONE", 1)  # same size, other findings
    assert new != old and len(new) == len(old)
    if how.startswith("in place"):
        with open(plan, "r+") as handle:  # same inode, same size
            handle.write(new)
    else:
        replacement = plans / "c.tmp"
        replacement.write_text(new)
        os.replace(replacement, plan)
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(plan).st_mtime_ns == before.st_mtime_ns
    linted = _linted(monkeypatch)
    run, _ = _run(ctx, plans, tmp_path / "cache")
    assert linted == ["plans/c.aiplan.yaml"]
    assert run.files == runner.lint_targets(discover([str(plans)]), ctx).files


def test_a_file_written_just_now_is_read_every_time_until_it_settles(plans, tmp_path, monkeypatch):
    ctx = build_context()
    _run(ctx, plans, tmp_path / "cache")  # the plans were written just now: no status to trust
    assert [entry[1] for entry in _entries(tmp_path / "cache").values()] == [None, None, None]
    plan = plans / "c.aiplan.yaml"
    before = os.stat(plan)
    old = plan.read_text()
    with open(plan, "r+") as handle:  # the racy edit: same size, modification time put back
        handle.write(old.replace("status: done", "status: DONE", 1))
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads, linted = _reads(monkeypatch), _linted(monkeypatch)
    _run(ctx, plans, tmp_path / "cache")
    assert linted == ["plans/c.aiplan.yaml"]
    assert sorted(reads) == ["a.aiplan.yaml", "b.aiplan.yaml", "c.aiplan.yaml", "c.aiplan.yaml"]


def test_a_hit_verified_by_its_bytes_records_the_settled_status(plans, tmp_path, monkeypatch):
    ctx = build_context()
    first, _ = _run(ctx, plans, tmp_path / "cache")
    monkeypatch.setattr(cache_module, "RACY_NS", -3600 * 10**9)  # later: the files have settled
    reads = _reads(monkeypatch)
    _, store = _run(ctx, plans, tmp_path / "cache")
    assert store.hits == 3 and len(reads) == 3
    assert all(entry[1] is not None for entry in _entries(tmp_path / "cache").values())
    reads.clear()
    third, store = _run(ctx, plans, tmp_path / "cache")
    assert store.hits == 3 and reads == [] and third.files == first.files


def test_settled_status_refuses_recent_files_and_anything_but_regular_files(tmp_path, monkeypatch):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("x")
    assert cache_module.settled_status(str(plan)) is None  # just written
    info = os.stat(plan)
    monkeypatch.setattr(cache_module, "RACY_NS", -3600 * 10**9)
    assert cache_module.settled_status(str(plan)) == (1, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    assert cache_module.settled_status(str(tmp_path)) is None
    assert cache_module.settled_status(str(tmp_path / "missing")) is None


def test_code_key_stamps_each_package_once():
    # The built-in rules come from ten modules of one package: one stamp of aiplan's
    # files, not ten; a plugin's package adds its own.
    def check(plan):
        """Never fires.

        ## Why
        Test.
        """
        return ()

    check.__module__ = "some_plugin.rules"
    plugin_rule = rule("XPKG001", "from-a-plugin-package", Severity.WARNING)(check)
    assert cache_module.code_packages(build_context()) == ["aiplan"]
    assert cache_module.code_packages(build_context(rules=[plugin_rule])) == ["aiplan", "some_plugin"]


def test_the_text_report_of_cached_results_shows_the_lines_linted_without_reading_them(plans, tmp_path,
                                                                                     monkeypatch, settled):
    from aiplan.reporters import sources, text

    ctx = build_context()
    (plans / "d.aiplan.yaml").write_text(FLAWED.replace("\n", "\r\n"))   # other line breaks, same lines
    uncached = runner.lint_targets(discover([str(plans)]), ctx)
    expected = text.render(uncached, ctx.rules)
    first, _ = _run(ctx, plans, tmp_path / "cache")
    assert first.findings and text.render(first, ctx.rules) == expected
    second, store = _run(ctx, plans, tmp_path / "cache")
    assert store.hits == 4 and set(second.sources) == {f.path for f in second.findings}
    monkeypatch.setattr(sources, "read_lines", lambda path: pytest.fail(f"read {path} again"))  # text reads through it
    assert text.render(second, ctx.rules) == expected
    # A plan edited after its result was looked up: its report still shows the lines its findings came from.
    (plans / "a.aiplan.yaml").write_text("changed: true\n" * 400)
    assert text.render(second, ctx.rules) == expected


def test_kept_lines_are_the_flagged_ones_and_none_of_a_file_too_large_to_show(monkeypatch):
    from aiplan.core.findings import FileResult, Finding

    def finding(line):
        return Finding("X001", "x", Severity.ERROR, "m", "f", "p", line, 1, line, 2)

    data = b"one\ntwo\r\nthree\n"
    assert cache_module.shown_lines(data, FileResult("p")) is None
    assert cache_module.shown_lines(data, FileResult("p", (finding(2), finding(2), finding(9)))) == ((2, "two"),)
    monkeypatch.setattr(cache_module, "SHOWN_SOURCE_LIMIT", 4)
    assert cache_module.shown_lines(data, FileResult("p", (finding(2),))) == ()


@pytest.mark.parametrize("bad", [(1,), (1, ((2, "x"),)), ((1, b"x"),), ((0, "x"),), ((2, "b"), (1, "a")),
                                 ((1, "a"), (1, "a")), [(1, "x")], ((1, "x", "y"),)])
def test_kept_lines_of_another_shape_are_a_miss(bad):
    assert not cache_module._valid_lines(bad)
    assert cache_module._valid_lines(None) and cache_module._valid_lines(((1, "a"), (2, "b")))
    assert cache_module._valid_lines(())


def test_existence_checks_from_listings_agree_with_stat(tmp_path, monkeypatch):
    from aiplan.lint.engine import names_existing

    monkeypatch.chdir(tmp_path)
    for base in ("", "plans", "plans/team"):
        folder = tmp_path / base
        (folder / "data" / "sub").mkdir(parents=True)
        for name in ("a.jsonl", "b.jsonl", "c.jsonl", "data/x.jsonl", "data/y.jsonl", "data/z.jsonl"):
            (folder / name).write_text("{}\n")
        (folder / "link").symlink_to("a.jsonl")
        (folder / "data" / "dangling").symlink_to("missing")
    names = ["a.jsonl", "b.jsonl", "c.jsonl", "d.jsonl", "data/x.jsonl", "data/y.jsonl", "data/z.jsonl",
             "data/w.jsonl", "data/sub", "data/", "data/.", "data/..", ".", "..", "link", "data/dangling",
             "*.jsonl", "data/*.jsonl", "A.JSONL", "/", f"/{tmp_path.name}", str(tmp_path / "a.jsonl"),
             "/no-such-folder/a", "../plans/a.jsonl", "missing/a", "missing/b", "missing/c", "missing/d"]
    checks = cache_module.ExistenceChecks()
    for _ in range(2):   # the second time from the listings
        for base in ("", "plans", "plans/team", str(tmp_path / "plans")):
            for name in names:
                assert checks(base, name) == names_existing(os.path.join(base, name)), (base, name)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
@pytest.mark.parametrize("given", [".", "plans", "./plans/", "absolute"])
def test_existence_checks_from_discovery_listings_agree_with_stat(tmp_path, monkeypatch, given):
    from aiplan.lint.engine import names_existing
    from aiplan.run.discovery import discover

    monkeypatch.chdir(tmp_path)
    for base in ("", "plans", "plans/team"):
        folder = tmp_path / base
        (folder / "data" / "sub").mkdir(parents=True)
        (folder / "data" / "sub" / "deep.jsonl").write_text("{}\n")
        for name in ("a.jsonl", "b.jsonl", "data/x.jsonl", "aiplan.yaml"):
            (folder / name).write_text("{}\n")
        (folder / "link").symlink_to("a.jsonl")
        (folder / "linked-data").symlink_to("data")
        (folder / "data" / "dangling").symlink_to("missing")
        (folder / "node_modules").mkdir()
        (folder / "node_modules" / "m.jsonl").write_text("{}\n")
    names = ["a.jsonl", "b.jsonl", "d.jsonl", "data/x.jsonl", "data/w.jsonl", "data/sub", "data/sub/deep.jsonl",
             "data/sub/", "data/.", "data/..", "data/./x.jsonl", "data//x.jsonl", ".", "..", "link", "linked-data",
             "linked-data/x.jsonl", "data/dangling", "node_modules/m.jsonl", "node_modules/n.jsonl", "*.jsonl",
             "data/*.jsonl", "A.JSONL", "/", str(tmp_path / "a.jsonl"), "../plans/a.jsonl", "missing/a",
             "team/data/x.jsonl", "aiplan.yaml"]
    listings: dict = {}
    targets = discover([str(tmp_path / "plans") if given == "absolute" else given], listings=listings)
    bases = sorted({os.path.dirname(target.real_path) for target in targets})
    assert bases and set(bases) <= set(listings)
    listed: list[str] = []
    real_listing = cache_module._listing
    monkeypatch.setattr(cache_module, "_listing", lambda folder: listed.append(folder) or real_listing(folder))
    checks = cache_module.ExistenceChecks(listings)
    for _ in range(3):
        for base in bases:
            for name in names:
                assert checks(base, name) == names_existing(os.path.join(base, name)), (base, name)
    # A folder discovery listed is not listed again; a plain path's folder is one of those.
    assert not set(listed) & set(listings), listed
    assert all(os.path.join(base, "data") not in listed for base in bases)


def test_a_folder_changed_after_discovery_is_seen_as_discovery_listed_it(tmp_path, monkeypatch):
    """The run's listings are one moment's view, as when the checks listed a folder themselves:
    a path named afterwards is still found by stat (a name not listed is never taken as absent)."""
    from aiplan.run.discovery import discover

    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans" / "data").mkdir(parents=True)
    (tmp_path / "plans" / "aiplan.yaml").write_text("aiplan: 1\n")
    listings: dict = {}
    discover(["plans"], listings=listings)
    (tmp_path / "plans" / "data" / "late.jsonl").write_text("{}\n")
    checks = cache_module.ExistenceChecks(listings)
    assert checks("plans", "data/late.jsonl") and not checks("plans", "data/never.jsonl")


@pytest.mark.skipif(os.geteuid() == 0, reason="root searches any folder")
def test_a_folder_that_can_be_listed_but_not_searched_is_not_answered_from_its_listing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    for name in "abcd":
        (tmp_path / "data" / name).write_text("")
    (tmp_path / "data").chmod(0o444)
    try:
        checks = cache_module.ExistenceChecks()
        assert [checks("", f"data/{name}") for name in "abcde"] == [False] * 5
    finally:
        (tmp_path / "data").chmod(0o755)


BROKEN = "aiplan: 1\ngoals: [a, b\nname: x\n"  # the two parsers word this syntax error differently


def _messages(run) -> list[str]:
    return [f.message for f in run.findings if f.rule == "PLAN001"]


def test_a_result_made_with_one_yaml_parser_is_not_reused_with_the_other(tmp_path, monkeypatch):
    from aiplan.parse import loader

    pytest.importorskip("_ruamel_yaml")  # the test needs both parsers
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "broken.aiplan.yaml").write_text(BROKEN)
    ctx = build_context()
    with_libyaml, _ = _run(ctx, tmp_path / "plans", tmp_path / "cache")

    with monkeypatch.context() as removed:
        removed.setattr(loader, "_c_parser", lambda: None)  # as if ruamel.yaml.clib were removed
        seen = _linted(removed)
        pure, _ = _run(ctx, tmp_path / "plans", tmp_path / "cache")
        assert seen == ["plans/broken.aiplan.yaml"]
        assert _messages(pure) == _messages(runner.lint_targets(discover([str(tmp_path / "plans")]), ctx))
    assert _messages(pure) != _messages(with_libyaml)

    # installed again: each parser's result is kept under its own scope
    again, store = _run(ctx, tmp_path / "plans", tmp_path / "cache")
    assert store.hits == 1 and _messages(again) == _messages(with_libyaml)


def test_the_parser_in_the_key_is_the_one_the_loader_uses_and_costs_no_import(monkeypatch):
    from aiplan.parse import loader

    installed = loader._c_parser() is not None
    monkeypatch.delitem(sys.modules, "_ruamel_yaml", raising=False)
    assert loader.c_parser_available() is installed
    assert "_ruamel_yaml" not in sys.modules  # looked up, not imported (~20 ms of ruamel.yaml)
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # blocked: the loader cannot import it
    assert loader._c_parser() is None and loader.c_parser_available() is False


def _stamped(tmp_path, name: str) -> str:
    """A data file under ``tmp_path`` and its content stamp, as the evidence reader records it."""
    from aiplan.core.digest import sha256
    from aiplan.evidence.files import content_stamp, file_status

    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"x": 1}\n')
    before = file_status(str(path))
    return content_stamp(str(path), 9, sha256(path.read_bytes()).hexdigest(), before)


class _CountingChecks(cache_module.ExistenceChecks):
    """ExistenceChecks that remember which paths were looked up (no listing answers them: the
    first paths asked about in a folder are looked up one ``stat`` each)."""

    __slots__ = ("asked",)

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def looked_up(self, base: str, relative: str) -> bool:
        self.asked.append(relative)
        return super().looked_up(base, relative)


def test_a_data_file_whose_stamp_holds_is_not_checked_again_for_existence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stamp = _stamped(tmp_path, "plans/data/train.jsonl")
    (tmp_path / "plans" / "data" / "plain.txt").write_text("x")
    dependencies = (("\0evidence:data/train.jsonl", stamp), ("data/missing.jsonl", False),
                    ("data/plain.txt", True), ("data/train.jsonl", True))
    checks = _CountingChecks()
    assert cache_module._dependencies_hold("plans/plan.aiplan.yaml", dependencies, checks)
    assert checks.asked == ["data/missing.jsonl", "data/plain.txt"]  # the stamp answered for train.jsonl
    # The stamp answers only for the path it names, and only while it holds.
    (tmp_path / "plans" / "data" / "plain.txt").unlink()
    assert not cache_module._dependencies_hold("plans/plan.aiplan.yaml", dependencies, _CountingChecks())
    (tmp_path / "plans" / "data" / "plain.txt").write_text("x")
    (tmp_path / "plans" / "data" / "train.jsonl").unlink()
    checks = _CountingChecks()
    assert not cache_module._dependencies_hold("plans/plan.aiplan.yaml", dependencies, checks)
    assert checks.asked == []


def test_a_regular_file_whose_listing_check_holds_is_not_checked_again_for_existence(tmp_path, monkeypatch):
    """A listing check that held of a regular file (its lstat) answers the existence check of the
    same name; a glob's does not, nor one that no longer holds."""
    from aiplan.evidence.files import listing_stamp, locate, repository_root

    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans" / "data").mkdir(parents=True)
    (tmp_path / "plans" / "data" / "train.jsonl").write_text("{}\n")
    base = str(tmp_path / "plans")

    def stamp(name: str) -> str:
        return listing_stamp(locate(name, base, repository_root(base)), base, resolved=True)

    dependencies = (("\0listing:data/*.jsonl", stamp("data/*.jsonl")), ("\0listing:data/train.jsonl", stamp("data/train.jsonl")),
                    ("data/*.jsonl", True), ("data/train.jsonl", True))
    checks = _CountingChecks()
    assert cache_module._dependencies_hold("plans/plan.aiplan.yaml", dependencies, checks)
    assert checks.asked == ["data/*.jsonl"]
    # Removed, or replaced by a folder of data: the listing check fails.
    (tmp_path / "plans" / "data" / "train.jsonl").unlink()
    assert not cache_module._dependencies_hold("plans/plan.aiplan.yaml", dependencies[1:], _CountingChecks())
    (tmp_path / "plans" / "data" / "train.jsonl").mkdir()
    (tmp_path / "plans" / "data" / "train.jsonl" / "part.jsonl").write_text("{}\n")
    assert not cache_module._dependencies_hold("plans/plan.aiplan.yaml", dependencies[1:], _CountingChecks())
    # A name the first run found missing is checked, whatever the listing check says.
    (tmp_path / "plans" / "data" / "train.jsonl" / "part.jsonl").unlink()
    (tmp_path / "plans" / "data" / "train.jsonl").rmdir()
    (tmp_path / "plans" / "data" / "train.jsonl").write_text("{}\n")
    missing = ((dependencies[1][0], stamp("data/train.jsonl")), ("data/train.jsonl", False))
    checks = _CountingChecks()
    assert not cache_module._dependencies_hold("plans/plan.aiplan.yaml", missing, checks)
    assert checks.asked == ["data/train.jsonl"]


def test_a_stamp_of_a_kind_this_code_does_not_know_is_never_trusted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stamp = _stamped(tmp_path, "data/train.jsonl")
    assert cache_module._dependencies_hold("plan.aiplan.yaml", (("\0evidence:data/train.jsonl", stamp),),
                                           cache_module.ExistenceChecks())
    unknown = "future" + stamp[len("evidence"):]
    assert not cache_module._dependencies_hold("plan.aiplan.yaml", (("\0evidence:data/train.jsonl", unknown),),
                                               cache_module.ExistenceChecks())


def test_a_data_file_named_by_many_plans_is_checked_once_per_run(tmp_path, monkeypatch):
    from aiplan.evidence import files

    monkeypatch.chdir(tmp_path)
    stamp = _stamped(tmp_path, "team/evals/shared.jsonl")
    checked: list[str] = []
    original = files.stamp_holds
    monkeypatch.setattr(files, "stamp_holds", lambda path, wanted, info=None: checked.append(path) or original(path, wanted, info))
    dependencies = (("\0evidence:evals/shared.jsonl", stamp), ("evals/shared.jsonl", True))
    checks = cache_module.ExistenceChecks()
    assert cache_module._dependencies_hold("team/a.aiplan.yaml", dependencies, checks)
    # The plan's folder is made absolute once per run, not with a getcwd() per plan.
    with monkeypatch.context() as patched:
        patched.setattr(os, "getcwd", lambda: pytest.fail("getcwd() called"))
        for plan in ("team/b.aiplan.yaml", "team/c.aiplan.yaml"):
            assert cache_module._dependencies_hold(plan, dependencies, checks)
    assert checked == [str(tmp_path / "team" / "evals" / "shared.jsonl")]
    # A new run looks again: the file changed meanwhile.
    (tmp_path / "team" / "evals" / "shared.jsonl").write_bytes(b'{"x": 2}\n{"y": 3}\n')
    assert not cache_module._dependencies_hold("team/a.aiplan.yaml", dependencies, cache_module.ExistenceChecks())


def test_a_plan_keeps_its_shard_across_versions():
    # Shards are chosen by CRC-32 (binascii's, which is zlib's): the same plan, the same shard file.
    import zlib

    for path in ("plan.aiplan.yaml", "team-000/plan-00001.aiplan.yaml", "é/\udcff.aiplan.yaml"):
        assert LintCache._shard_of(path) == zlib.crc32(path.encode("utf-8", "surrogatepass")) % 64
    assert LintCache._shard_of("plan.aiplan.yaml") == 57  # as written by earlier versions


def test_decoded_shards_go_to_the_oldest_generation_and_leave_the_collector_as_it_was():
    """A shard's objects skip the young collections (their count starts afresh), and the
    collector is left on, with nothing frozen; a collector turned off, or objects a program
    froze itself, are left alone (``unfreeze`` would thaw them)."""
    import gc

    payload = marshal.dumps({"format": FORMAT, "entries": {str(n): [n, (str(n),)] for n in range(5000)}})
    assert gc.isenabled() and gc.get_freeze_count() == 0
    threshold = gc.get_threshold()
    gc.set_threshold(1_000_000, 10, 10)  # no young collection of the test's own in between
    try:
        gc.collect()
        decoded = cache_module._loads_long_lived(payload)
        assert gc.get_count()[0] < 10_000  # its 10,000 lists and tuples are not young any more
        assert decoded == marshal.loads(payload)
        assert gc.isenabled() and gc.get_freeze_count() == 0
        gc.disable()
        assert cache_module._loads_long_lived(payload) == marshal.loads(payload)
        assert not gc.isenabled()
        gc.enable()
        gc.freeze()
        frozen = gc.get_freeze_count()
        assert cache_module._loads_long_lived(payload) == marshal.loads(payload)
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
        gc.set_threshold(*threshold)
