"""Run the rules over one file: pure apart from reading the file itself.

The engine stamps every violation with its rule, severity and location,
applies selection and severity overrides, isolates failing rules, and returns
sorted, immutable results. It prints nothing.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import os
import time
from dataclasses import replace
from types import GeneratorType
from typing import TYPE_CHECKING, Any, Callable, Mapping

from aiplan.lint import mentions_directive
from aiplan.core.findings import FileResult, Finding, InternalError, Severity, Span, TextEdit, Violation
from aiplan.core.globs import is_glob
from aiplan.core.paths import resolves_below
from aiplan.lint.isolation import (KEPT, call_check, capped, describe_failure, exit_refused, listed, read_only_data,
                                   violation_problem)
from aiplan.parse.loader import LoadResult, load_bytes, load_file, load_text
from aiplan.core.plan import Plan, plan_for_rules, version_problem
from aiplan.core.rule import Rule
from aiplan.core.budget import FILE, RULE, Budget, FileClock, OutOfTime
from aiplan.core.rule_ids import RESOURCE_LIMIT, VERSION
from aiplan.lint.context import LintContext
from aiplan.core.notation import hint_in_json, written_in_json
from aiplan.core.text import SourceText, line_starts
from aiplan.schemas.validate import schema_errors

if TYPE_CHECKING:  # imported on first use (see _DeferredReader)
    from aiplan.evidence.reader import EvidenceReader


def _in_plan_notation(fix: str, in_json: bool) -> str:
    """Rules write their hints' snippets in YAML; a plan written in JSON gets them in JSON."""
    return hint_in_json(fix, _snippet_data) if in_json else fix


def _snippet_data(snippet: str) -> Any:
    """The data of one YAML snippet of a hint; ``ValueError`` if it is not one clean document."""
    loaded = load_text(snippet, "<hint>")
    if loaded.problems or len(loaded.documents) != 1:
        raise ValueError(snippet)
    return loaded.documents[0].data


def _finding(ctx: LintContext, rule_id: str, violation: Violation, plan: Plan | None,
             display_path: str, document: int, source: SourceText | None = None,
             in_json: bool | None = None) -> Finding | None:
    """The finding ``violation`` makes; ``in_json``: whether the plan is written in JSON
    (by default, whether its name says so)."""
    item = ctx.rules.get(rule_id)
    if item is None or rule_id not in ctx.enabled:
        return None
    from aiplan.core.fingerprint import finding_fingerprint  # start-up: only a plan with findings needs them
    from aiplan.lint.edits import resolve_edits  # start-up: as above
    located = tuple(violation.path)
    if violation.span is not None:
        span = violation.span
    elif plan is not None:
        span, located = plan.locate(violation.path, violation.at)
    else:
        span = Span.point(1, 1)
    edits: tuple[TextEdit, ...] = ()
    # Only rules that declare fixable=True may propose edits (`aiplan rules` says so).
    if violation.edits and item.fixable and plan is not None and source is not None:
        edits = resolve_edits(tuple(violation.edits), tuple(violation.path), plan, source)
    yaml_path = tuple(violation.path) if violation.path else located
    # str.__str__: a plugin's str subclass with a failing __str__ cannot abort the run.
    message = _capped(str.__str__(violation.message))
    related = tuple(violation.related)
    if related:
        # Rules name data files relative to the plan; reports show paths relative to where the plan is shown from.
        folder = os.path.dirname(display_path)
        related = tuple(replace(item, path=os.path.normpath(os.path.join(folder, item.path)))
                        if folder and not os.path.isabs(item.path) else item for item in related)
    fingerprint = finding_fingerprint(item.id, yaml_path, plan.data if plan is not None else None,
                                      message, has_plan=plan is not None and violation.span is None)
    fix = _capped(_in_plan_notation(str.__str__(violation.fix),
                                    written_in_json(display_path, None) if in_json is None else in_json))
    # Positional, in Finding's field order: keywords make the record bind each by name.
    return Finding(item.id, item.name, ctx.severities[item.id], message, fix, display_path,
                   span.line, span.column, span.end_line, span.end_column, document, yaml_path, item.url,
                   bool(edits), "", edits, fingerprint, related, tuple(violation.superseded_by))


