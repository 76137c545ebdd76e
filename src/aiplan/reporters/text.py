"""The human-readable reports.

``text`` (the default) is for reading: findings grouped by file, within each
document the root causes first (the document cannot be read, parsed or
validated: :data:`aiplan.core.rule_ids.ROOT_CAUSES`), then errors before
warnings and, within a severity, the framework's order (gaps, baseline, fit,
...). Each
finding shows its location, severity, rule and name, ``[*]`` when ``--fix`` can
repair it, the source line with carets under the flagged node, and the message
and fix hint beneath::

    plans/support.aiplan.yaml
      16:13 error BASE001 missing-prompt-baseline
         |
      16 |     status: in_progress
         |             ^^^^^^^^^^^
         = approach is `fine_tuning` but the baseline is `in_progress`, not `done`
         = fix: Finish the prompt-engineering baseline ...

``concise`` is for grep: one ``path:line:col: RULE [severity] message`` line per
finding, in the order of every other format (root causes first, then by line:
:meth:`aiplan.core.findings.Finding.sort_key`), with ``[*]`` after the severity when fixable.

Every line that carries plan content starts with aiplan's own text (a path is
shown as ``./::...`` if it would start a GitHub Actions command), and content is
shown through :func:`visible`: no plan or file name can move the terminal's
cursor or reach the CI runner as a command.
"""

from __future__ import annotations

import os
import stat
from typing import Iterable, Iterator

from aiplan.core.findings import FIX_LABEL, Severity, tallied_from
from aiplan.core.notation import escape_unseen
from aiplan.core.rule_ids import family_of, root_cause_rank
from aiplan.reporters import neutralise
from aiplan.parse.loader import SHOWN_SOURCE_LIMIT
from aiplan.rules import FAMILY_TITLES

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def visible(text: str) -> str:
    """Render control characters (escape sequences, bidi overrides) visibly.

    Plan content ends up in messages; it must not be able to move the cursor,
    recolour the terminal or reorder what the reader sees.
    """
    if text.isprintable():  # the usual case, decided in C: nothing below applies
        return text
    return escape_unseen(text)


def shown_path(path: str) -> str:
    """A file path as the start of a line, visibly escaped, and never read as a
    CI command: GitHub Actions runs any log line that starts (after white
    space) with ``::`` or ``##[``, and a pull request chooses its file names."""
    path = visible(path)
    if path.lstrip().startswith(("::", "##[")):
        return "./" + path
    return path


# click.style's codes (``click.termui._ansi_colors``), without importing click: the pre-commit
# run does not (tests/unit/cli/test_lint_without_click.py pins them against click.style).
_FOREGROUNDS = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "cyan": 36}


def style(text: str, *, fg: str | None = None, bold: bool | None = None, underline: bool | None = None) -> str:
    """``click.style(text, fg=fg, bold=bold, underline=underline)`` for the colours the reports use."""
    bits = []
    if fg:
        bits.append(f"\033[{_FOREGROUNDS[fg]}m")
    if bold is not None:
        bits.append(f"\033[{1 if bold else 22}m")
    if underline is not None:
        bits.append(f"\033[{4 if underline else 24}m")
    bits.append(text)
    bits.append("\033[0m")
    return "".join(bits)


def _style(text: str, colour: bool, **kwargs) -> str:
    if not colour:
        return text
    return style(text, **kwargs)


# What a source line may be before the snippet shows only a window of it
# (a minified or hostile one-line file must not flood the terminal).
_SNIPPET_WIDTH = 160
_SNIPPET_BEFORE = 60
# Files larger than this are not read again for snippets.
_SNIPPET_FILE_LIMIT = SHOWN_SOURCE_LIMIT


def _family_rank() -> dict[str, int]:
    return {family: index for index, family in enumerate(FAMILY_TITLES)}


def reading_order(findings, family_rank: dict[str, int] | None = None) -> list:
    """Findings in the order a person fixes them: by file and document, root
    causes first (as in every format), then errors before warnings before info, and within a severity the framework's order of
    families (a syntax or schema problem, then the gap analysis, the baseline,
    the fit of the approach...), then by position. Plugin families come after
    the built-in ones."""
    rank = _family_rank() if family_rank is None else family_rank
    last = len(rank)
    # What the key needs of a rule ID and a severity, worked out once each, not per finding.
    by_rule: dict[str, tuple[int, int, str]] = {}
    descending = {severity: -severity.rank for severity in Severity}

    def key(finding):
        rule = finding.rule
        known = by_rule.get(rule)
        if known is None:
            family = family_of(rule)
            known = by_rule[rule] = (root_cause_rank(rule), rank.get(family, last), family)
        return (finding.path, finding.document, known[0], descending[finding.severity],
                known[1], known[2], finding.line, finding.column, rule, finding.message)

    return sorted(findings, key=key)


