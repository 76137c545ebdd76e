"""Lint many files: the edge of the engine where paths become results."""

from __future__ import annotations

import functools
import os
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from aiplan.core.budget import Budget, Watchdog
from aiplan.lint.engine import LintContext, incomplete_finding, lint_bytes, lint_file
from aiplan.core.findings import TALLIED, FileResult, Finding, InternalError
from aiplan.parse.loader import SHOWN_SOURCE_LIMIT, read_file, text_lines
from aiplan.core.paths import STDIN, Target
from aiplan.core.records import Record

if TYPE_CHECKING:
    from typing import Union

    from aiplan.run.cache import ExistenceChecks, LintCache
    from aiplan.run.discovery import Listing

    # The context for each file: one for the whole run, or resolved per file
    # (configuration files and per-path overrides make it differ between files).
    # For type checkers only: typing's Union and Callable cost about 0.2 M instructions at import.
    ContextSource = Union[LintContext, Callable[[Target], LintContext]]


class RunResult(Record):
    """What a run found, file by file: built by the runner (or the fixer) and
    transformed by pure functions that return a new one (:meth:`with_errors`,
    :func:`aiplan.run.baseline.apply_baseline`)."""

    files: tuple[FileResult, ...] = ()
    # Failures outside any file: plugins that could not load.
    errors: tuple[InternalError, ...] = ()
    # Findings `--fix` resolved; None when the run did not fix (see aiplan.fix.fixer).
    fixed: int | None = None
    # What a --baseline file hid, and its stale entries (aiplan.run.baseline.apply_baseline).
    baseline: object | None = None
    # By display path, the source lines a file's findings point at when the run has
    # them without reading the file again (aiplan.run.cache.ShownLines: results
    # from the cache, standard input); reports read the other files
    # (aiplan.reporters.sources.linted_lines).
    sources: Mapping[str, Any] | None = None
    # The display paths whose `sources` are the whole text linted, every line of it: standard
    # input, which cannot be read again, and whose --stdin-filename names a file that is not
    # what was linted. Reports never read these paths from disk.
    whole_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Callers may hand over lists; the record keeps tuples.
        object.__setattr__(self, "files", tuple(self.files))
        object.__setattr__(self, "errors", tuple(self.errors))

    def with_errors(self, errors: Iterable[InternalError]) -> "RunResult":
        """This run with more failures outside any file."""
        return replace(self, errors=self.errors + tuple(errors))

    @property
    def findings(self) -> list[Finding]:
        out = [f for result in self.files for f in result.findings]
        out.sort(key=Finding.sort_key)
        return out

    @property
    def suppressed(self) -> list[Finding]:
        return [f for result in self.files for f in result.suppressed]

    @property
    def internal_errors(self) -> list[InternalError]:
        return list(self.errors) + [e for result in self.files for e in result.errors]

    def counts(self) -> dict[str, int]:
        # Tallies: cached results need not decode their findings. Each column summed in C.
        columns = list(zip(*[result.tally() for result in self.files])) or [()] * len(TALLIED)
        return {severity.value: sum(column) for severity, column in zip(TALLIED, columns)}


def lint_target(target: Target, ctx: LintContext, stdin: bytes | None = None,
                budget: Budget | None = None, exists: "ExistenceChecks | None" = None) -> FileResult:
    """Lint one target; ``exists`` answers whether the paths its plan names exist (default:
    one ``stat`` each)."""
    if target.real_path == STDIN:
        data = stdin if stdin is not None else read_stdin(ctx)
        return lint_bytes(data, target.display_path, ctx, base_dir=target.folder, budget=budget)
    file_exists = None
    if exists is not None:
        # The folder as found (not made absolute): discovery's listings are kept by that path.
        file_exists = functools.partial(exists, os.path.dirname(target.real_path))
    return lint_file(target.real_path, target.display_path, ctx, budget=budget, file_exists=file_exists)


def read_stdin(ctx: LintContext) -> bytes:
    """Standard input, never more than one byte past the size limit of its context:
    `cat /dev/zero | aiplan lint -` must end (with PLAN007), not exhaust memory."""
    return sys.stdin.buffer.read(ctx.config.limits.max_bytes + 1)


