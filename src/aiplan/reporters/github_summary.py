"""The Markdown job summary for GitHub Actions (``$GITHUB_STEP_SUMMARY``).

GitHub shows at most ten annotations of each kind per step; the summary lists
every finding in one table, with links to the rules' documentation. GitHub
rejects a step summary over 1 MiB, so the table stops at a byte budget (what
is left of the step's file, at most :data:`BUDGET`) with a note saying how
many findings it leaves out.
"""

from __future__ import annotations

import os

from aiplan.core.findings import Severity

STEP_SUMMARY_LIMIT = 1024 * 1024
BUDGET = 256 * 1024
_ICONS = {Severity.ERROR: "\N{CROSS MARK}", Severity.WARNING: "\N{WARNING SIGN}\ufe0f", Severity.INFO: "\N{INFORMATION SOURCE}\ufe0f"}
# The characters that mean something inside a GFM table cell: code spans,
# emphasis, links and images, HTML and entities, strikethrough, issue
# references, math, the cell separator, and the backslash itself. CommonMark
# lets a backslash escape any ASCII punctuation, which then shows as itself.
_MARKDOWN = frozenset("\\`*_[]<>&|~!#$")


def plain(text: str) -> str:
    """Plan text as literal Markdown inline content for one table cell."""
    from aiplan.reporters.text import visible

    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in visible(text))


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def render(run, rules, *, budget: int = BUDGET, **_options) -> str:
    from aiplan.reporters.text import summary_line

    counts = run.counts()
    total = sum(counts.values())
    head = ["## aiplan", "", plain(summary_line(run)), ""] + _baseline_note(run)
    if total:
        head += ["| severity | findings |", "|---|---|"]
        head += [f"| {_ICONS[s]} {s.value} | {counts[s.value]} |" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
        head += ["", "| | rule | location | finding | fix |", "|---|---|---|---|---|"]
    text = "\n".join(head) + "\n"
    tail_parts = []
    if run.internal_errors:
        tail_parts += ["", "**Internal errors** (a rule or plugin failed; exit status 3):", ""]
        tail_parts += [f"- {plain(error.describe())}" for error in run.internal_errors]
    tail = "\n".join(tail_parts) + ("\n" if tail_parts else "")

    used = _utf8_size(text) + _utf8_size(tail)
    shown = 0
    rows = []
    findings = run.findings
    for finding in findings:
        row = _row(finding, rules) + "\n"
        size = _utf8_size(row)
        if used + size > budget - 512:  # room for the note below
            break
        rows.append(row)
        used += size
        shown += 1
    text += "".join(rows)
    if shown < len(findings):
        left = len(findings) - shown
        text += (f"\n_{left} more finding{'s' * (left != 1)} not shown: GitHub limits the size of a step summary. "
                 "The job log lists all of them._\n")
    return text + tail


def _baseline_note(run) -> list[str]:
    """What a --baseline hid, and how many of its entries are stale (the log lists them)."""
    baseline = getattr(run, "baseline", None)
    if baseline is None:
        return []
    known = baseline.matched
    note = f"Baseline {baseline.file}: {known} known finding{'s' * (known != 1)} not shown."
    stale = sum(entry.count for entry in baseline.stale)
    if stale:
        note += (f" {stale} entr{'ies no longer match' if stale != 1 else 'y no longer matches'}; shrink it with "
                 f"`aiplan lint --write-baseline {baseline.file}`.")
    return [plain(note), ""]


def _row(finding, rules) -> str:
    rule = rules.get(finding.rule)
    url = finding.url or (rule.url if rule is not None else "")
    name = f"{finding.rule} {plain(finding.name)}"
    linked = f"[{name}]({_link(url)})" if url else name
    where = plain(f"{finding.path}:{finding.line}:{finding.column}")
    return (f"| {_ICONS[finding.severity]} | {linked} | {where} | {plain(finding.message)} "
            f"| {plain(finding.fix)} |")


def _link(url: str) -> str:
    # A link destination ends at a space or parenthesis; rule URLs have neither,
    # but a plugin's could.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def append(path: str, markdown: str) -> None:
    """Append to the step summary: never overwrite what earlier commands wrote,
    and never take the file past GitHub's limit."""
    try:
        existing = os.path.getsize(path)
    except OSError:
        existing = 0
    data = ("\n" + markdown if existing else markdown).encode("utf-8", "replace")
    if existing + len(data) > STEP_SUMMARY_LIMIT:
        return
    # One write to a file opened for appending: parallel aiplan processes (pre-commit
    # batches) append whole summaries, never interleaved pieces.
    with open(path, "ab") as handle:
        handle.write(data)


def budget_for(path: str) -> int:
    """What the summary may take, given what the step's file already holds."""
    try:
        existing = os.path.getsize(path)
    except OSError:
        existing = 0
    return max(0, min(BUDGET, STEP_SUMMARY_LIMIT - existing - 4096))
