"""What a reviewer of an AI plan wants to see: the decision, with its evidence.

``aiplan report`` reads each plan (its documents, as the rules see them) and
the findings the engine gave it, and builds one :class:`PlanDecision` per
plan: the gaps with their evidence, the approach the framework points to for
those gaps beside the one chosen, the baseline against each target, whether
the evaluation set can resolve the change, and the findings grouped by the
plan section they are about. :mod:`aiplan.reporters.report_markdown` and
:mod:`aiplan.reporters.report_html` render it.

The framework (see the rule families FIT, BASE, EVAL, ACC): name the gap
first; a knowledge gap points to RAG, a behavior gap to fine-tuning, both to a
hybrid; with neither, a rigorous prompt-engineering baseline is the answer;
an accuracy gap is never closed without evaluation infrastructure. Baselines,
targets and sample sizes are read through :mod:`aiplan.rules.metrics`, the
yardstick the rules use.
"""

from __future__ import annotations


from aiplan.core.findings import Finding, Severity
from aiplan.core.plan import GAPS
from aiplan.core.records import Record
from aiplan.schemas.repair import read_as_repaired
from aiplan.rules.metrics import (EvalSet, Measurement, eval_sets, measurements, needed_size, resolvable_difference,
                                  same_path, targets)

# The approaches the plan schema allows, in the framework's order of cost.
APPROACHES = ("prompt_engineering", "rag", "fine_tuning", "hybrid")
# EVAL004's defaults: the report uses the same test unless the file's configuration changes them.
ALPHA, POWER = 0.05, 0.8


class Gap(Record):
    name: str
    present: bool | None       # None: not stated
    evidence: str | None


class Pointer(Record):
    """The approach the framework points to for the stated gaps, and why."""

    approach: str | None       # None: the gaps are not stated, so nothing is pointed to yet
    reason: str
    needs_evaluation: bool     # an accuracy gap: evaluation infrastructure comes first


class MetricCheck(Record):
    """A target, the baseline's value on the same metric, and whether the evaluation set can tell them apart."""

    name: str
    target: float | None
    baseline: float | None
    higher_is_better: bool
    met: bool | None
    eval_set: str | None
    set_size: int | None
    needed: int | None         # items needed to resolve baseline -> target (rates only)
    resolvable: float | None   # the smallest change from the baseline the set can show

    @property
    def is_rate(self) -> bool:
        return all(value is not None and 0 <= value <= 1 for value in (self.target, self.baseline))

    @property
    def resolves(self) -> bool | None:
        """Whether the set is large enough; ``None`` when it cannot be told."""
        if self.met or self.needed is None or self.set_size is None:
            return None
        return self.set_size >= self.needed


class PlanDecision(Record):
    path: str
    document: int
    name: str | None
    status: str | None
    owner: str | None
    approach: str | None
    pointer: Pointer
    gaps: tuple[Gap, ...]
    baseline_status: str | None
    metrics: tuple[MetricCheck, ...]
    evaluation: str            # one sentence: can the evaluation resolve the change?
    sections: tuple[tuple[str, tuple[Finding, ...]], ...]   # findings by plan section, in plan order
    # The approach as the rules read it (`RAG` repaired to `rag`): what `agrees` compares;
    # `approach` is shown as written.
    chosen: str | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for _, group in self.sections for f in group)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def agrees(self) -> bool | None:
        """Whether the chosen approach is the one the framework points to."""
        chosen = self.chosen or self.approach
        if self.pointer.approach is None or chosen is None:
            return None
        return chosen == self.pointer.approach


def point(gaps: tuple[Gap, ...]) -> Pointer:
    present = {gap.name: gap.present for gap in gaps}
    knowledge, behavior, accuracy = (present.get(name) for name in GAPS)
    needs_evaluation = accuracy is True
    if knowledge is None and behavior is None:
        return Pointer(None, "the plan does not say which gaps are present: name the gap first", needs_evaluation)
    if knowledge and behavior:
        approach, reason = "hybrid", "knowledge and behavior gaps: retrieval for the facts, fine-tuning for the behavior"
    elif knowledge:
        approach, reason = "rag", "a knowledge gap: retrieval brings the facts, and they stay current"
    elif behavior:
        approach, reason = "fine_tuning", "a behavior gap: fine-tuning on reviewed examples teaches the format and style"
    else:
        approach, reason = "prompt_engineering", "no knowledge or behavior gap: a rigorous prompt baseline is enough"
    if needs_evaluation:
        reason += "; the accuracy gap needs evaluation infrastructure before any claim"
    return Pointer(approach, reason, needs_evaluation)


def _gaps(plan) -> tuple[Gap, ...]:
    out = []
    for name in GAPS:
        present = plan.gap_present(name)
        out.append(Gap(name, present, plan.text("gaps", name, "evidence")))
    return tuple(out)