def with_stdin_lines(run: RunResult, targets: Iterable[Target], data: bytes | None) -> RunResult:
    """``run`` with the text of standard input (``data``, as linted) kept in
    :attr:`RunResult.sources`, every line of it (:attr:`RunResult.whole_sources`): the
    reports show and hash its lines as they read a file's (the text report's code frames,
    SARIF's line hashes and regions), which they read from disk, but standard input cannot
    be read twice and the file ``--stdin-filename`` names is not what was linted. Kept
    only when something points at a line: a finding, waived or not."""
    if data is None:
        return run
    stdin_paths = {target.display_path for target in targets if target.real_path == STDIN}
    kept = {result.path: _whole_lines(data) for result in run.files
            if result.path in stdin_paths and (result.findings or result.suppressed)}
    if not kept:
        return run
    return replace(run, sources={**(run.sources or {}), **kept},
                   whole_sources=tuple(sorted({*run.whole_sources, *kept})))


def _whole_lines(data: bytes) -> Any:
    """Every line of ``data`` as :data:`aiplan.run.cache.ShownLines`; none past
    :data:`~aiplan.parse.loader.SHOWN_SOURCE_LIMIT`, as :func:`~aiplan.run.cache.shown_lines`
    keeps none of such a file."""
    if len(data) > SHOWN_SOURCE_LIMIT:
        return ()
    return tuple(enumerate(text_lines(data), 1))


# Seconds a whole run may take by default (`--run-timeout`); files not checked
# by then are reported as such, never as clean.
DEFAULT_RUN_TIMEOUT = 600.0


class Budgets:
    """Each file's time budget: its context's per-rule and per-file limits, the
    run's deadline, and the watchdog of the process it runs in."""

    def __init__(self, run_timeout: float | None) -> None:
        self.run_deadline = time.monotonic() + run_timeout if run_timeout else None
        self.watchdog: Watchdog | None = None
        self.trace = None
        # One Budget per context, not per file: (context, its budget) by the context's id.
        self._made: dict[int, tuple[LintContext, Budget]] = {}

    def start(self, trace=None) -> None:
        """In the process that lints (once per process): install its watchdog."""
        self.watchdog = Watchdog().__enter__()
        self.trace = trace
        self._made = {}

    def stop(self) -> None:
        if self.watchdog is not None:
            self.watchdog.__exit__(None, None, None)
            self.watchdog = None
        self._made = {}

    def __call__(self, ctx: LintContext) -> Budget:
        made = self._made.get(id(ctx))
        if made is not None and made[0] is ctx:
            return made[1]
        budget = Budget(rule_seconds=ctx.config.rule_timeout, file_seconds=ctx.config.file_timeout,
                        run_deadline=self.run_deadline, watchdog=self.watchdog, trace=self.trace)
        self._made[id(ctx)] = (ctx, budget)
        return budget


def runs_plugin_code(contexts: Iterable[LintContext]) -> bool:
    """Whether any of ``contexts`` enables a third-party plugin's rule."""
    seen: set[int] = set()
    for ctx in contexts:
        if id(ctx) in seen:
            continue
        seen.add(id(ctx))
        if any(ctx.rules[rule_id].third_party for rule_id in ctx.enabled if rule_id in ctx.rules):
            return True
    return False


