"""The human-readable report: ``path:line:col: RULE [severity] message`` plus the fix."""

from __future__ import annotations

import re

from aiplan.core.findings import Severity

# C0 and C1 controls (ESC starts terminal escape sequences), invisible
# formatting and bidirectional controls (they reorder what the reader sees),
# line and paragraph separators, and lone surrogates (from undecodable file
# names; they cannot be encoded for any terminal).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def visible(text: str) -> str:
    """Render control characters (escape sequences, bidi overrides) visibly.

    Plan content ends up in messages; it must not be able to move the cursor,
    recolour the terminal or reorder what the reader sees.
    """
    if text.isprintable():  # the usual case, decided in C: nothing below applies
        return text
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def shown_path(path: str) -> str:
    """A file path as the start of a line, visibly escaped, and never read as a
    CI command: GitHub Actions runs any log line that starts (after white
    space) with ``::`` or ``##[``, and a pull request chooses its file names."""
    path = visible(path)
    if path.lstrip().startswith(("::", "##[")):
        return "./" + path
    return path


def _style(text: str, colour: bool, **kwargs) -> str:
    if not colour:
        return text
    import click

    return click.style(text, **kwargs)


def render(run, rules, *, colour: bool = False, show_fix: bool = True, summary: bool = True) -> str:
    lines: list[str] = []
    for finding in run.findings:
        where = _style(f"{shown_path(finding.path)}:{finding.line}:{finding.column}:", colour, bold=True)
        rule = _style(finding.rule, colour, fg=_COLOURS[finding.severity], bold=True)
        severity = _style(f"[{finding.severity.value}]", colour, fg=_COLOURS[finding.severity])
        lines.append(f"{where} {rule} {severity} {visible(finding.message)}")
        if show_fix and finding.fix:
            lines.append(f"    {_style('fix:', colour, fg='green')} {visible(finding.fix)}")
    for error in run.internal_errors:
        lines.append(_style("internal error: ", colour, fg="red", bold=True) + visible(error.describe()))
    if summary:
        lines.append(summary_line(run))
        lines.extend(baseline_lines(run))
    if lines:
        lines.append("")  # the final newline, without copying the whole report once more
    from aiplan.reporters.logsafe import neutralise

    # Whatever the environment: a log reader may see it (a container, a later step).
    return neutralise("\n".join(lines))


def summary_line(run) -> str:
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
    suppressed = len(run.suppressed)
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    fixed = getattr(run, "fixed", None)
    fixable = sum(1 for finding in run.findings if finding.fix_available)
    if fixed:
        parts.append(f"{fixed} fixed")
    if fixed is None and fixable:
        parts.append(f"{fixable} fixable with --fix")
    elif fixable:  # --fix ran but did not apply these: unsafe here, or the file could not be written
        parts.append(f"{fixable} not fixed automatically")
    errors = len(run.internal_errors)
    if errors:
        parts.append(f"{errors} internal error{'s' * (errors != 1)}")
    return f"Linted {files} {noun}: " + "; ".join(parts) + "."


def baseline_lines(run) -> list[str]:
    """What a --baseline file hid, and its entries that no longer match anything."""
    baseline = getattr(run, "baseline", None)
    if baseline is None:
        return []
    lines = [f"Baseline {visible(baseline.file)}: {baseline.matched} known finding"
             f"{'s' * (baseline.matched != 1)} not shown."]
    if baseline.stale:
        count = sum(e.count for e in baseline.stale)
        lines.append(f"{count} baseline entr{'ies' if count != 1 else 'y'} no longer match; shrink the file with "
                     f"`aiplan lint --write-baseline {visible(baseline.file)}`:")
        for entry in baseline.stale:
            times = f" (x{entry.count})" if entry.count > 1 else ""
            where = f" at {entry.yaml_path}" if entry.yaml_path else ""
            lines.append(f"    stale: {visible(entry.path)}: {entry.rule}{where}{times}")
    return lines