def _metrics(plan, alpha: float, power: float) -> tuple[MetricCheck, ...]:
    sized = [(entry, entry.size) for entry in eval_sets(plan) if entry.size is not None]
    measured: dict[str, Measurement] = {}
    for item in measurements(plan):
        measured.setdefault(item.key, item)
    out = []
    for target in targets(plan):
        baseline = measured.get(target.key)
        eval_set = baseline.eval_set if baseline is not None else None
        chosen: tuple[EvalSet, int] | None = None   # the eval set and its size
        if eval_set is not None:
            chosen = next(((entry, size) for entry, size in sized if same_path(entry.path, eval_set)), None)
        elif sized:
            chosen = max(sized, key=lambda pair: pair[1])   # as EVAL004 picks it
        value = baseline.value if baseline is not None else None
        met = target.met_by(value) if value is not None else None
        needed = resolvable = None
        if value is not None and 0 <= value <= 1 and 0 <= target.target <= 1 and not met:
            needed = needed_size(value, target.target, alpha, power)
            if chosen is not None:
                resolvable = resolvable_difference(chosen[1], value, target.target, alpha, power)
        out.append(MetricCheck(target.name, target.target, value, target.higher_is_better, met,
                               chosen[0].path if chosen is not None else eval_set,
                               chosen[1] if chosen is not None else None, needed, resolvable))
    # Baseline results no target speaks of: shown, so a reviewer sees what was measured.
    named = {target.key for target in targets(plan)}
    for key, item in measured.items():
        if key not in named:
            out.append(MetricCheck(item.metric, None, item.value, True, None, item.eval_set, None, None, None))
    return tuple(out)


def _evaluation_sentence(plan, metrics: tuple[MetricCheck, ...]) -> str:
    if not plan.has("evaluation"):
        return "No: the plan has no `evaluation` section, so no change can be shown."
    compared = [m for m in metrics if m.target is not None and m.baseline is not None]
    if not compared:
        return "Cannot tell: no target has a baseline measurement on the same metric."
    open_ = [m for m in compared if not m.met]
    if not open_:
        return "Nothing to resolve: the baseline already meets every target it measured."
    verdicts = [m.resolves for m in open_]
    if any(verdict is False for verdict in verdicts):
        return "No: an evaluation set is too small to tell the baseline from its target (see the metrics)."
    if verdicts and all(verdict is True for verdict in verdicts):
        return "Yes: each evaluation set is large enough to tell the baseline from its target."
    return "Cannot tell for every metric: a set has no `size`, or a metric is not a rate."


def section_of(finding: Finding) -> str:
    """The top-level plan section a finding is about (``(file)`` for the file itself)."""
    for part in finding.yaml_path:
        if isinstance(part, str):
            return part
        break
    return "(file)"


def _sections(findings) -> tuple[tuple[str, tuple[Finding, ...]], ...]:
    grouped: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        grouped.setdefault(section_of(finding), []).append(finding)
    return tuple((name, tuple(group)) for name, group in grouped.items())


def _shown(plan, *keys) -> str | None:
    value = plan.string(*keys)
    return value.strip() if value is not None and value.strip() else None


def decide(file_result, documents, *, alpha: float = ALPHA, power: float = POWER) -> list[PlanDecision]:
    """One decision per plan document of a file (``documents``: the loader's
    :class:`~aiplan.core.plan.Plan` objects; none when it could not be read:
    then one entry that only carries the findings)."""
    by_document: dict[int, list[Finding]] = {}
    for finding in file_result.findings:
        by_document.setdefault(finding.document, []).append(finding)
    out = []
    for plan in documents:
        if not isinstance(plan.data, dict):
            continue
        gaps = _gaps(plan)
        metrics = _metrics(plan, alpha, power)
        out.append(PlanDecision(
            # What the plan says, as written (evidence and metrics are read as the rules read them).
            path=file_result.path, document=plan.document, name=_shown(plan, "name"), status=_shown(plan, "status"),
            owner=_shown(plan, "owner"), approach=_shown(plan, "approach"), pointer=point(gaps), gaps=gaps,
            baseline_status=_shown(plan, "baseline", "prompt_engineering", "status"), metrics=metrics,
            evaluation=_evaluation_sentence(plan, metrics), sections=_sections(by_document.get(plan.document, ())),
            chosen=_shown(read_as_repaired(plan), "approach"),
        ))
    if not out:   # nothing readable, or no document is a mapping: still listed, with its findings
        empty = Pointer(None, "the file holds no plan that could be read", False)
        out.append(PlanDecision(file_result.path, 0, None, None, None, None, empty, (), None, (),
                                "Cannot tell: the file holds no plan that could be read.",
                                _sections(file_result.findings)))
    return out
