"""ACC: the accuracy gap needs evaluation infrastructure.

Neither RAG nor fine-tuning reliably closes an accuracy gap on its own; only
rigorous, repeated measurement against a target shows whether it is closed.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import rule
from aiplan.rules.metrics import measurements, proposed_metric
from aiplan.rules.wording import listing


@rule("ACC001", "accuracy-gap-without-eval-infra", Severity.ERROR)
def accuracy_gap_without_eval_infra(plan, options):
    """An accuracy gap is declared without the evaluation infrastructure to track it.

    Fires when `gaps.accuracy.present` is `true` and `evaluation` lacks any of:
    a metric with a numeric `target` (`evaluation.metrics`), an eval set
    (`evaluation.eval_sets` with a `path`), a `cadence`. One finding naming
    everything missing, at `evaluation` (or at the top of the plan when there
    is no `evaluation` section). This applies whatever the approach. The hint
    proposes the metric the baseline measured (with `higher_is_better: false`
    when its name reads lower-is-better) and the baseline's eval set.

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
    has_target = any(plan.number("evaluation", "metrics", index, "target") is not None
                     for index, _ in plan.entries("evaluation", "metrics"))
    if not has_target:
        missing.append(("a metric with a `target`",
                        f"`metrics: [{proposed_metric(plan, 'answer_accuracy', 0.95)}]`"))
    if not any(plan.text("evaluation", "eval_sets", index, "path") is not None
               for index, _ in plan.entries("evaluation", "eval_sets")):
        # The set the baseline was measured on, so before and after are compared on the same cases.
        measured_on = next((m.eval_set for m in measurements(plan) if m.eval_set), None)
        missing.append(("an eval set", f"`eval_sets: [{{path: {measured_on}}}]`" if measured_on else
                        "`eval_sets: [{path: evals/accuracy.jsonl, size: 500}]`"))
    if plan.text("evaluation", "cadence") is None:
        missing.append(("a `cadence`", "`cadence: per_change`"))
    if not missing:
        return
    exists = plan.mapping("evaluation") is not None
    lacks = "`evaluation` lacks" if exists else "the plan has no `evaluation` section, so it lacks"
    add = (f"Under `evaluation`, add {listing(snippet for _, snippet in missing)}" if exists else
           f"Under `evaluation` (a new top-level section), set "
           f"{listing(snippet for _, snippet in missing)}")
    yield Violation(
        f"the accuracy gap is present (`gaps.accuracy.present: true`) but {lacks} "
        f"{listing(what for what, _ in missing)}; nothing will show whether the errors are fixed",
        f"{add}{'' if has_target else ' (set the `target` to the level production needs)'}.",
        path=("evaluation",),
        at="section",
    )