def lint_targets(targets: Iterable[Target], contexts: ContextSource, stdin: bytes | None = None, *,
                 cache: "LintCache | None" = None, jobs: int = 1,
                 run_timeout: float | None = DEFAULT_RUN_TIMEOUT, isolate: bool | None = None,
                 listings: "dict[str, Listing] | None" = None) -> RunResult:
    """Lint every target; results in target order.

    ``cache`` reuses results of unchanged files and stores new ones
    (:mod:`aiplan.run.cache`); ``jobs`` is how many processes may lint (0: all
    cores; runs of a few files stay in this process, see
    :mod:`aiplan.run.pool`). Neither changes the results. Every file is linted
    within its context's time budgets and the run's (``run_timeout`` seconds).

    ``isolate``: lint in a forked worker even when serial, so that a plugin
    that kills the interpreter (a segfault, ``os._exit``) ends in a report
    naming the file and the plugin instead of no report at all. ``None``
    (default): when some file's context enables a third-party plugin's rule;
    runs of aiplan's own rules and policy packs stay in this process.

    ``listings``: what discovery listed in this run (:func:`aiplan.run.discovery.discover`),
    from which the paths plans name are found without listing those folders again. A run with
    ``cache``, or in several processes, empties it once the cached results are looked up (the
    files linted after that check the paths they name one ``stat`` each, as the cache records them).
    """
    targets = list(targets)
    resolve = contexts if callable(contexts) else (lambda _target: contexts)
    stdin_target = next((target for target in targets if target.real_path == STDIN), None)
    if stdin_target is not None and stdin is None:
        # Read here, once: its lines are the report's code frame (there is no file to read again).
        stdin = read_stdin(resolve(stdin_target))
    if isolate is None:
        isolate = runs_plugin_code(resolve(target) for target in targets)
    budgets = Budgets(run_timeout)
    budgets.start()
    try:
        if cache is None and jobs == 1 and not isolate:
            exists = _existence_checks(targets, listings)
            files = []
            for target in targets:
                ctx = resolve(target)
                files.append(lint_target(target, ctx, stdin, budgets(ctx), exists))
            return with_stdin_lines(RunResult(files=tuple(files)), targets, stdin)
        run = RunResult(files=tuple(_lint_many(targets, resolve, stdin, cache, jobs, budgets, isolate, listings)),
                        sources=cache.sources if cache is not None else None)
        return with_stdin_lines(run, targets, stdin)
    finally:
        budgets.stop()


def _existence_checks(targets: list[Target], listings: "Mapping[str, Listing] | None" = None
                      ) -> "ExistenceChecks | None":
    """For a run of several plans, the run's existence checks of the paths they name: plans
    beside each other name the same folders (``evals/``), each listed once instead of a
    ``stat`` per path (:class:`aiplan.run.cache.ExistenceChecks`, as a cached run checks them)."""
    if len(targets) < 2:
        return None
    from aiplan.run.cache import ExistenceChecks  # start-up: one plan (pre-commit) has little to share

    return ExistenceChecks(listings)


# -- many files: cache and processes ---------------------------------------------


def _lint_many(targets: list[Target], resolve, stdin: bytes | None, cache, jobs: int,
               budgets: Budgets, isolate: bool = False, listings: "dict[str, Listing] | None" = None
               ) -> list[FileResult]:
    from aiplan.run import codec  # start-up: the result codec only when many files or the cache need it
    if isolate:
        from aiplan.run.pool import can_fork  # start-up: the pool only for many files or isolation

        isolate = can_fork()
    files: list[FileResult | None] = [None] * len(targets)
    todo: list[int] = []
    if cache is not None and listings:
        cache.answer_from(listings)
    for index, target in enumerate(targets):
        if target.real_path == STDIN:
            # Read here, never in a worker; never cached. Isolated: linted in the worker.
            ctx = resolve(target)
            if isolate:
                stdin = stdin if stdin is not None else read_stdin(ctx)
                todo.append(index)
                continue
            files[index] = lint_target(target, ctx, stdin, budgets(ctx))
            continue
        if cache is not None:
            ctx = resolve(target)
            files[index] = cache.lookup(target.real_path, target.display_path, ctx, _reader(ctx))
        if files[index] is None:
            todo.append(index)
    if cache is not None:
        cache.done_reading()
    if listings:  # only the lookups answer from them: their memory (megabytes) is the linting's now
        listings.clear()

    record = cache is not None
    store = cache.evidence_store() if cache is not None else None
    strings: dict[str, str] = {}  # results from workers share equal strings

    def work(position: int):
        target = targets[todo[position]]
        ctx = resolve(target)
        if target.real_path == STDIN:
            return lint_target(target, ctx, stdin, budgets(ctx)), *_UNRECORDED
        return _lint_recorded(target, ctx, record, budgets(ctx), store)

    def pack(item):
        """In a worker: the result as builtin values (cheaper to move than dataclasses)."""
        linted, digest, dependencies, payload, status, lines = item
        payload = payload if payload is not None else codec.encode(linted)
        return item if payload is None else (None, digest, dependencies, payload, status, lines)

    def unpack(item):
        linted, digest, dependencies, payload, status, lines = item
        return item if linted is not None else (codec.decode(payload, strings), digest, dependencies, payload,
                                                status, lines)

    def crashed(position: int, how: str, last: str):
        target = targets[todo[position]]
        return crashed_result(target, resolve(target), how, last), *_UNRECORDED

    if len(todo) <= 1 and not isolate:  # linted here, as run_ordered would: one file (pre-commit) needs no pool
        done = [work(position) for position in range(len(todo))]
    else:
        from aiplan.run.pool import run_ordered, workers_for  # start-up: the pool only for many files

        workers = workers_for(len(todo), jobs)
        if (workers > 1 or isolate) and todo:
            budgets.stop()  # the workers run their own watchdogs
        done = run_ordered(work, len(todo), workers, pack=pack, unpack=unpack,
                           init=budgets.start, on_crash=crashed, isolate=isolate)
    for index, (linted, digest, dependencies, payload, status, lines) in zip(todo, done):
        files[index] = linted
        if cache is not None and digest is not None:
            target = targets[index]
            cache.store(target.display_path, resolve(target), digest, dependencies, linted, payload, status, lines)
    if cache is not None:
        cache.save()
    return files  # type: ignore[return-value]


