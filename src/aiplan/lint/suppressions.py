"""Inline suppressions: waivers written in the plan, each with its reason.

    examples: 300  # aiplan: ignore[FT003] -- pilot uses 300 reviewed examples

    # aiplan: ignore[FT003, FT004] -- pilot dataset, reviewed by legal
    examples: 300

    # aiplan: ignore-file[RAG008] -- answers are internal drafts, never shown to users

``ignore[...]`` waives findings of the listed rules on its own line (a trailing
comment) or, alone on its line, on the next line that is not itself a comment.
``ignore-file[...]`` waives them anywhere in the YAML document that holds the
comment (each document of a multi-document file has its own). Rules are named
by exact ID: a waiver should say precisely what it waives. The reason follows
`` -- ``.

A comment is recognised only where YAML has a comment: a ``#`` at the start
of a line or after whitespace, outside every scalar. ``name: "# aiplan:
ignore[X]"`` is a string, not a suppression; the scalar positions the loader
recorded tell the two apart.

Problems with suppressions are findings: PLAN005 (no reason) and PLAN006
(matched nothing, names an unknown rule, or cannot be parsed). Those two rules
cannot themselves be suppressed inline (a waiver for the waiver would be
circular); turn them off in the configuration instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from dataclasses import field, replace
from typing import Iterable

from aiplan.core.findings import Finding, Span, Violation
from aiplan.core.placeholders import is_placeholder_text
from aiplan.core.records import Record
from aiplan.core.rule_ids import NO_REASON, UNUSED_SUPPRESSION, canonical_rule_id
from aiplan.core.notation import quoted_visibly
from aiplan.core.suggest import closest
from aiplan.core.text import LINE_BREAK

UNUSED = UNUSED_SUPPRESSION
UNSUPPRESSIBLE = frozenset((NO_REASON, UNUSED))
DIRECTIVES = ("ignore", "ignore-file")
# What the editor's "waive" action writes for the reader to replace. Like every
# placeholder (`TBD`, `none`, aiplan.core.placeholders) it is not a reason, so
# PLAN005 keeps asking for one until it is replaced.
REASON_PLACEHOLDER = "<reason>"

from aiplan.lint import QUICK, mentions_directive  # noqa: E402 - shared with the engine
_QUICK = re.compile(QUICK)
_DIRECTIVE = re.compile(
    r"#[ \t]*aiplan[ \t]*:[ \t]*(?P<kind>[A-Za-z_-]*)[ \t]*"
    r"(?:\[(?P<rules>[^\]]*)\])?(?P<rest>.*)$"
)
# Lines as every position aiplan reports counts them.
_BREAKS = LINE_BREAK
_MARKER = re.compile(r"(---|\.\.\.)(?=[ \t]|$)")


class Suppression(Record, frozen=False):
    """One parsed ``# aiplan:`` comment."""

    kind: str                  # "ignore" or "ignore-file"
    rules: tuple[str, ...]
    reason: str
    document: int
    line: int                  # the comment's position (1-based)
    column: int
    end_column: int
    target_line: int           # the line an "ignore" applies to; 0: none follows it
    text: str
    written: str = ""          # text after the rules not introduced by " -- "
    used: set[str] = field(default_factory=set)

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.line, self.end_column)


class Scan(Record, frozen=False):
    suppressions: list[Suppression]
    problems: list[tuple[str, Violation, int]]   # (rule ID, violation, document)


def has_directives(text: str | None) -> bool:
    """The fast path: most files hold no suppression at all."""
    return text is not None and mentions_directive(text)


def _scalar_spans(documents) -> "_Spans":
    """Where scalars (keys and values) sit: a ``#`` inside one is text, not a comment."""
    starts: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for plan in documents:
        for path, span in plan.value_spans.items():
            value = plan.get(*path)
            if not isinstance(value, (dict, list)):
                starts.add(((span.line, span.column), (span.end_line, span.end_column)))
        for span in plan.key_spans.values():
            starts.add(((span.line, span.column), (span.end_line, span.end_column)))
    return _Spans(sorted(starts))