def _cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide East Asian characters two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata  # start-up: only for text that is not ASCII (and not run for each ASCII text)

    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _source_lines(path: str) -> list[str] | None:
    """The lines of a linted file, as the loader numbers them, or ``None`` when
    they cannot be shown: standard input, a file gone or changed into something
    that is not a regular file (a FIFO is never opened: it could block), or
    one too large to read again."""
    from aiplan.reporters.sources import STDIN, read_lines  # start-up: only a report with findings shows sources

    if path == STDIN:
        return None
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(info.st_mode) and info.st_size <= _SNIPPET_FILE_LIMIT:
        return read_lines(path)
    return None


def _stored_lines(stored) -> list[str]:
    """The lines of a file as :func:`_source_lines` reads them, from the ones a run
    kept for its findings (:data:`aiplan.run.cache.ShownLines`); the others are empty
    and never shown."""
    lines = [""] * (stored[-1][0] if stored else 0)  # up to the last flagged line: findings past it show none
    for number, text in stored:
        lines[number - 1] = text
    return lines


def _snippet(finding, lines: list[str] | None, gutter: int, colour: bool, frame: "_Frame") -> list[str]:
    """The flagged line with carets under the flagged characters (to the end of
    the line when the node spans several)."""
    if not lines or not 0 < finding.line <= len(lines):
        return []
    source = lines[finding.line - 1]
    start = max(finding.column - 1, 0)
    if start > len(source):
        start = len(source)
    if finding.end_line == finding.line and finding.end_column > finding.column:
        end = min(finding.end_column - 1, len(source))
    else:
        end = len(source.rstrip())
    end = max(end, start + 1)
    left, right = 0, len(source)
    if len(source) > _SNIPPET_WIDTH:  # show a window around the flagged column
        left = max(0, start - _SNIPPET_BEFORE)
        right = min(len(source), left + _SNIPPET_WIDTH)
        end = min(end, right)
    if source.isprintable():  # the usual case: each part is shown as it is (visible() would return it)
        before, flagged, after = source[left:start], source[start:end] or " ", source[end:right]
    else:
        before = visible(source[left:start])
        flagged = visible(source[start:end]) or " "
        after = visible(source[end:right])
    lead = "..." if left else ""
    tail = "..." if right < len(source) else ""
    number = str(finding.line).rjust(gutter)
    carets = "^" * max(_cell_width(flagged), 1)
    if colour:
        number = _style(number, colour, fg="blue", bold=True)
        carets = _style(carets, colour, fg=_COLOURS[finding.severity], bold=True)
    return [
        frame.empty,
        f"  {number} {frame.bar} {lead}{before}{flagged}{after}{tail}".rstrip(),
        f"{frame.open}{' ' * _cell_width(lead + before) if lead or before else ''}{carets}",
    ]


class _Frame:
    """The parts of a file's findings that are the same for each: the gutter's bar, its
    empty line and the start of the caret line, and the notes' prefixes (made once per
    file, not once per finding: the report of a run with tens of thousands of findings)."""

    __slots__ = ("bar", "empty", "open", "note", "fix")

    def __init__(self, gutter: int, colour: bool):
        pad = " " * gutter
        self.bar = _style("|", colour, fg="blue", bold=True)
        self.empty = f"  {pad} {self.bar}"
        self.open = f"  {pad} {self.bar} "
        notes = " " * (gutter + 3)
        # "= " starts each note: a message that begins with "::" never starts a line.
        self.note = f"{notes}= "
        self.fix = f"{notes}= {_style(FIX_LABEL, colour, fg='green')} "


def render_key(colour: bool, show_fix: bool, wrap: int | None) -> tuple:
    """What shapes a file's part of the full text report besides its findings and source
    lines: a part rendered under another key is never shown (:meth:`aiplan.run.codec.CachedResult.shown`)."""
    return ("text", colour, show_fix, wrap)


