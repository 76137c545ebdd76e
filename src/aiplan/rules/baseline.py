"""BASE: prompt engineering before either RAG or fine-tuning.

A rigorous, measured prompt-engineering baseline comes first: it is the
yardstick that says whether retrieval or training is worth its complexity.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import rule
from aiplan.core.suggest import closest
from aiplan.rules.fit import distills
from aiplan.rules.metrics import comparisons, eval_sets, metric_key, measurements, same_path, same_set
from aiplan.core.notation import show
from aiplan.rules.wording import (absence, approach_shown, code, completed_list, dotted, listing, placeholder_above,
                                  quoted_listing)

CORE_TECHNIQUES = ("system_prompt", "few_shot", "structured_output")


@rule("BASE001", "missing-prompt-baseline", Severity.ERROR)
def missing_prompt_baseline(plan, options):
    """The plan chooses RAG or fine-tuning without a finished prompt-engineering baseline.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid` and
    `baseline.prompt_engineering` is absent, says nothing (`{}`, `TBD`; see
    docs/placeholders.md) or its `status` is not `done`.

    ## Why
    A well-crafted system prompt with few-shot examples and structured output
    instructions often closes much of the gap, and it is faster to iterate on and
    cheaper to run than either alternative. Until that baseline is measured, the
    team cannot know how big the remaining gap is, or whether the extra
    complexity of retrieval or training is worth it.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our refund and warranty policies.
    baseline:
      prompt_engineering:
        status: in_progress
        techniques: [system_prompt]
    approach: rag
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our refund and warranty policies.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
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
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not plan.beyond_prompting:
        return
    approach = plan.approach
    if plan.is_blank("baseline", "prompt_engineering"):
        state = ("the plan has no `baseline.prompt_engineering`" + placeholder_above(plan, "baseline", "prompt_engineering")
                 if not plan.has("baseline", "prompt_engineering")
                 else f"`baseline.prompt_engineering` {absence(plan, 'baseline', 'prompt_engineering')}")
        yield Violation(
            f"approach is {approach_shown(plan)} but {state}: prompt engineering was not tried first",
            "Run a prompt-engineering baseline (system prompt, few-shot examples, structured output), "
            "then record it under `baseline.prompt_engineering` with `status: done` and its measured `results`.",
            path=("baseline", "prompt_engineering"),
        )
        return
    status = plan.get("baseline", "prompt_engineering", "status")
    if status == "done":
        return
    if status is None:
        yield Violation(
            f"approach is {approach_shown(plan)} but `baseline.prompt_engineering` has no `status`",
            "Finish the prompt-engineering baseline; then, under `baseline.prompt_engineering`, set `status: done`.",
            path=("baseline", "prompt_engineering", "status"),
        )
        return
    yield Violation(
        f"approach is {approach_shown(plan)} but the prompt-engineering baseline is `{status}`, not `done`",
        "Finish the prompt-engineering baseline and record its results before committing to "
        f"`{approach}`; then, under `baseline.prompt_engineering`, set `status: done`.",
        path=("baseline", "prompt_engineering", "status"),
    )


@rule("BASE002", "unmeasured-baseline", Severity.ERROR)
def unmeasured_baseline(plan, options):
    """The prompt-engineering baseline is marked done but records no measurement.

    Fires when `baseline.prompt_engineering.status` is `done` and no entry of
    `baseline.prompt_engineering.results` has both a `metric` and a numeric
    `value`. Reported at `results`, or at `prompt_engineering` when there are
    no results at all; at the first placeholder `value` (`value: TBD`), quoting
    each, when results have one (instead of PLAN002).

    ## Why
    The point of the baseline is a number: how far prompt engineering alone
    gets on the metric that matters. Without it "done" means "tried", the size
    of the remaining gap is unknown, and so is whether RAG or fine-tuning
    closes it in a way that is worth the extra complexity.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
    approach: rag
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
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
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if plan.get("baseline", "prompt_engineering", "status") != "done" or measurements(plan):
        return
    snippet = "`results: [{metric: answer_accuracy, value: 0.71, eval_set: evals/baseline.jsonl}]`"
    if plan.is_blank("baseline", "prompt_engineering", "results"):
        state = ("has no `results`" if not plan.has("baseline", "prompt_engineering", "results") else
                 f"its `results` {absence(plan, 'baseline', 'prompt_engineering', 'results')}")
        yield Violation(
            f"the prompt-engineering baseline is `done` but {state}: nothing records how far "
            "prompt engineering alone got",
            f"Add the measured results under `baseline.prompt_engineering`: {snippet}.",
            path=("baseline", "prompt_engineering", "results"),
            at="section",
        )
        return
    # A placeholder value (`value: TBD`) is shown where it is written, and quoted (PLAN002 leaves it here).
    unmeasured = [("baseline", "prompt_engineering", "results", index, "value")
                  for index, _ in plan.entries("baseline", "prompt_engineering", "results")
                  if plan.placeholder("baseline", "prompt_engineering", "results", index, "value") is not None]
    quoted_placeholders = "".join(f"; `{dotted(*path)}` is {code(plan.placeholder(*path))}, a placeholder"
                                  for path in unmeasured)
    yield Violation(
        "the prompt-engineering baseline is `done` but none of its `results` has both a `metric` "
        f"and a numeric `value`{quoted_placeholders}",
        (f"Record the measured value: under `{dotted(*unmeasured[0][:-1])}`, set `value: 0.71` (the number "
         "prompt engineering reached on the metric)." if unmeasured else
         f"Give each entry of `baseline.prompt_engineering.results` a `metric` name and the measured "
         f"`value`, e.g. {snippet}."),
        path=unmeasured[0] if unmeasured else ("baseline", "prompt_engineering", "results"),
        at="value" if unmeasured else "section",
    )


@rule("BASE003", "thin-baseline", Severity.INFO)
def thin_baseline(plan, options):
    """The prompt-engineering baseline skipped one of the core techniques.

    Fires when `baseline.prompt_engineering` exists and its `techniques` lacks
    any of `system_prompt`, `few_shot` and `structured_output` (a missing
    `techniques` list lacks all three). One finding, naming the missing
    techniques, at `techniques` (or at `prompt_engineering` when the list is
    absent). A placeholder (`techniques: TBD`) lists none, reported at it,
    instead of PLAN002.

    ## Why
    A baseline is only a fair yardstick if it is rigorous: a well-crafted
    system prompt, few-shot examples and structured output instructions
    together often match a poorly built retrieval pipeline, and cost far
    less to run and change. Teams that skip one of them tend to build
    sophisticated systems for problems a better prompt would have solved.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    baseline:
      prompt_engineering:
        status: done
        techniques: [system_prompt]
        results:
          - metric: schema_valid_rate
            value: 0.64
    approach: fine_tuning
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: 38% of 200 prompted replies broke the required output format.
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        techniques: [system_prompt, few_shot, structured_output, chain_of_thought]
        results:
          - metric: schema_valid_rate
            value: 0.88
        model: claude-sonnet
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
      dataset:
        examples: 4200
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 2000
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    evaluation:
      metrics:
        - name: schema_valid_rate
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 3000
      cadence: per_release
    ```
    """
    if plan.mapping("baseline", "prompt_engineering") is None:
        return
    techniques = plan.get("baseline", "prompt_engineering", "techniques")
    placeholder = plan.placeholder("baseline", "prompt_engineering", "techniques")
    if techniques is None or placeholder is not None:
        listed = (f"'s `techniques` is {code(placeholder)}, a placeholder," if placeholder is not None
                  else " lists no `techniques`,")
        yield Violation(
            f"the prompt-engineering baseline{listed} so it does not show that "
            f"{quoted_listing(CORE_TECHNIQUES)} were tried",
            "Try each core technique and list them: under `baseline.prompt_engineering`, set "
            "`techniques: [system_prompt, few_shot, structured_output]`.",
            path=("baseline", "prompt_engineering", "techniques"),
            at="section",
        )
        return
    if not isinstance(techniques, list):
        return  # the schema reports the wrong type
    missing = [name for name in CORE_TECHNIQUES if name not in techniques]
    if not missing:
        return
    yield Violation(
        (f"the prompt-engineering baseline tried {quoted_listing(techniques)} but not {quoted_listing(missing, 'or')}"
         if techniques else  # not "tried nothing but not ...": nothing was tried
         f"the prompt-engineering baseline's `techniques` is an empty list: none of {quoted_listing(missing, 'or')} "
         "was tried"),
        f"Try {quoted_listing(missing)} before moving on, then add "
        f"{'it' if len(missing) == 1 else 'them'} to `baseline.prompt_engineering.techniques`: "
        f"`techniques: {completed_list(techniques, missing)}`.",
        path=("baseline", "prompt_engineering", "techniques"),
    )


@rule("BASE004", "baseline-meets-target", Severity.WARNING)
def baseline_meets_target(plan, options):
    """Prompt engineering alone already meets every target that RAG or fine-tuning is meant to reach.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid` and the baseline
    meets the `target` of *every* `evaluation.metrics` entry it measured
    (`baseline.prompt_engineering.results` with the same metric name, compared
    ignoring case, `-`, `_` and spaces): at or above it, or at or below it for
    a lower-is-better metric. A guard-rail metric that is already met while
    another target is not is no reason to stop, and is not reported. One
    finding, at the first result's `value`.

    A metric is lower-is-better when it says `higher_is_better: false`;
    otherwise its direction is read from the whole words of its name (split
    at `_`, `-`, `.`, spaces and camelCase), in this order:

    1. A measure of being right (accuracy, precision, recall, f1, auc, match,
       matches, quality, correct, correctness, faithfulness, groundedness,
       grounded, factual, factuality, bleu, rouge) is higher-is-better
       (`error_detection_recall`, `churn_prediction_auc`), unless the name says
       it was missed, wrong or low (false, miss, misses, missed, wrong,
       incorrect, no, low: `false_match_rate`) or fell (drop, loss,
       regression(s), degradation, decline: `accuracy_drop_pct`).
    2. A gain (saving(s), saved, avoidance, avoided, reduction, improvement)
       is higher-is-better (`time_to_resolution_reduction_pct`), unless
       negated as above.
    3. A time to something is lower-is-better (`mean_time_to_detection`).
    4. A name with free, detection, detected, caught, coverage, appropriate,
       deflection, save, resolution or resolved is higher-is-better
       (`error_free_rate`, `escalation_deflection_rate`), unless negated as
       above or measured in time (`resolution_hours`, `detection_latency_ms`).
    5. A name with error(s), hallucination(s), hallucinated, wrong,
       incorrect, mistake(s), invalid, false, fpr, fnr, miss, misses, missed
       (`escalation_miss_rate`), mismatch, mismatches, distance, wer, cer,
       mae, mse, rmse, latency, ms, seconds, minutes, hours, time (not
       `first_time`, `on_time` or `real_time`), duration, timeout(s), cost(s),
       toxicity, toxic, refusal(s), leak, leakage, jailbreak(s), escalation(s),
       complaint(s), abandonment, abandoned, churn, churned, reopen(s),
       reopened, override(s), correction(s), violation(s), failure(s),
       failed, defect(s), regression(s), perplexity, loss, drop, degradation
       or decline is lower-is-better.
    6. Any other name is higher-is-better.

    `permission_rate` holds no `miss`. The message says how the direction was
    decided.

    Plans that fine-tune for `latency` or `cost` are not reported: a prompted
    large model meeting the quality targets is the premise of distillation,
    not a reason to stop.

    ## Why
    The baseline exists to measure the gap. When the prompt already hits every
    target there is no gap left to close, and retrieval or training would add
    cost, latency and moving parts for nothing. Either ship the prompt, or the
    targets do not say what production really needs.

    ## Bad
    ```yaml
    aiplan: 1
    name: FAQ deflection
    baseline:
      prompt_engineering:
        status: done
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.93
          - metric: hallucination_rate
            value: 0.01
    approach: rag
    evaluation:
      metrics:
        - name: answer-accuracy
          target: 0.9
        - name: hallucination_rate
          target: 0.02
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: FAQ deflection
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
          - metric: hallucination_rate
            value: 0.0
        model: claude-sonnet
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
        - name: answer_accuracy
          target: 0.9
        - name: hallucination_rate
          target: 0.0
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not plan.beyond_prompting or distills(plan):
        return
    compared = comparisons(plan)
    if not compared or any(item.scale_mismatch for item in compared) or not all(item.met for item in compared):
        return  # a baseline and a target on two scales say nothing about meeting it: BASE005 names them
    reached = listing(
        f"{code(item.baseline.metric)} = {show(item.baseline.value)} (target {show(item.target.target)}, "
        f"{item.target.direction})" for item in compared)
    first = compared[0]
    everything = "its only target" if len(compared) == 1 else f"all {len(compared)} targets it measured"
    yield Violation(
        f"the prompt-engineering baseline already meets {everything}: {reached}; yet approach is "
        f"{approach_shown(plan)}",
        "Ship prompt engineering (`approach: prompt_engineering`); or, if production needs more, set each "
        "`target` in `evaluation.metrics` to the level it really needs (and add the metric the new system "
        "must improve) and measure the gap again.",
        path=("baseline", "prompt_engineering", "results", first.baseline.index, "value"),
    )