def crashed_result(target: Target, ctx: LintContext, how: str, last: str) -> FileResult:
    """The result of a file whose worker process died (twice) while linting it."""
    rule_id = last[len("running rule "):] if last.startswith("running rule ") else ""
    rule = ctx.rules.get(rule_id)
    plugin = rule.plugin if rule is not None else "aiplan"
    doing = f"while running rule {rule_id}" if rule_id else f"while {last}" if last else "before it started"
    message = f"the process linting this file {how} {doing}"
    finding = incomplete_finding(ctx, target.display_path,
                                 f"aiplan could not check this file: {message}; its findings are unknown",
                                 "Report the crash to the plugin's authors, or turn the rule off.")
    error = InternalError(plugin, rule_id, message, target.display_path)
    return FileResult(target.display_path, (finding,), (error,), checked=ctx.checked)


# What _lint_recorded returns after the result for a file not recorded for the cache:
# no digest, dependencies, payload, status or lines.
_UNRECORDED = (None, (), None, None, None)


def _reader(ctx: LintContext):
    limits = ctx.config.limits
    return lambda path: read_file(path, limits)[0]


def _lint_recorded(target: Target, ctx: LintContext, record: bool, budget: Budget | None = None,
                   evidence_store=None):
    """Lint one file: ``(result, digest, dependencies, payload, status, lines)``. When
    recording for the cache: the digest of the bytes linted, the file-existence
    checks the rules made, the result encoded for storing (done here, so in a
    worker), the file's settled status taken before reading it, and the source
    lines its findings point at (:func:`aiplan.run.cache.shown_lines`).
    ``evidence_store`` keeps the data files' results (:class:`aiplan.run.cache.EvidenceStore`)."""
    if not record:
        return lint_file(target.real_path, target.display_path, ctx, budget=budget), *_UNRECORDED
    from aiplan.run import codec  # start-up: only when recording for the cache
    from aiplan.run.cache import LintCache, recording_exists, settled_status, shown_lines  # start-up: only with the cache

    status = settled_status(target.real_path)  # before reading: an edit meanwhile shows as another status
    data, _ = read_file(target.real_path, ctx.config.limits)
    if data is None:  # unreadable, too big, not a file: reported, never cached
        return lint_file(target.real_path, target.display_path, ctx, budget=budget), *_UNRECORDED
    exists, asked = recording_exists(target.real_path, evidence_store)
    linted = lint_file(target.real_path, target.display_path, ctx, data=data, file_exists=exists, budget=budget)
    if linted.errors:  # a rule failed or time ran out: never cached
        return linted, *_UNRECORDED
    payload = codec.encode(linted)
    return linted, LintCache.digest(data), tuple(asked), payload, status, shown_lines(data, linted)