# The key the cache renders each file's part under: the report as CI logs, pipes and files get it.
CACHED_KEY = render_key(False, True, None)


class _Look:
    """What a report's files share: the styled severities and fix marker, and ``visible()`` of
    each distinct name, message and fix, worked out once (ten thousand plans repeat a few
    thousand of them: a rule's name, its message for a common mistake)."""

    __slots__ = ("colour", "show_fix", "wrap", "severities", "fixable", "shown")

    def __init__(self, colour: bool, show_fix: bool, wrap: int | None) -> None:
        self.colour, self.show_fix, self.wrap = colour, show_fix, wrap
        self.severities = {severity: _style(severity.value, colour, fg=_COLOURS[severity], bold=True)
                           for severity in Severity}
        self.fixable = " " + _style("[*]", colour, fg="cyan")
        self.shown: dict[str, str] = {}


def _file_lines(path: str, findings: list, source: list[str] | None, look: _Look) -> list[str]:
    """One file's part of the full report (its findings in reading order)."""
    colour, show_fix, wrap, shown = look.colour, look.show_fix, look.wrap, look.shown
    severities, fixable = look.severities, look.fixable
    lines = [_style(shown_path(path), colour, bold=True, underline=True)]
    gutter = max(len(str(f.line)) for f in findings)
    frame = _Frame(gutter, colour)
    hanging = gutter + 3 + 7
    for index, finding in enumerate(findings):
        if index:
            lines.append("")
        rule = _style(finding.rule, colour, bold=True) if colour else finding.rule
        name = finding.name
        if name:
            name = " " + (shown.get(name) or shown.setdefault(name, visible(name)))
        lines.append(f"  {finding.line}:{finding.column} {severities[finding.severity]} {rule}"
                     f"{fixable if finding.fix_available else ''}{name}")
        if source:
            lines.extend(_snippet(finding, source, gutter, colour, frame))
        message = finding.message
        message = shown.get(message) or shown.setdefault(message, visible(message))
        if wrap:
            lines.extend(_wrapped(frame.note, message, wrap))
        else:
            lines.append(frame.note + message)
        fix = finding.fix
        if show_fix and fix:
            fix = shown.get(fix) or shown.setdefault(fix, visible(fix))
            if wrap:
                lines.extend(_wrapped(frame.fix, fix, wrap, hanging=hanging))
            else:
                lines.append(frame.fix + fix)
    return lines


def cached_part(result, stored) -> tuple[tuple, str]:
    """``(CACHED_KEY, result's part of the full report under it)``, its source lines those
    the cache keeps with it (``stored``: :data:`aiplan.run.cache.ShownLines`): what a warm
    run prints for the file without decoding its findings (:data:`aiplan.run.cache.PartRenderer`).
    The part is ``""`` when it has no findings."""
    if not result.findings:
        return CACHED_KEY, ""
    path = result.path
    if any(finding.path != path for finding in result.findings):
        return (), ""  # the report groups findings by their own path: not one part (a key never shown)
    findings = reading_order(result.findings)
    colour, show_fix, wrap = CACHED_KEY[1:]
    look = _Look(colour, show_fix, wrap)
    return CACHED_KEY, _joined(_file_lines(path, findings, _stored_lines(stored or ()), look))


def _full(run, rules, *, colour: bool, show_fix: bool, wrap: int | None) -> Iterator[str]:
    """The findings, one piece per file: a report is written as it is produced, and only
    the file being shown has its source lines in memory. A file whose part the cache kept
    under these options (:meth:`aiplan.run.codec.CachedResult.shown`) is shown from it."""
    key = render_key(colour, show_fix, wrap)
    # A path shown by more than one result (a file named twice) is one part: rendered here.
    results_of: dict[str, int] = {}
    for result in run.files:
        results_of[result.path] = results_of.get(result.path, 0) + 1
    parts: dict[str, str] = {}
    parted = {}
    pending = []
    for result in run.files:
        shown = getattr(result, "shown", None)
        part = shown(key) if shown is not None and results_of[result.path] == 1 else None
        if part is None:
            pending.extend(result.findings)
        elif part:
            parts[result.path] = part
            parted[result.path] = result
    # Another result's finding that names a path with a kept part (a plugin's finding about
    # another file) joins that path's findings: the path is rendered whole, not from its part.
    for path in {finding.path for finding in pending}.intersection(parts):
        del parts[path]
        pending.extend(parted[path].findings)
    # Not run.findings: reading_order sorts them anyway, and findings equal in its key are
    # equal in Finding.sort_key too, so the order is the same without sorting twice.
    by_file: dict[str, list] = {}
    for finding in reading_order(pending):
        by_file.setdefault(finding.path, []).append(finding)
    kept = run.sources or {}
    look = _Look(colour, show_fix, wrap)
    first = True
    for path in sorted(parts.keys() | by_file.keys()) if parts else by_file:
        part = parts.get(path)
        if part is None:
            stored = kept.get(path)
            # Findings come grouped by file: read once, unless the run kept its lines (cached results).
            source = _source_lines(path) if stored is None else _stored_lines(stored)
            part = _joined(_file_lines(path, by_file[path], source, look))
        yield part if first else "\n" + part
        first = False