def run_rule(item: Rule, plan: Plan, options: Mapping[str, Any],
             clock: FileClock | None = None) -> tuple[list[Violation], str | None]:
    """Call one rule's check (within ``clock``'s budgets, if given); return its
    violations or why it failed. A file's or the run's budget running out
    propagates as :class:`OutOfTime`."""
    try:
        if clock is not None:
            violations = clock.run_rule(call_check, item, plan, options)
        else:
            violations = call_check(item, plan, options)
    except BaseException as exc:  # noqa: BLE001 - sorted out by _failure
        return [], _failure(exc, clock)
    return _checked(violations, item)


def _failure(exc: BaseException, clock: FileClock | None) -> str:
    """Why a rule call failed (``exc``); re-raises what must end the file or the run:
    the file's or the run's budget running out, Ctrl-C."""
    if isinstance(exc, OutOfTime):
        if exc.scope != RULE or clock is None:
            raise exc
        return (f"did not finish within its time budget of {clock.budget.rule_seconds:g} s and was stopped; "
                "its findings for this file are missing (if the rule is only slow, raise the budget with `--rule-timeout`)")
    if isinstance(exc, (KeyboardInterrupt, GeneratorExit)):
        raise exc
    # A plugin's sys.exit() or own BaseException must not end the run.
    return describe_failure(exc)


def _checked(violations: list, item: Rule) -> tuple[list[Violation], str | None]:
    """``violations``, or why one of them cannot become a finding: a malformed one, or one
    whose own ``superseded_by`` names a rule ``item`` does not declare (``superseded_by`` or
    ``finding_superseded_by``): refused like a malformed one, so that which rules may hide a
    finding is what ``aiplan explain`` documents, and a typo fails the rule's own tests."""
    for violation in violations:
        problem = violation_problem(violation)
        if problem is None and violation.superseded_by:
            problem = _undeclared_superseder(violation.superseded_by, item)
        if problem is not None:
            return [], problem
    return violations, None


def _undeclared_superseder(superseding, item: Rule) -> str | None:
    """Why a Violation's ``superseded_by`` cannot be taken (``None``: each ID is declared)."""
    declared = item.superseded_by + item.finding_superseded_by
    undeclared = sorted({other for other in superseding if other not in declared})
    if not undeclared:
        return None
    return (f"yielded a Violation whose superseded_by names {', '.join(undeclared)}, which the rule does not "
            f"declare (declared: {', '.join(declared) if declared else 'none'}); declare it in "
            "@rule(finding_superseded_by=...)")


def _misplaced(violations: list[Violation], loaded: LoadResult) -> str | None:
    """Why a violation's explicit position is not in the file (``None``: all are)."""
    lines = None
    for violation in violations:
        span = violation.span
        if span is None:
            continue
        if lines is None:
            lines = len(line_starts(loaded.text)) if loaded.text else 1
        if span.line > lines or span.end_line > lines or span.end_line < span.line:
            return (f"yielded a Violation at line {_shown_number(span.line)}-{_shown_number(span.end_line)}, "
                    f"which is not in the file ({lines:,} lines)")
    return None


def _shown_number(number: int) -> str:
    text = str(number)
    return text if len(text) <= 12 else text[:12] + "…"


# A finding's message and fix hint are cut past this many characters: a plugin's
# 50 MB message must not become a 100 MB report.
MAX_MESSAGE_CHARS = 4_000