@rule("BASE005", "gap-not-measurable", Severity.WARNING)
def gap_not_measurable(plan, options):
    """The baseline and the evaluation measure different things, so the gap cannot be measured.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid`, and

    - the baseline has `results` and `evaluation.metrics` exist, but no
      baseline result's `metric` is among the names of `evaluation.metrics`.
      Names are compared ignoring case, `-`, `_` and spaces
      (`answer-accuracy` is `answer_accuracy`). Reported at
      `baseline.prompt_engineering.results`; when a baseline metric is close
      to an evaluation metric, at that result's `metric`, saying which
      ("did you mean"); or
    - a baseline result on an evaluation metric names its `eval_set`, and
      `evaluation.eval_sets` lists sets none of which is that one (the same
      path once `./` and `//` are normalised, or a bare name such as
      `support-v1` for `evals/support-v1.jsonl`): the
      baseline and the target are numbers on different sets. One finding per
      such set, at the first result's `eval_set`; or
    - a baseline result and the target of its metric are written on two
      scales: one is between 0 and 1, the other above 1 and at most 100
      (`value: 60` against `target: 0.9`), for a metric that is a proportion
      (higher-is-better, or named with rate, ratio, share, percent,
      percentage, pct, fraction or proportion). Reported at the value above
      1; BASE004 does not judge such a metric as met.

    ## Why
    "Measure the gap, then decide" needs the same yardstick before and after:
    the baseline's number on a metric and an evaluation set, and the target
    the new system must reach on that same metric and set. With disjoint
    metrics, or a baseline measured on other cases than the ones the new
    system will be judged on, nobody can say how much of the gap RAG or
    fine-tuning closed, or whether it was worth it.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    baseline:
      prompt_engineering:
        status: done
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: thumbs_up_rate
            value: 0.62
    approach: rag
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: Answer Accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
        model: claude-sonnet
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
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: ./evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not plan.beyond_prompting:
        return
    named = [(index, plan.text("baseline", "prompt_engineering", "results", index, "metric"))
             for index, _ in plan.entries("baseline", "prompt_engineering", "results")]
    named = [(index, name) for index, name in named if name is not None]
    tracked = [plan.text("evaluation", "metrics", index, "name") for index, _ in plan.entries("evaluation", "metrics")]
    tracked = list(dict.fromkeys(name for name in tracked if name is not None))
    if not named or not tracked:
        return
    measured = list(dict.fromkeys(name for _, name in named))
    if not {metric_key(name) for name in measured} & {metric_key(name) for name in tracked}:
        for index, name in named:
            meant = closest(name, tracked)
            if meant is None:
                continue
            yield Violation(
                f"the baseline measured {code(name)} but `evaluation.metrics` tracks {quoted_listing(tracked)}: "
                f"did you mean {code(meant)}? As written, no metric is measured both before and after",
                f"Use one name for the metric in both places: under "
                f"`{dotted('baseline', 'prompt_engineering', 'results', index)}`, set `metric: {meant}`; or, in "
                f"`evaluation.metrics`, rename `{meant}` to `{name}`.",
                path=("baseline", "prompt_engineering", "results", index, "metric"),
            )
            return
        first = tracked[0]
        yield Violation(
            f"the baseline measured {quoted_listing(measured)} but `evaluation.metrics` tracks "
            f"{quoted_listing(tracked)}: no metric is measured both before and after, so nobody can tell how "
            f"much of the gap {approach_shown(plan)} closes",
            f"Run the baseline on an evaluation metric and record it in `baseline.prompt_engineering.results`, "
            f"e.g. `- {{metric: {first}, value: <measured>}}`; or add "
            f"{listing(f'`- {{name: {name}, target: <needed>}}`' for name in measured[:1])} to `evaluation.metrics`.",
            path=("baseline", "prompt_engineering", "results"),
            at="section",
        )
        return
    yield from _scale_mismatches(plan)
    listed = eval_sets(plan)
    if not listed:
        return
    reported: list[str] = []
    for item in comparisons(plan):
        baseline_set = item.baseline.eval_set
        if baseline_set is None or any(same_set(baseline_set, entry.path) for entry in listed):
            continue
        if any(same_path(baseline_set, seen) for seen in reported):
            continue
        reported.append(baseline_set)
        on_it = [other.target.name for other in comparisons(plan)
                 if other.baseline.eval_set is not None and same_path(other.baseline.eval_set, baseline_set)]
        yield Violation(
            f"the baseline measured {quoted_listing(on_it)} on {code(baseline_set)}, but `evaluation.eval_sets` "
            f"lists {quoted_listing(entry.path for entry in listed)}: the baseline and the target are measured on "
            "different sets, so the gap between them is not measured",
            f"Measure the baseline on the evaluation set: under "
            f"`{dotted('baseline', 'prompt_engineering', 'results', item.baseline.index)}`, set "
            f"`eval_set: {listed[0].path}`; or add "
            f"`- {{path: {baseline_set}}}` to `evaluation.eval_sets` if the new system is judged on it too.",
            path=("baseline", "prompt_engineering", "results", item.baseline.index, "eval_set"),
        )


def _scale_mismatches(plan):
    """BASE005's findings for a metric whose baseline and target are written on two scales (0-1 and 0-100)."""
    for item in comparisons(plan):
        if not item.scale_mismatch:
            continue
        baseline, target = item.baseline.value, item.target.target
        if baseline > 1:
            where = ("baseline", "prompt_engineering", "results", item.baseline.index)
            fix_key, fixed = "value", round(baseline / 100, 6)
        else:
            where = ("evaluation", "metrics", item.target.index)
            fix_key, fixed = "target", round(target / 100, 6)
        yield Violation(
            f"the baseline measured {code(item.baseline.metric)} = {show(baseline)} but its target is "
            f"{show(target)}: one is a fraction of 1 and the other a percentage, so the gap between them is not "
            "measured (as written, meeting or missing the target says nothing)",
            f"Write both on one scale, as fractions of 1: under `{dotted(*where)}`, set "
            f"`{fix_key}: {show(fixed)}`.",
            path=(*where, fix_key),
        )