def _wrapped(prefix: str, text: str, width: int | None, hanging: int | None = None) -> list[str]:
    """``prefix + text``, wrapped at word boundaries to ``width`` columns when
    one is given (a terminal); continuation lines are indented under the text."""
    if not width:
        return [prefix + text]
    import textwrap  # start-up: only when writing to a terminal

    indent = " " * (hanging if hanging is not None else len(prefix))
    body = textwrap.wrap(text, width=max(width - len(indent), 30), break_long_words=False,
                         break_on_hyphens=False) or [""]
    return [prefix + body[0]] + [indent + line for line in body[1:]]


def _concise(run, *, colour: bool) -> Iterator[list[str]]:
    lines = []
    for finding in run.findings:
        where = _style(f"{shown_path(finding.path)}:{finding.line}:{finding.column}:", colour, bold=True)
        rule = _style(finding.rule, colour, fg=_COLOURS[finding.severity], bold=True)
        severity = _style(f"[{finding.severity.value}]", colour, fg=_COLOURS[finding.severity])
        fixable = " " + _style("[*]", colour, fg="cyan") if finding.fix_available else ""
        lines.append(f"{where} {rule} {severity}{fixable} {visible(finding.message)}")
        if len(lines) == 512:
            yield lines
            lines = []
    yield lines


