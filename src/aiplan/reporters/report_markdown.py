"""``aiplan report --format markdown``: the decision report for a pull-request
comment or the GitHub step summary.

Plan content (names, evidence, paths, messages) is inline code
(:func:`aiplan.reporters.github_summary.code`): no link, HTML, emphasis or
mention comes from a plan, and ``|`` cannot break a table. The page is inert
for CI logs too (``aiplan.reporters``, log-safe output), since it is often printed.
"""

from __future__ import annotations

from aiplan.core.findings import FIX_LABEL, Severity
from aiplan.reporters.decision import PlanDecision
from aiplan.reporters.github_summary import BUDGET, STEP_SUMMARY_LIMIT, code
from aiplan.reporters import neutralise

# GitHub rejects a step summary over 1 MiB, and `aiplan lint` may have written its own
# (at most github_summary.BUDGET) to the same file: the report stops, at a whole line, within
# what is left, with a note saying how many findings and plans it leaves out.
MAX_BYTES = STEP_SUMMARY_LIMIT - BUDGET

ICONS = {Severity.ERROR: "\N{CROSS MARK}", Severity.WARNING: "\N{WARNING SIGN}\ufe0f",
         Severity.INFO: "\N{INFORMATION SOURCE}\ufe0f"}
PRESENT = {True: "yes", False: "no", None: "not stated"}
BAR = 10


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def bar(value: float, target: float, scale: float) -> str:
    """Baseline as a filled bar and the target as a mark, over ``BAR`` cells."""
    filled = max(0, min(BAR, round(value / scale * BAR))) if scale > 0 else 0
    mark = max(0, min(BAR - 1, round(target / scale * BAR) - 1)) if scale > 0 else 0
    cells = ["\u2593" if index < filled else "\u2591" for index in range(BAR)]
    cells[mark] = "\u2503"
    return "".join(cells)


def scale_of(metric) -> float:
    if metric.is_rate:
        return 1.0
    return max(abs(metric.baseline or 0), abs(metric.target or 0)) * 1.2 or 1.0


def title(decision: PlanDecision) -> str:
    return decision.name or decision.path


def verdict(decision: PlanDecision) -> str:
    if decision.agrees is None:
        return "cannot be compared"
    return "agrees" if decision.agrees else "differs"


def portfolio(decisions: list[PlanDecision]) -> list[str]:
    lines = ["| plan | file | approach | framework points to | status | errors | warnings |",
             "|---|---|---|---|---|---|---|"]
    for d in decisions:
        lines.append(f"| {code(title(d))} | {code(d.path)} | {code(d.approach or '—')} "
                     f"| {code(d.pointer.approach or '—')} ({verdict(d)}) | {code(d.status or '—')} "
                     f"| {d.count(Severity.ERROR)} | {d.count(Severity.WARNING)} |")
    return lines


def plan_section(d: PlanDecision) -> list[str]:
    lines = [f"## {code(title(d))}", ""]
    facts = [f"file {code(d.path)}" + (f" (document {d.document + 1})" if d.document else "")]
    if d.status:
        facts.append(f"status {code(d.status)}")
    if d.owner:
        facts.append(f"owner {code(d.owner)}")
    lines += [" · ".join(facts), ""]
    pointed = d.pointer.approach
    lines.append(f"**Decision:** chosen {code(d.approach or 'none stated')}; the framework points to "
                 f"{code(pointed) if pointed else 'nothing yet'} ({d.pointer.reason}): **{verdict(d)}**.")
    lines.append("")
    if d.gaps:
        lines += ["### Gaps", "", "| gap | present | evidence |", "|---|---|---|"]
        lines += [f"| {gap.name} | {PRESENT[gap.present]} | {code(gap.evidence) if gap.evidence else '—'} |"
                  for gap in d.gaps]
        lines.append("")
    lines += ["### Baseline and targets", ""]
    lines.append(f"Prompt-engineering baseline: {code(d.baseline_status) if d.baseline_status else 'not stated'}.")
    lines.append("")
    if d.metrics:
        lines += ["| metric | baseline | target | | evaluation set | can it resolve the change? |",
                  "|---|---|---|---|---|---|"]
        for m in d.metrics:
            chart = code(bar(m.baseline, m.target, scale_of(m))) if m.baseline is not None and m.target is not None else ""
            where = code(m.eval_set) + (f" ({m.set_size} items)" if m.set_size is not None else "") if m.eval_set else "—"
            lines.append(f"| {code(m.name)} | {number(m.baseline)} | {number(m.target)} | {chart} | {where} "
                         f"| {resolution(m)} |")
        lines.append("")
    lines += ["### Evaluation", "", d.evaluation, ""]
    lines += ["### Findings", ""]
    if not d.sections:
        lines += ["No findings.", ""]
    for section, findings in d.sections:
        lines += [f"#### {code(section)} ({len(findings)})", ""]
        lines += [finding_line(f) for f in findings]
        lines.append("")
    return lines