def _capped(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    return text[:MAX_MESSAGE_CHARS] + f"… ({len(text) - MAX_MESSAGE_CHARS:,} more characters cut)"


def budget_of(ctx: LintContext) -> Budget:
    """The budget ``ctx`` configures, with no watchdog: checked between phases only."""
    return Budget(rule_seconds=ctx.config.rule_timeout, file_seconds=ctx.config.file_timeout)


def lint_documents(loaded: LoadResult, display_path: str, ctx: LintContext,
                   file_exists: Callable[[str], bool] | None = None, base_dir: str | None = None,
                   clock: FileClock | None = None) -> FileResult:
    """Lint every document of a loaded file (within ``clock``'s budgets, if given).
    ``base_dir`` is the plan's directory: evidence rules read the data files it
    names relative to it (none without it, or when ``ctx.evidence`` is off)."""
    return _lint_documents(loaded, display_path, ctx, file_exists, clock or budget_of(ctx).for_file(), base_dir)


def _evidence_reader(ctx: LintContext, base_dir: str | None, clock: FileClock,
                     file_exists: Callable[[str], bool] | None):
    """The reader the enabled rules ask about data files (``plan.evidence``), or ``None``."""
    if not ctx.evidence or base_dir is None:
        return None
    return _DeferredReader(ctx, base_dir, clock, file_exists)


def _reader_options(ctx: LintContext, clock: FileClock, file_exists: Callable[[str], bool] | None) -> dict:
    """The :class:`~aiplan.evidence.reader.EvidenceReader`'s options for one file."""
    needs = ctx.evidence_needs
    return dict(byte_budget=ctx.config.limits.max_evidence_bytes, file_cap=ctx.config.limits.max_evidence_files,
                pause=functools.partial(_reading, clock), record=getattr(file_exists, "record", None),
                input_fields=ctx.config.input_fields,
                # The cache's recording check: the reader records every path it locates.
                exists=file_exists if hasattr(file_exists, "record") else None,
                near=tuple(sorted(need[1:] for need in needs if isinstance(need, tuple) and len(need) == 3
                                  and need[0] == "near")),
                store=getattr(file_exists, "evidence_store", None),
                measures_overlap=("exact",) in needs)


# Named in the phase while data files are read: a file that runs out of time then
# says which options bound the reading.
READING_DATA = "reading the data files the plan names"


@contextlib.contextmanager
def _reading(clock: FileClock):
    """The reader's ``pause``: the asking rule's own budget stops (reading is bounded
    by `max-evidence-bytes`), the file's goes on, and the phase says data is being read."""
    phase = clock.phase
    clock.at(f"{phase}, {READING_DATA}")
    with clock.paused():
        yield
    clock.at(phase)  # not when time ran out: the report names this phase


class _DeferredReader:
    """``plan.evidence`` until a rule first asks it something: only then are the
    :class:`~aiplan.evidence.reader.EvidenceReader` and its options made (and
    :mod:`aiplan.evidence` imported), so a plan that names no data file pays nothing for evidence."""

    __slots__ = ("_arguments", "_reader", "measures_overlap", "_below")

    def __init__(self, ctx: LintContext, base_dir: str, clock: FileClock,
                 file_exists: Callable[[str], bool] | None) -> None:
        self._arguments = (ctx, base_dir, clock, file_exists)
        self._reader: EvidenceReader | None = None
        self.measures_overlap: bool = ("exact",) in ctx.evidence_needs
        self._below: dict[tuple[str, str], bool] = {}  # leads_into's short cut, per pair of names

    def same_file(self, first: str, second: str) -> str | None:
        """:meth:`EvidenceReader.same_file`, asked of the reader only for two names that are one
        file by one ``stat`` each (``os.path.samefile``): FT006 asks this of most fine-tuning
        plans, whose two paths are two files, and a plan that reads no data makes no reader. Not
        when the run records what a result depends on (the cache): the reader records where each
        path leads, so a link made later is seen by the next run; the short cut records nothing."""
        if self._reader is None and getattr(self._arguments[3], "record", None) is None:
            base_dir = self._arguments[1]
            try:
                if not os.path.samefile(os.path.join(base_dir, os.path.expanduser(first)),
                                        os.path.join(base_dir, os.path.expanduser(second))):
                    return None
            except (OSError, ValueError):  # missing, a glob, a URL: the reader would find no one file either
                return None
        return self.__getattr__("same_file")(first, second)

    def leads_into(self, data_name: str, name: str) -> str | None:
        """:meth:`EvidenceReader.leads_into`, asked of the reader only for a ``name`` that resolves
        into the folder ``data_name`` starts from (two ``realpath`` calls): FT006 asks this of
        most fine-tuning plans, whose held-out file lies apart from the training data. Not when
        the run records what a result depends on, as :meth:`same_file`."""
        if self._reader is None and getattr(self._arguments[3], "record", None) is None:
            key = (data_name, name)
            below = self._below.get(key)
            if below is None:
                below = self._below[key] = resolves_below(self._arguments[1], name, data_name)
            if not below:
                return None
        return self.__getattr__("leads_into")(data_name, name)

    def linked_from(self, data_name: str, name: str) -> str | None:
        """:meth:`EvidenceReader.linked_from`, asked of the reader only when ``name`` is a file (one
        ``stat``): a data file that links to nothing there links to no file. Not when the run records
        what a result depends on, as :meth:`same_file`."""
        if self._reader is None and getattr(self._arguments[3], "record", None) is None:
            if not os.path.isfile(os.path.join(self._arguments[1], os.path.expanduser(name))):
                return None
        return self.__getattr__("linked_from")(data_name, name)

    def __getattr__(self, name: str):
        if self._reader is None:
            from aiplan.evidence.reader import EvidenceReader  # start-up: only for plans that name data files

            ctx, base_dir, clock, file_exists = self._arguments
            self._reader = EvidenceReader(base_dir, **_reader_options(ctx, clock, file_exists))
        return getattr(self._reader, name)


def _run_rules(plan: Plan, loaded: LoadResult, display_path: str, ctx: LintContext,
               clock: FileClock, source: SourceText | None, findings: list[Finding], errors: list[InternalError],
               cut_short: list[str], in_json: bool) -> None:
    """Every enabled rule over one document: its findings into ``findings``, a rule
    that fails into ``errors`` (and into ``cut_short`` when it ran out of time)."""
    # The PLAN rules judge the document as written; every other rule reads it with
    # its unambiguous schema mistakes repaired, so one mistake is one finding.
    steps = ctx.steps()
    reading = plan
    if plan.schema_errors != () and not all(step.judges_form for step in steps):
        from aiplan.schemas.repair import read_as_repaired  # start-up: a valid plan has nothing to repair

        reading = read_as_repaired(plan)
    # Around each of the ~46 rule calls of a document, in this one frame: the phase (clock.at),
    # the guarded call (FileClock.run_rule's body: the file's deadline checked, the watchdog armed
    # with the rule's or the file's deadline and disarmed after) and the listing of a rule's
    # generator (isolation.collect's), with what it yielded checked only when it yielded something;
    # os._exit refused once for the document, not around each call. Each frame and call through
    # `*args` left out is paid ~46 times a plan: change run_rule and collect with this loop.
    trace = clock.budget.trace
    watchdog = clock.budget.watchdog
    if watchdog is not None and not watchdog._installed:  # `enforced`, without a property call
        watchdog = None
    seconds = clock.budget.rule_seconds
    file_deadline, file_scope = clock.deadline, clock.scope
    if seconds is None and file_deadline is None:
        watchdog = None  # nothing to stop
    monotonic = time.monotonic
    deadline: float | None
    with exit_refused():
        for item, phase, as_written, third_party, options in steps:
            seen = plan if as_written else reading
            # A plugin's rule reads a read-only copy: it cannot change what later rules see.
            given = seen
            if third_party:
                written = None if seen.written is None else read_only_data(seen.written)
                given = replace(seen, data=read_only_data(seen.data), written=written)
            clock.phase = phase
            if trace is not None:
                trace(phase)
            now = monotonic()
            if file_deadline is not None and now >= file_deadline:
                raise OutOfTime(file_scope)  # the file's or the run's time: it ends the file (see _failure)
            failure: str | None
            try:
                if watchdog is not None:
                    if seconds is not None and (file_deadline is None or now + seconds <= file_deadline):
                        deadline, scope = now + seconds, RULE
                    else:
                        deadline, scope = file_deadline, file_scope
                    previous = (watchdog._deadline, watchdog._scope, watchdog._fired)
                    watchdog._deadline, watchdog._scope, watchdog._fired = deadline, scope, False
                try:
                    produced = item.check(given, options)
                    if type(produced) is GeneratorType:  # rules are generators: run here, at most KEPT listed
                        # A loop, not list(islice(...)): for the usual rule that yields nothing, making
                        # the islice and listing it through C cost more than the loop (callgrind).
                        violations = []
                        for violation in produced:
                            violations.append(violation)
                            if len(violations) == KEPT:
                                break
                    else:
                        violations = listed(produced)
                finally:
                    if watchdog is not None:
                        fired = watchdog._fired
                        watchdog._deadline, watchdog._scope, watchdog._fired = previous
                if watchdog is not None and fired:  # it caught OutOfTime and carried on: stopped all the same
                    raise OutOfTime(scope)
            except BaseException as exc:  # noqa: BLE001 - sorted out by _failure
                _take(item, [], _failure(exc, clock), seen, plan.document, loaded, display_path, ctx, source, in_json,
                      findings, errors, cut_short)
                continue
            if violations:  # most rule calls find nothing: nothing more to check or stamp
                violations, failure = _checked(capped(violations), item)
                _take(item, violations, failure, seen, plan.document, loaded, display_path, ctx, source, in_json,
                      findings, errors, cut_short)


def _take(item: Rule, violations: list[Violation], failure: str | None, seen: Plan, document: int, loaded: LoadResult,
          display_path: str, ctx: LintContext, source: SourceText | None, in_json: bool, findings: list[Finding],
          errors: list[InternalError], cut_short: list[str]) -> None:
    """What one rule call gave: its findings into ``findings``, or why it failed into ``errors``
    (and into ``cut_short`` when it ran out of time)."""
    if failure is not None:
        errors.append(InternalError(item.plugin, item.id, failure, display_path))
        if failure.startswith("did not finish within its time budget"):
            cut_short.append(item.id)
        return
    misplaced = _misplaced(violations, loaded)
    if misplaced is not None:
        errors.append(InternalError(item.plugin, item.id, misplaced, display_path))
        return
    for violation in violations:
        finding = _finding(ctx, item.id, violation, seen, display_path, document, source, in_json)
        if finding is not None:
            findings.append(finding)


def _lint_documents(loaded: LoadResult, display_path: str, ctx: LintContext,
                    file_exists: Callable[[str], bool] | None, clock: FileClock,
                    base_dir: str | None = None) -> FileResult:
    findings: list[Finding] = []
    errors: list[InternalError] = []
    source = _source_text(loaded)
    cut_short: list[str] = []   # rules stopped by their budget
    in_json = written_in_json(display_path, loaded.text)  # standard input has no name to say so

    for load_problem in loaded.problems:
        # Not by position: a document that could not be built is missing from the list.
        owner = next((document for document in loaded.documents if document.document == load_problem.document), None)
        finding = _finding(ctx, load_problem.rule, load_problem.violation, owner, display_path, load_problem.document,
                           in_json=in_json)
        if finding is not None:
            findings.append(finding)

    if not loaded.documents and not loaded.problems:
        finding = _finding(ctx, VERSION, Violation(
            "the file holds no YAML document (it is empty or only comments), so no plan",
            "Add a plan starting with `aiplan: 1` (run `aiplan init` for a starter), or stop passing this file to aiplan.",
            span=Span.point(1, 1),
        ), None, display_path, 0)
        if finding is not None:
            findings.append(finding)

    evidence = _evidence_reader(ctx, base_dir, clock, file_exists) if loaded.documents else None
    for document in loaded.documents:
        if len(findings) >= ctx.config.limits.max_findings:
            break
        lint_it, problem = version_problem(document.data)
        # The plan as rules see it, complete before the first rule runs and never changed after;
        # its schema errors are listed once, for PLAN002 and the repaired reading.
        plan = plan_for_rules(document, file_exists, evidence, ctx.config.placeholders,
                              schema_errors(document.data, non_finite=document.non_finite) if lint_it else None)
        if problem is not None:
            finding = _finding(ctx, VERSION, problem, plan, display_path, plan.document, source, in_json)
            if finding is not None:
                findings.append(finding)
        if lint_it:
            _run_rules(plan, loaded, display_path, ctx, clock, source, findings, errors, cut_short, in_json)

    # Inline suppressions (`# aiplan: ignore[RULE] -- reason`) waive findings and
    # report their own problems (PLAN005/PLAN006); see aiplan.lint.suppressions.
    if loaded.text and mentions_directive(loaded.text):
        from aiplan.lint import suppressions  # only files that hold a suppression comment

        clock.at("reading suppression comments")
        clock.check()
        findings, suppressed, problems = suppressions.apply(loaded.text, loaded.documents, findings,
                                                            ctx.enabled, ctx.rules)
    else:
        suppressed, problems = [], []
    findings = without_superseded(findings, ctx.rules)
    for rule_id, violation, index in problems:
        finding = _finding(ctx, rule_id, violation, None, display_path, index, in_json=in_json)
        if finding is not None:
            findings.append(finding)
    findings.sort(key=Finding.sort_key)
    _cap_findings(findings, ctx, display_path)
    if cut_short:
        rules = ", ".join(sorted(set(cut_short)))
        findings.insert(0, incomplete_finding(
            ctx, display_path,
            f"the check of this file is incomplete: {rules} did not finish within the time budget of "
            f"{clock.budget.rule_seconds:g} s per rule (`rule-timeout`), so its findings are missing",
            "Raise `rule-timeout` if the rule is only slow, or report the rule to its authors."))
    suppressed.sort(key=Finding.sort_key)
    return FileResult(display_path, tuple(findings), tuple(errors), tuple(suppressed),
                      documents=len(loaded.documents), checked=ctx.checked)


def without_superseded(findings: list[Finding], rules: Mapping[str, Rule]) -> list[Finding]:
    """``findings`` without those of a rule superseded on their YAML document
    (:attr:`Rule.superseded_by`): one finding per problem. Applied after the
    configuration (a rule that is off reports nothing) and inline suppressions (a
    waived finding is not reported), so only a reported finding supersedes; a
    superseding rule that is itself superseded there supersedes nothing. A
    finding's own ``superseded_by`` (one half of what its rule checks) drops
    that finding alone, when a rule it names stays reported on its document;
    a rule whose every finding is dropped so is not reported there either, and
    supersedes nothing."""
    reported = {(finding.document, finding.rule) for finding in findings}
    if (not any(rules[rule_id].superseded_by for _, rule_id in reported if rule_id in rules)
            and not any(finding.superseded_by for finding in findings)):
        return findings  # nearly every file: no superseded rule fired
    by_rule: dict[tuple[int, str], list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault((finding.document, finding.rule), []).append(finding)

    def superseders(finding: Finding) -> tuple[str, ...]:
        item = rules.get(finding.rule)
        return (item.superseded_by if item is not None else ()) + tuple(finding.superseded_by)

    kept: dict[tuple[int, str], bool] = {}

    def stays(key: tuple[int, str], chain: tuple[str, ...]) -> bool:
        # A rule is reported on a document when at least one of its findings survives both its rule's
        # and its own superseders, so a finding dropped by its own superseded_by supersedes nothing.
        if key not in kept:
            document, rule_id = key
            # A declared cycle (A superseded by B, B by A) keeps one of them, the same one every run.
            kept[key] = any(not any(other != rule_id and (document, other) in reported and other not in chain
                                    and stays((document, other), chain + (rule_id,))
                                    for other in superseders(finding))
                            for finding in by_rule[key])
        return kept[key]

    for key in sorted(reported):
        stays(key, ())
    return [finding for finding in findings if kept[(finding.document, finding.rule)]
            and not any(other != finding.rule and kept.get((finding.document, other), False)
                        for other in superseders(finding))]


# A check cut short is reported under the resource-limit rule, as an error that
# neither configuration nor a suppression can hide: such a file never reads as clean.
LIMIT_RULE = RESOURCE_LIMIT


def incomplete_finding(ctx: LintContext, display_path: str, message: str, fix: str) -> Finding:
    from aiplan.core.fingerprint import finding_fingerprint  # start-up: see _finding

    item = ctx.rules.get(LIMIT_RULE)
    return Finding(
        rule=LIMIT_RULE, name=item.name if item is not None else "resource-limit", severity=Severity.ERROR,
        message=message, fix=fix, path=display_path, line=1, column=1, end_line=1, end_column=1,
        url=item.url if item is not None else "",
        fingerprint=finding_fingerprint(LIMIT_RULE, (), None, message, has_plan=False),
    )


def _out_of_time(ctx: LintContext, display_path: str, clock: FileClock, scope: str) -> FileResult:
    """The result of a file whose check ran out of the file's or the run's time."""
    if scope == FILE:
        seconds = clock.budget.file_seconds
        limit = f"its time budget of {seconds:g} s (`file-timeout`)" if seconds is not None else "its time budget"
        fix = "Raise `file-timeout` if the file is genuine, or split it."
        if clock.phase.endswith(READING_DATA):
            fix = ("Reading data files counts against `file-timeout`: raise it (for example `file-timeout = 300`), "
                   "or lower `max-evidence-bytes` so that a smaller sample of each data file is read.")
    else:
        limit = "the run's time budget (`--run-timeout`)"
        fix = "Raise `--run-timeout`, or lint fewer files per run."
    message = (f"aiplan stopped checking this file when {limit} ran out, while {clock.phase}; "
               "its findings are unknown")
    finding = incomplete_finding(ctx, display_path, message, fix)
    error = InternalError("aiplan", "", f"checking stopped: {limit} ran out while {clock.phase}", display_path)
    return FileResult(display_path, (finding,), (error,), checked=ctx.checked)


def _source_text(loaded: LoadResult) -> SourceText | None:
    """The text fixes are resolved on (line offsets are computed only if a fix asks)."""
    if loaded.text is None:
        return None
    return SourceText(loaded.text)


def _cap_findings(findings: list[Finding], ctx: LintContext, display_path: str) -> None:
    """Keep the first ``max_findings`` (in file order) and say so in a PLAN007 finding."""
    limit = ctx.config.limits.max_findings
    if len(findings) <= limit:
        return
    first_dropped = findings[limit]
    del findings[limit:]
    note = _finding(ctx, RESOURCE_LIMIT, Violation(
        f"the file has more than {limit:,} findings; only the first {limit:,} are reported",
        "Fix the findings reported above, then lint again to see the rest.",
        span=Span.point(first_dropped.line, first_dropped.column),
    ), None, display_path, first_dropped.document)
    if note is not None:
        findings.append(note)


def names_existing(path: str) -> bool:
    """Whether a path a plan names exists; a glob (`data/ledger/*.jsonl`) does when it matches a file."""
    if os.path.exists(path):
        return True
    return is_glob(path) and next(glob.iglob(path, recursive=True), None) is not None


def exists_beside(real_path: str | None) -> Callable[[str], bool] | None:
    """Whether a path a plan names exists beside the file at ``real_path`` (``None``: no file)."""
    if real_path is None:
        return None
    return exists_in(os.path.dirname(os.path.abspath(real_path)))


def exists_in(base: str) -> Callable[[str], bool]:
    """Whether a path a plan names exists relative to the folder ``base``."""
    def exists(relative: str) -> bool:
        return names_existing(os.path.join(base, relative))

    return exists


def lint_file(real_path: str, display_path: str, ctx: LintContext, *, data: bytes | None = None,
              file_exists: Callable[[str], bool] | None = None, budget: Budget | None = None) -> FileResult:
    """Lint the file at ``real_path``; ``data`` is its content if already read (the
    cache hashed it), ``file_exists`` replaces the check for paths beside it.
    ``budget`` (default: the context's, without a watchdog) covers every phase."""
    base_dir = os.path.dirname(os.path.abspath(real_path))  # one getcwd() a file
    exists = file_exists or exists_in(base_dir)

    def work(clock: FileClock) -> FileResult:
        if data is None:
            loaded = load_file(real_path, ctx.config.limits, display_path)
        else:
            loaded = load_bytes(data, display_path, ctx.config.limits)
        return _lint_documents(loaded, display_path, ctx, exists, clock, base_dir)

    return lint_within(display_path, ctx, budget, work)


def lint_bytes(data: bytes, display_path: str, ctx: LintContext, base_dir: str | None = None,
               budget: Budget | None = None) -> FileResult:
    exists = exists_beside(os.path.join(base_dir, "-")) if base_dir else None

    def work(clock: FileClock) -> FileResult:
        return _lint_documents(load_bytes(data, display_path, ctx.config.limits), display_path, ctx, exists, clock, base_dir)

    return lint_within(display_path, ctx, budget, work)


def lint_within(display_path: str, ctx: LintContext, budget: Budget | None,
                work: Callable[[FileClock], FileResult]) -> FileResult:
    """``work(clock)`` for one file, every phase under its budget: a file that runs
    out of time gets a result that says so (never a clean one)."""
    clock = (budget or budget_of(ctx)).for_file()
    clock.at("reading and parsing the file")
    try:
        return clock.guard(work, clock)
    except OutOfTime as exc:
        return _out_of_time(ctx, display_path, clock, exc.scope)


def lint_text(text: str, ctx: LintContext, display_path: str = "<string>") -> FileResult:
    return lint_bytes(text.encode("utf-8"), display_path, ctx)