def statistics_lines(run) -> list[str]:
    """``--statistics``: findings per rule, most frequent first, with how many ``--fix`` can repair."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    for finding in run.findings:
        entry = counts.setdefault((finding.rule, finding.name, finding.severity.value), [0, 0])
        entry[0] += 1
        entry[1] += finding.fix_available
    if not counts:
        return []
    rows = sorted(counts.items(), key=lambda item: (-item[1][0], item[0][0]))
    width = max(len(str(count)) for (count, _) in counts.values())
    rule_width = max(len(rule) for (rule, _, _) in counts)
    lines = []
    for (rule, name, severity), (count, fixable) in rows:
        marker = f"[*] {fixable} fixable" if fixable else "   "
        lines.append(f"{str(count).rjust(width)}  {rule.ljust(rule_width)}  {severity.ljust(7)}  "
                     f"{visible(name)}{'  ' + marker if fixable else ''}")
    return lines


def stream(run, rules, *, colour: bool = False, show_fix: bool = True, summary: bool = True,
           concise: bool = False, statistics: bool = False, gate=None, wrap: int | None = None,
           exit_zero: bool = False, **_options) -> Iterator[str]:
    """The text report in pieces, each a run of whole lines (see :func:`render`):
    what a run prints is written as it is produced, so memory does not grow with
    the number of findings shown."""
    if statistics:
        batches: Iterable[list[str]] = (statistics_lines(run),)
    elif concise:
        batches = _concise(run, colour=colour)
    else:
        batches = ()  # the full report's pieces are whole already (_full)
    shown = False
    if not statistics and not concise:
        for piece in _full(run, rules, colour=colour, show_fix=show_fix, wrap=wrap):
            shown = True
            yield piece
    for lines in batches:
        if lines:
            shown = True
            yield _joined(lines)
    tail: list[str] = [""] if shown and not concise else []
    for error in run.internal_errors:
        tail.append(_style("internal error: ", colour, fg="red", bold=True) + visible(error.describe()))
    if summary:
        tail.append(summary_line(run, gate=gate, exit_zero=exit_zero))
        tail.extend(baseline_lines(run))
    if tail:
        yield _joined(tail)


def _joined(lines: list[str]) -> str:
    # Every line ends with a newline. Neutralised whatever the environment (a log
    # reader may see it: a container, a later step); per piece, as the log
    # readers act on lines and a piece holds whole lines.
    return neutralise("\n".join(lines) + "\n")


def render(run, rules, **options) -> str:
    """The text report. ``concise``: one line per finding. ``statistics``:
    counts per rule instead of the findings. ``gate`` (a function from a
    finding's path to the lowest severity that fails the run) lets the summary
    say how many findings fail it. ``wrap``: the terminal's width, to wrap
    messages at word boundaries (``None``: no wrapping, as in files and CI logs).
    ``summary``: end with the summary line (and what a baseline hid)."""
    return "".join(stream(run, rules, **options))


def summary_line(run, gate=None, exit_zero: bool = False) -> str:
    """``Linted 2 files: 1 error, 2 warnings, 0 info; 1 fails the run (fail-on: error); 1 fixable with --fix [*].``

    ``gate`` maps a file's path to the lowest severity that fails the run for
    it (configuration can set it per path); without it, the summary does not
    say what fails. ``exit_zero``: nothing fails the run (``--exit-zero``); the
    summary says what would."""
    files = len(run.files)
    counts = run.counts()
    noun = "file" if files == 1 else "files"
    total = sum(counts.values())
    parts = []
    if total:
        parts.append(
            f"{counts['error']} error{'s' * (counts['error'] != 1)}, "
            f"{counts['warning']} warning{'s' * (counts['warning'] != 1)}, "
            f"{counts['info']} info"
        )
    else:
        parts.append("no findings")
    if gate is not None and total:
        parts.append(_gate_part(run, gate, exit_zero))
    # Tallies, not findings: a warm run's cached results need not decode theirs.
    tallies = [result.tally() for result in run.files]
    suppressed = sum(tally[4] for tally in tallies)
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    fixed = getattr(run, "fixed", None)
    fixable = sum(tally[3] for tally in tallies)
    if fixed:
        parts.append(f"{fixed} fixed")
    if fixed is None and fixable:
        parts.append(f"{fixable} fixable with --fix [*]")
    elif fixable:  # --fix ran but did not apply these: unsafe here, or the file could not be written
        parts.append(f"{fixable} not fixed automatically")
    errors = len(run.internal_errors)
    if errors:
        parts.append(f"{errors} internal error{'s' * (errors != 1)}")
    return f"Linted {files} {noun}: " + "; ".join(parts) + "."


def _gate_part(run, gate, exit_zero: bool = False) -> str:
    thresholds = set()
    failing = 0
    # A run has one threshold, or few: what it counts is looked up when it changes, not per file
    # (a Severity's hash and value are Python calls, ten thousand times in a large run).
    last = upto = None
    for result in run.files:
        tally = result.tally()
        if not (tally[0] or tally[1] or tally[2]):
            continue
        threshold = gate(result.path)
        if threshold is not last:
            last, upto = threshold, tallied_from(threshold)
            thresholds.add(threshold.value)
        failing += sum(tally[:upto])
    named = f"fail-on: {thresholds.pop()}" if len(thresholds) == 1 else "fail-on set per path"
    if not failing:
        return f"none fails the run ({named})"
    if exit_zero:
        return f"{failing} would fail the run without --exit-zero ({named})"
    return f"{failing} fail{'s' * (failing == 1)} the run ({named})"


def baseline_lines(run) -> list[str]:
    """What a --baseline file hid, and its entries that no longer match anything."""
    baseline = getattr(run, "baseline", None)
    if baseline is None:
        return []
    lines = [f"Baseline {visible(baseline.file)}: {baseline.matched} known finding"
             f"{'s' * (baseline.matched != 1)} not shown."]
    if baseline.stale:
        count = sum(e.count for e in baseline.stale)
        lines.append(f"{count} baseline entr{'ies no longer match' if count != 1 else 'y no longer matches'}; shrink the file with "
                     f"`aiplan lint --write-baseline {visible(baseline.file)}`:")
        for entry in baseline.stale:
            times = f" (x{entry.count})" if entry.count > 1 else ""
            where = f" at {entry.yaml_path}" if entry.yaml_path else ""
            lines.append(f"    stale: {visible(entry.path)}: {entry.rule}{where}{times}")
    return lines