class _Spans:
    """Answers "is this point inside a scalar?" in O(log n): spans sorted by
    start, with the furthest end reached by any span starting at or before each."""

    __slots__ = ("_starts", "_reach")

    def __init__(self, spans: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
        self._starts = [start for start, _ in spans]
        self._reach = list(accumulate((end for _, end in spans), max))

    def inside(self, line: int, column: int) -> bool:
        point = (line, column)
        index = bisect_right(self._starts, point) - 1
        return index >= 0 and point < self._reach[index]


def _targets(comment_only: list[bool]) -> list[int]:
    """For each line (0-based), the 1-based number of the first line after it
    that is not comment-only: what a waiver alone on its line applies to.
    Computed backwards in one pass (a run of waivers must not be quadratic)."""
    targets = [0] * len(comment_only)
    following = len(comment_only) + 1
    for index in range(len(comment_only) - 1, -1, -1):
        targets[index] = following
        if not comment_only[index]:
            following = index + 1
    return targets


def scan(text: str, documents) -> Scan:
    """Every suppression comment in ``text`` with its document, and what is wrong with any."""
    spans = _scalar_spans(documents)
    lines = _BREAKS.split(text)
    comment_only = [line.lstrip().startswith("#") for line in lines]
    next_content = _targets(comment_only)
    # A waiver alone on its line with only comments and blank lines after it has no line to waive
    # (target 0): the line after the last one, or the empty "line" after a final newline, is none.
    last_content = max((number for number, line in enumerate(lines, start=1)
                        if line.strip() and not comment_only[number - 1]), default=0)
    found: list[Suppression] = []
    problems: list[tuple[str, Violation, int]] = []

    index, state = 0, "none"   # document index; none / open / closed (after "...")
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        # `---` or `...` at the start of a line always ends a scalar (YAML's
        # c-forbidden): it is a marker wherever it appears.
        marker = _MARKER.match(line)
        if marker:
            if marker.group(1) == "---":
                if state in ("open", "closed"):
                    index += 1
                state = "open"
            elif state == "open":
                state = "closed"
        elif stripped and not stripped.startswith(("#", "%")):
            if state == "closed":
                index += 1
            state = "open"
        if "#" not in line:
            continue
        for match in _QUICK.finditer(line):
            start = match.start()
            if start and line[start - 1] not in " \t":
                continue
            if spans.inside(number, start + 1):
                continue
            target = next_content[number - 1] if comment_only[number - 1] else number
            target = target if target <= last_content else 0
            parsed, problem = _parse(line[start:], index, number, start + 1, target)
            if problem is not None:
                problems.append((UNUSED, problem, index))
            if parsed is not None:
                found.append(parsed)
                if not parsed.reason:
                    problems.append((NO_REASON, _no_reason(parsed), index))
            break   # one directive per comment: the rest of the line is its text
    return Scan(found, problems)


def _parse(comment: str, document: int, line: int, column: int, target: int):
    comment = comment.rstrip()
    span = Span(line, column, line, column + len(comment))
    match = _DIRECTIVE.match(comment)
    # The scan found `# aiplan:` here, and _DIRECTIVE takes any rest of the line.
    assert match is not None
    kind = match.group("kind").lower()
    if kind not in DIRECTIVES:
        guess = closest(kind, DIRECTIVES, cutoff=0.6)
        if guess:
            rules = match.group("rules") or "RULE"
            rest = match.group("rest").strip() or "-- reason"
            fix = f"Did you mean `{guess}`? Write `# aiplan: {guess}[{rules}] {rest}`."
        else:
            fix = ("Write `# aiplan: ignore[RULE] -- reason` for the line, or "
                   "`# aiplan: ignore-file[RULE] -- reason` for the whole document.")
        return None, Violation(
            f"`{comment}` is not a suppression aiplan understands, so it suppresses nothing", fix, span=span)
    rules_text = match.group("rules")
    rules = tuple(canonical_rule_id(r) for r in re.split(r"[,\s]+", rules_text or "") if r)
    if not rules:
        return None, Violation(
            f"`{comment}` names no rule, so it suppresses nothing; blanket suppressions are not supported",
            f"Name the rules it waives: `# aiplan: {kind}[FT003] -- reason` (`aiplan explain` shows their IDs).",
            span=span,
        )
    rest = match.group("rest").strip()
    reason = rest[2:].strip() if rest.startswith("--") else ""
    written = rest if rest and not rest.startswith("--") else ""
    if reason and is_placeholder_text(reason):
        reason, written = "", rest
    return Suppression(kind, rules, reason, document, line, column, column + len(comment),
                       target, comment, written), None


def _no_reason(item: Suppression) -> Violation:
    rules = ", ".join(item.rules)
    written = item.written
    if written.startswith("--"):
        placeholder = written[2:].strip()
        return Violation(
            f"suppression of {rules} gives the placeholder `{placeholder}` instead of a reason",
            f"Replace `{placeholder}` with why the finding is acceptable here; reviewers and auditors read it.",
            span=item.span,
        )
    if written:
        return Violation(
            f"suppression of {rules} gives its reason without ` -- ` (found {quoted_visibly(written)}), so it has no reason",
            f"Separate the reason with ` -- `: `# aiplan: {item.kind}[{rules}] -- {written}`.",
            span=item.span,
        )
    return Violation(
        f"suppression of {rules} gives no reason",
        f"Say why the finding is acceptable here: `# aiplan: {item.kind}[{rules}] -- <reason>`; "
        "reviewers and auditors read it.",
        span=item.span,
    )


def apply(text: str | None, documents, findings: list[Finding], enabled: Iterable[str],
          known: Iterable[str]) -> tuple[list[Finding], list[Finding], list[tuple[str, Violation, int]]]:
    """Split ``findings`` into kept and suppressed (each with its justification),
    and return the PLAN005/PLAN006 violations to report as ``(rule, violation, document)``."""
    if text is None or not has_directives(text):
        return findings, [], []
    result = scan(text, documents)
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    waivers = _Waivers(result.suppressions)
    for finding in findings:
        waiver = waivers.first_covering(finding)
        if waiver is None:
            kept.append(finding)
            continue
        waiver.used.add(finding.rule)
        suppressed.append(_justified(finding, waiver.reason))
    problems = list(result.problems)
    enabled = frozenset(enabled)
    known = list(known)
    for item in result.suppressions:
        for rule_id in item.rules:
            if rule_id in item.used:
                continue
            violation = _unused(item, rule_id, enabled, known)
            if violation is not None:
                problems.append((UNUSED, violation, item.document))
    return kept, suppressed, problems


class _Waivers:
    """The first suppression (in file order) that covers a finding, found by
    lookup instead of by trying each suppression on each finding."""

    def __init__(self, suppressions: list[Suppression]) -> None:
        self._by_key: dict[tuple, tuple[int, Suppression]] = {}
        for order, item in enumerate(suppressions):
            for rule_id in item.rules:
                if item.kind == "ignore-file":
                    key: tuple = (item.document, rule_id)
                else:   # by line alone: after `...` the waiver sits in the document before its line's
                    key = (rule_id, item.target_line)
                self._by_key.setdefault(key, (order, item))

    def first_covering(self, finding: Finding) -> Suppression | None:
        if finding.rule in UNSUPPRESSIBLE:
            return None
        candidates = [found for found in (self._by_key.get((finding.rule, finding.line)),
                                          self._by_key.get((finding.document, finding.rule))) if found]
        return min(candidates, key=lambda found: found[0])[1] if candidates else None


def _justified(finding: Finding, reason: str) -> Finding:
    """The waived finding, with its reason. ``--fix`` leaves waived findings
    alone, so it is no longer fixable: its edits go."""
    return replace(finding, justification=reason, edits=(), fix_available=False)


def _unused(item: Suppression, rule_id: str, enabled: frozenset, known: list[str]) -> Violation | None:
    others = [r for r in item.rules if r != rule_id]
    remove = (f"Remove `{rule_id}` from the list." if others else "Remove the comment.")
    if rule_id in UNSUPPRESSIBLE:
        return Violation(
            f"{rule_id} cannot be suppressed inline (a waiver for a waiver would be circular)",
            f"{remove} To turn {rule_id} off, add it to `ignore` in the configuration.",
            span=item.span,
        )
    if rule_id not in known:
        guess = closest(rule_id, known, cutoff=0.6)
        hint = f"Did you mean {guess}? " if guess else ""
        return Violation(
            f"suppression names {rule_id}, which is not a rule aiplan knows, so it suppresses nothing",
            f"{hint}Name rules by ID (`aiplan rules` lists them), or {remove[0].lower() + remove[1:]}",
            span=item.span,
        )
    if rule_id not in enabled:
        return None   # the rule is off in this run: whether it would match is unknown
    if item.kind == "ignore" and not item.target_line:
        return Violation(
            f"suppression of {rule_id} has no line to waive: it is alone on its line and no content follows it",
            f"Put it at the end of the line it is about, or alone on the line above it; or {remove[0].lower() + remove[1:]}",
            span=item.span,
        )
    where = "in this document" if item.kind == "ignore-file" else f"on line {item.target_line}"
    return Violation(
        f"suppression of {rule_id} matched no finding {where}",
        f"{remove} Unused suppressions hide future problems silently.",
        span=item.span,
    )