def finding_line(f) -> str:
    fix = f" {FIX_LABEL} {code(f.fix)}" if f.fix else ""
    return f"- {ICONS[f.severity]} **{f.rule}** line {f.line}: {code(f.message)}{fix}"


def resolution(m) -> str:
    if m.target is None:
        return "no target"
    if m.baseline is None:
        return "no baseline measurement"
    if m.met:
        return "already met"
    if m.needed is None:
        return "not a rate: cannot tell"
    if m.set_size is None:
        return f"needs {m.needed} items; the set has no `size`"
    if m.set_size >= m.needed:
        return f"yes: {m.set_size} items, {m.needed} needed"
    shown = f"; it resolves {m.resolvable * 100:.1f} points" if m.resolvable is not None else ""
    return f"**no**: {m.set_size} items, {m.needed} needed{shown}"


def render(decisions: list[PlanDecision], max_bytes: int = MAX_BYTES) -> str:
    """The report, at most ``max_bytes`` of UTF-8: past that it stops at a whole
    line (a finding, a table row) and ends with a note of what it leaves out."""
    errors = sum(d.count(Severity.ERROR) for d in decisions)
    warnings = sum(d.count(Severity.WARNING) for d in decisions)
    files = len({d.path for d in decisions})
    lines = ["# aiplan decision report", "",
             f"{len(decisions)} plan{'s' * (len(decisions) != 1)} in {files} file{'s' * (files != 1)}: "
             f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}.", ""]
    if len(decisions) > 1:
        lines += portfolio(decisions) + [""]
    findings = 0
    for d in decisions:
        lines += plan_section(d)
        findings += sum(len(items) for _, items in d.sections)
    # Every line made inert on its own (neutralise is line by line), so its size is known.
    shown, used, kept_findings, kept_plans = [], 0, 0, 0
    for line in lines:
        text = neutralise(line) + "\n"
        size = len(text.encode("utf-8", "surrogatepass"))
        if used + size > max_bytes - _NOTE_ROOM:
            break
        shown.append(text)
        used += size
        kept_findings += line.startswith(_FINDING_STARTS)
        kept_plans += line.startswith("## ")
    else:
        return "".join(shown).rstrip("\n") + "\n"
    left, plans_left = findings - kept_findings, len(decisions) - kept_plans
    what = [f"{left} finding{'s' * (left != 1)}"] + ([f"{plans_left} plan{'s' * (plans_left != 1)}"] if plans_left else [])
    note = (f"\n_Report cut at {max_bytes // 1024:,} KiB (GitHub limits a step summary to 1 MiB): "
            f"{' and '.join(what)} not shown. `aiplan lint` lists every finding._\n")
    return "".join(shown).rstrip("\n") + "\n" + note


# Bytes kept for the note that says what a cut report leaves out.
_NOTE_ROOM = 256
# How the lines of findings (finding_line) and of nothing else start.
_FINDING_STARTS = tuple(f"- {icon} **" for icon in ICONS.values())