@rule("BASE006", "unnamed-baseline-model", Severity.WARNING)
def unnamed_baseline_model(plan, options):
    """The prompt-engineering baseline is done but does not say which model it measured.

    Fires when `baseline.prompt_engineering.status` is `done` and its `model`
    is absent or says nothing (`TBD`, `none`, the `aiplan init` placeholder;
    see docs/placeholders.md). Reported at `model`, or at `prompt_engineering`
    when the key is absent.

    ## Why
    A baseline is the result of one prompt on one model: the framework's
    yardstick is "a well-engineered prompt on Claude or GPT-4o". Without the
    model the number cannot be reproduced, cannot be compared with the
    retrieval or fine-tuned system that is meant to beat it, and a
    distillation plan cannot say which larger model the small one must match.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    baseline:
      prompt_engineering:
        status: done
        model: TBD
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge:
        present: true
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: false
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
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
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if plan.get("baseline", "prompt_engineering", "status") != "done":
        return
    if plan.text("baseline", "prompt_engineering", "model") is not None:
        return
    yield Violation(
        f"the prompt-engineering baseline is `done` but its `model` {absence(plan, 'baseline', 'prompt_engineering', 'model')}: "
        "nobody can reproduce its results or compare them with the system meant to beat them",
        "Name the model the baseline ran on, e.g. `model: claude-sonnet` under `baseline.prompt_engineering`.",
        path=("baseline", "prompt_engineering", "model"),
    )
