"""ACC: the accuracy gap needs evaluation infrastructure.

Neither RAG nor fine-tuning reliably closes an accuracy gap on its own; only
rigorous, repeated measurement against a target shows whether it is closed.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import rule
from aiplan.rules.metrics import (accuracy_metric_without_target, may_measure_accuracy, measurements, metric_kinds,
                                  proposed_metric)
from aiplan.rules.wording import code, dotted, listing, quoted_listing


@rule("ACC001", "accuracy-gap-without-eval-infra", Severity.ERROR)
def accuracy_gap_without_eval_infra(plan, options):
    """An accuracy gap is declared without the evaluation infrastructure to track it.

    Fires when `gaps.accuracy.present` is `true` and `evaluation` lacks any of:
    a metric of accuracy with a numeric `target` (`evaluation.metrics`), an
    eval set (`evaluation.eval_sets` with a `path`), a `cadence`. Targets
    only on metrics whose names say they measure something else (latency,
    cost, safety or a user outcome: `p95_latency_ms`, `cost_per_request`,
    `toxicity`, `csat`; the words are BASE004's) measure no accuracy; a name
    that does not say what it measures (`thumbs_up_rate`) is given the
    benefit of the doubt. One finding naming everything missing, at
    `evaluation` (or at the top of the plan when there is no `evaluation`
    section), or in `evaluation.metrics` when a metric of accuracy is all it
    lacks: at the first entry that may measure accuracy but has no `target`
    (the hint asks for its target), else at the list. This applies whatever
    the approach. The hint proposes the metric of accuracy the baseline
    measured (with `higher_is_better: false` when its name reads
    lower-is-better) and the baseline's eval set.

    ## Why
    Factual errors and hallucinations are not closed by choosing retrieval or
    fine-tuning: either can still be wrong, confidently. An accuracy gap is a
    separate problem whose remedy is evaluation infrastructure: a metric with
    the level production needs, a fixed set of cases it is measured on, and a
    cadence that re-runs it, so a regression is caught before users see it.

    ## Bad
    ```yaml
    aiplan: 1
    name: Claims triage
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our policy wordings.
      behavior:
        present: false
      accuracy:
        present: true
        evidence: 9% of sampled coverage answers contradicted the policy text.
    approach: rag
    evaluation:
      metrics:
        - name: coverage_answer_accuracy
          target: 0.98
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Claims triage
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our policy wordings.
      behavior:
        present: false
      accuracy:
        present: true
        evidence: 9% of sampled coverage answers contradicted the policy text.
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: coverage_answer_accuracy
            value: 0.71
            eval_set: evals/coverage-questions.jsonl
    approach: rag
    rag:
      corpus:
        sources:
          - name: policy wiki
            format: html
            update_frequency: weekly
      data_pipeline:
        owner: data-eng
        effort_weeks: 4
        chunking:
          strategy: heading_aware
          size_tokens: 512
        embedding:
          model: text-embedding-3-large
        indexing:
          store: pgvector
          refresh: daily
      retrieval:
        effort_weeks: 2
        top_k: 8
        evaluation:
          metrics: [recall_at_k]
          eval_set: evals/retrieval-v1.jsonl
      citations: true
    evaluation:
      metrics:
        - name: coverage_answer_accuracy
          target: 0.98
      eval_sets:
        - path: evals/coverage-questions.jsonl
          size: 1200
      cadence: per_change
      human_review: claims lead reviews 50 answers a week
    ```
    """
    if plan.gap_present("accuracy") is not True:
        return
    missing = []
    targeted = [plan.text("evaluation", "metrics", index, "name") for index, _ in plan.entries("evaluation", "metrics")
                if plan.number("evaluation", "metrics", index, "target") is not None]
    # Targets only on what plainly is no accuracy (`p95_latency_ms`, `cost_per_request`) measure another gap.
    elsewhere = [name for name in targeted if name is not None and not may_measure_accuracy(name)]
    measures_other = bool(targeted) and len(elsewhere) == len(targeted)
    entry = proposed_metric(plan, "answer_accuracy", 0.95, of_accuracy=True)
    set_target = " (set the `target` to the level production needs)"
    # A metric that may measure accuracy, listed without a target: it needs its target, not a
    # second entry (nor a `metrics:` that would replace the list).
    untargeted = accuracy_metric_without_target(plan)
    # A hint for the list there is gets a clause of its own, and the finding points into the list
    # when nothing else is lacking.
    metrics_fix, metrics_path = None, ("evaluation", "metrics")
    if not targeted or measures_other:
        kinds = listing(dict.fromkeys(kind for name in elsewhere for kind in metric_kinds(name)))
        untargeted_says = None
        if untargeted:
            written = plan.placeholder("evaluation", "metrics", untargeted[0], "target")
            untargeted_says = (f"{code(untargeted[1])} has none" if written is None else
                               f"the `target` of {code(untargeted[1])} is {code(written)}, a placeholder")
        seen = ([f"its targets measure only {kinds}: {quoted_listing(dict.fromkeys(elsewhere))}"] if measures_other else []) + (
            [untargeted_says] if untargeted_says else []) + (
            [f"`evaluation.metrics` is {code(plan.placeholder('evaluation', 'metrics'))}, a placeholder"]
            if plan.placeholder("evaluation", "metrics") is not None else [])
        what = "a metric of accuracy with a `target`" if measures_other else "a metric with a `target`"
        if untargeted:
            metrics_path = ("evaluation", "metrics", untargeted[0], "target")
            metrics_fix = (f"Set the `target` of {code(untargeted[1])} (`{dotted(*metrics_path[:-1])}`) to the "
                           "level production needs")
        elif measures_other:
            metrics_fix = f"Add `- {entry}` to `evaluation.metrics`{set_target}"
        missing.append((what + (f" ({'; '.join(seen)})" if seen else ""),
                        None if metrics_fix else f"`metrics: [{entry}]`"))
    if not any(plan.text("evaluation", "eval_sets", index, "path") is not None
               for index, _ in plan.entries("evaluation", "eval_sets")):
        # The set the baseline was measured on, so before and after are compared on the same cases.
        measured_on = next((m.eval_set for m in measurements(plan) if m.eval_set), None)
        written = plan.placeholder("evaluation", "eval_sets")
        missing.append(("an eval set" + (f" (`evaluation.eval_sets` is {code(written)}, a placeholder)"
                                         if written is not None else ""),
                        f"`eval_sets: [{{path: {measured_on}}}]`" if measured_on else
                        "`eval_sets: [{path: evals/accuracy.jsonl, size: 500}]`"))
    if plan.text("evaluation", "cadence") is None:
        written = plan.placeholder("evaluation", "cadence")
        missing.append(("a `cadence`" + (f" (`evaluation.cadence` is {code(written)}, a placeholder)"
                                         if written is not None else ""), "`cadence: per_change`"))
    if not missing:
        return
    lacks = listing(what for what, _ in missing)
    if metrics_fix is not None:
        others = [snippet for _, snippet in missing if snippet is not None]
        yield Violation(
            f"the accuracy gap is present (`gaps.accuracy.present: true`) but "
            f"{'`evaluation` lacks' if others else '`evaluation.metrics` lacks'} {lacks}; nothing will show "
            "whether the errors are fixed",
            metrics_fix + (f"; under `evaluation`, add {listing(others)}." if others else "."),
            path=(_first_placeholder(plan) or ("evaluation",)) if others else metrics_path,
            at="section" if others else "value",
        )
        return
    exists = plan.mapping("evaluation") is not None
    placeholder = plan.placeholder("evaluation")
    add = (f"Under `evaluation`, add {listing(snippet for _, snippet in missing)}" if exists else
           f"Replace the placeholder with the section: under `evaluation`, set "
           f"{listing(snippet for _, snippet in missing)}" if placeholder is not None else
           f"Under `evaluation` (a new top-level section), set "
           f"{listing(snippet for _, snippet in missing)}")
    section = ("`evaluation` lacks" if exists else
               f"`evaluation` is {code(placeholder)}, a placeholder, so it lacks" if placeholder is not None else
               "the plan has no `evaluation` section, so it lacks")
    yield Violation(
        f"the accuracy gap is present (`gaps.accuracy.present: true`) but "
        f"{section} {lacks}; nothing will show whether the errors are fixed",
        f"{add}{'' if targeted else set_target}.",
        path=_first_placeholder(plan) or ("evaluation",),
        at="section",
    )


def _first_placeholder(plan) -> tuple | None:
    """The first of `evaluation`'s parts ACC001 asks for written as a placeholder (`metrics: TBD`),
    where the finding is shown: placeholders are shown where they are written."""
    return next((path for path in (("evaluation", "metrics"), ("evaluation", "eval_sets"), ("evaluation", "cadence"))
                 if plan.placeholder(*path) is not None), None)
