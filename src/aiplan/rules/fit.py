"""FIT: the approach matches the gap.

RAG primarily closes a knowledge gap, fine-tuning a behavior gap, and a hybrid
both. These rules compare the chosen `approach` with the stated gaps.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.plan import GAPS, RAG_APPROACHES
from aiplan.core.rule import rule
from aiplan.rules.wording import approach_shown, code, listing

VOLATILE = ("daily", "weekly", "realtime")
# A fine-tuning purpose that is a reason in its own right, whatever the gaps:
# a smaller model made to perform like a larger one on a narrow task.
DISTILLATION_PURPOSES = ("latency", "cost")


def distills(plan) -> bool:
    """The plan fine-tunes for latency or cost (distillation)."""
    return plan.includes_fine_tuning and plan.string("fine_tuning", "purpose") in DISTILLATION_PURPOSES


def only_accuracy_gap(plan) -> bool:
    """The accuracy gap is present and neither the knowledge nor the behavior gap is."""
    return (plan.gap_present("accuracy") is True and plan.gap_present("knowledge") is not True
            and plan.gap_present("behavior") is not True)


def retrieval_for_behavior(plan) -> bool:
    """Retrieval is planned where the behavior gap is present and the knowledge gap is stated absent (FIT002).

    A knowledge gap not stated at all is GAP003's to ask about, not evidence that the model lacks no facts."""
    return (plan.includes_rag and plan.gap_present("behavior") is True
            and plan.gap_present("knowledge") is False)


def fine_tunes_for_knowledge(plan) -> bool:
    """The fine-tuning half is meant to teach facts (`fine_tuning.purpose: knowledge`, FIT001)."""
    return plan.includes_fine_tuning and plan.string("fine_tuning", "purpose") == "knowledge"


def no_gap_at_all(plan) -> bool:
    """Beyond prompting with all three gaps stated absent and no distillation purpose (FIT004)."""
    return (plan.beyond_prompting and not distills(plan)
            and all(plan.gap_present(gap) is False for gap in GAPS))


@rule("FIT001", "fine-tuning-for-knowledge", Severity.ERROR)
def fine_tuning_for_knowledge(plan, options):
    """Fine-tuning is chosen to teach the model facts.

    Fit is judged per component: fine-tuning serves behavior, latency or cost;
    retrieval serves knowledge. Fires when

    - `approach` is `fine_tuning` or `hybrid` and `fine_tuning.purpose` is
      `knowledge` (the fine-tuning half of a hybrid too), reported at
      `fine_tuning.purpose`; or
    - `approach` is `fine_tuning` (no retrieval at all), the knowledge gap is
      present and the behavior gap is not (`false` or not stated), reported at
      `approach`. When `purpose` is `latency` or `cost` the message says so:
      fine-tuning then has a reason of its own, but nothing closes the
      knowledge gap.

    ## Why
    Fine-tuning changes how a model responds; it is an unreliable way to make
    it know things. Facts baked into weights go stale with the next document
    change, cannot be shown to the user as a source, and cannot be restricted
    by role. A knowledge gap is what retrieval is for: update the corpus, not
    the model.

    ## Bad
    ```yaml
    aiplan: 1
    name: Product catalogue assistant
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our 2026 product line or its prices.
      behavior:
        present: false
      accuracy:
        present: false
    approach: fine_tuning
    fine_tuning:
      purpose: knowledge
      base_model: claude-haiku
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Product catalogue assistant
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our 2026 product line or its prices.
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
          - name: product catalogue
            format: database
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
    if not plan.includes_fine_tuning:
        return
    purpose = plan.string("fine_tuning", "purpose")
    if purpose == "knowledge":
        if plan.approach == "hybrid" and plan.gap_present("knowledge") is False:
            # No knowledge gap for retrieval to carry either: the same advice as FIT005 and FIT004 give.
            fix = ("Fine-tune for how the model responds, not for facts: under `fine_tuning`, set `purpose: "
                   "behavior` if a behavior gap remains (or `latency`/`cost` for a smaller, faster model); with "
                   "no knowledge gap stated (`gaps.knowledge.present` is `false`), the retrieval half has nothing to close, and with no gap at "
                   "all, start with `approach: prompt_engineering`.")
        elif plan.approach == "hybrid":
            fix = ("Let the retrieval half carry the knowledge and fine-tune for how the model responds: under "
                   "`fine_tuning`, set `purpose: behavior` (or `latency`/`cost` for a smaller, faster model); if no "
                   "behavior gap remains, set `approach: rag` and remove the fine-tuning section.")
        else:
            fix = ("Close a knowledge gap with retrieval: set `approach: rag` and list the documents in "
                   "`rag.corpus.sources`; keep fine-tuning for a behavior gap (`approach: hybrid` if both gaps "
                   "are present; under `fine_tuning`, set `purpose: behavior`).")
        yield Violation(
            f"approach is {approach_shown(plan)} and `fine_tuning.purpose` is `knowledge`: fine-tuning is meant to "
            "teach the model facts, which it retains poorly and which go stale with every document change",
            fix,
            path=("fine_tuning", "purpose"),
        )
        return
    if plan.approach != "fine_tuning":
        return
    if plan.gap_present("knowledge") is True and plan.gap_present("behavior") is not True:
        behavior = "`false`" if plan.gap_present("behavior") is False else "not stated"
        if purpose in DISTILLATION_PURPOSES:
            message = (f"approach is {approach_shown(plan)} for {code(purpose)}, but the plan also states a knowledge gap "
                       f"and no behavior gap (`gaps.behavior.present` is {behavior}): a smaller, faster model "
                       "does not learn the missing facts, and nothing in the plan retrieves them")
            fix = ("Keep the distillation and add retrieval for the knowledge: set `approach: hybrid` and list the "
                   "documents in `rag.corpus.sources`; or, if the prompt already supplies the facts, under "
                   "`gaps.knowledge`, set `present: false` with that `evidence`.")
        else:
            message = (f"approach is {approach_shown(plan)} but the plan states a knowledge gap and no behavior gap "
                       f"(`gaps.behavior.present` is {behavior}): fine-tuning addresses how the model responds, "
                       "not what it knows")
            fix = ("Close a knowledge gap with retrieval: set `approach: rag` and list the documents in "
                   "`rag.corpus.sources`; keep fine-tuning for a behavior gap (`approach: hybrid` if both gaps "
                   "are present; under `fine_tuning`, set `purpose: behavior`).")
        yield Violation(message, fix, path=("approach",))


@rule("FIT002", "rag-for-behavior", Severity.ERROR)
def rag_for_behavior(plan, options):
    """Retrieval is chosen to fix how the model responds.

    Fires when `approach` is `rag` or `hybrid`, the behavior gap is present and
    the knowledge gap is stated absent (`gaps.knowledge.present: false`). In a
    hybrid the fine-tuning half may well serve the behavior gap; the retrieval
    half then has no gap to close. Reported at `approach`. A knowledge gap not
    stated at all is not judged here: GAP003 asks the plan to state it, and
    the retrieval rules superseded by FIT002 keep reporting on the pipeline.

    ## Why
    Retrieval adds facts to the context; it does not change the format, tone or
    workflow of the answers. A behavior gap that a rigorous prompt cannot close
    is what fine-tuning on examples of correct outputs is for: the model learns
    the pattern at the weight level instead of following an instruction.

    ## Bad
    ```yaml
    aiplan: 1
    name: Brand voice writer
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: Drafts ignore our style guide's tone and length rules in 40% of samples.
      accuracy:
        present: false
    approach: rag
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Brand voice writer
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: Drafts ignore our style guide's tone and length rules in 40% of samples.
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
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
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
    if not retrieval_for_behavior(plan):
        return
    if plan.approach == "hybrid":
        yield Violation(
            f"approach is {approach_shown(plan)} but the plan states a behavior gap and no knowledge gap "
            "(`gaps.knowledge.present` is `false`): the retrieval half adds facts the model does not lack, "
            "and retrieval does not change how the model responds",
            "Fine-tune for the behavior alone: set `approach: fine_tuning` and remove the `rag` section; or, if "
            "the model also lacks facts, under `gaps.knowledge`, set `present: true` with its `evidence`.",
            path=("approach",),
        )
        return
    yield Violation(
        f"approach is {approach_shown(plan)} but the plan states a behavior gap and no knowledge gap "
        "(`gaps.knowledge.present` is `false`): retrieval adds facts, it does not change how the model responds",
        "Close a behavior gap that prompting could not close with fine-tuning: set `approach: fine_tuning`; "
        "add a top-level section with a reviewed dataset and a held-out set and, under `fine_tuning`, set "
        "`purpose: behavior`; "
        "or, if the model also lacks facts, state `gaps.knowledge` with its evidence and choose `hybrid`.",
        path=("approach",),
    )


@rule("FIT003", "consider-hybrid", Severity.INFO, superseded_by=("FIT009",))
def consider_hybrid(plan, options):
    """Both a knowledge and a behavior gap are present, but only one of them is addressed.

    Fires when `gaps.knowledge.present` and `gaps.behavior.present` are both
    `true` and `approach` is `rag` or `fine_tuning`. Reported at `approach`.
    When the plan also describes the other half (FIT009 reports the approach
    as unclear and asks for `hybrid` or one section fewer), FIT009's finding
    is the one reported.

    ## Why
    Retrieval handles what the model knows; fine-tuning handles how it
    responds. With both gaps present, one approach leaves the other gap open:
    a RAG system that still answers in the wrong format, or a fine-tuned model
    that still lacks current facts. The architecture that fits both gaps is a
    fine-tuned model with a retrieval layer, unless the prompt can close one of
    them, which the baseline should show.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our refund and warranty policies.
      behavior:
        present: true
        evidence: Replies must follow the escalation workflow and the ticket JSON schema.
      accuracy:
        present: false
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
        present: true
        evidence: Replies must follow the escalation workflow and the ticket JSON schema.
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
    approach: hybrid
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
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
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
    approach = plan.approach
    if approach not in ("rag", "fine_tuning"):
        return
    if plan.gap_present("knowledge") is not True or plan.gap_present("behavior") is not True:
        return
    left_open = "behavior" if approach == "rag" else "knowledge"
    yield Violation(
        f"both a knowledge and a behavior gap are present but approach is {approach_shown(plan)}, "
        f"which leaves the {left_open} gap open",
        f"Consider `approach: hybrid` (fine-tuning for the behavior, retrieval for the knowledge); if the "
        f"prompt-engineering baseline already closes the {left_open} gap, under `gaps.{left_open}`, set "
        "`present: false` and record that in its `evidence`.",
        path=("approach",),
    )


@rule("FIT004", "unneeded-complexity", Severity.WARNING)
def unneeded_complexity(plan, options):
    """RAG or fine-tuning is planned although the plan states no gap at all.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid` and all three
    gaps are stated with `present: false`, unless `fine_tuning.purpose` is
    `latency` or `cost`: a smaller model made to perform like a larger one is
    a reason in its own right, with no gap at all (FIT005 then asks about the
    retrieval half of a hybrid). Reported at `approach`.

    ## Why
    If the base model has no knowledge, behavior or accuracy gap, a
    well-engineered prompt is the whole solution: faster to iterate on and
    cheaper to run. Retrieval and training pipelines then solve problems that
    did not need solving that way.

    ## Bad
    ```yaml
    aiplan: 1
    name: Meeting summariser
    gaps:
      knowledge:
        present: false
      behavior:
        present: false
      accuracy:
        present: false
    approach: fine_tuning
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Meeting summariser
    gaps:
      knowledge:
        present: false
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
    approach: prompt_engineering
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
    if not no_gap_at_all(plan):
        return
    yield Violation(
        f"approach is {approach_shown(plan)} but all three gaps (knowledge, behavior, accuracy) are stated "
        "as not present: there is nothing for it to close that a prompt does not",
        "Set `approach: prompt_engineering`; or, if the base model does fall short, under `gaps.knowledge` "
        "(or whichever gap it is), set `present: true` and record the `evidence`.",
        path=("approach",),
    )


# FIT001 speaks for a fine-tuning half meant to teach facts: FIT005's finding for that half alone.
FIT005_HALF_SUPERSEDED_BY = ("FIT001",)


@rule("FIT005", "hybrid-without-both-gaps", Severity.INFO, superseded_by=("FIT002", "FIT004", "FIT008"),
      finding_superseded_by=FIT005_HALF_SUPERSEDED_BY)
def hybrid_without_both_gaps(plan, options):
    """A half of a hybrid has no reason: its gap is stated as absent.

    Fit is judged per component. Fires when `approach` is `hybrid` and

    - `gaps.knowledge.present` is `false`: the retrieval half has no gap; or
    - `gaps.behavior.present` is `false` and `fine_tuning.purpose` is not
      `latency` or `cost`: the fine-tuning half has no gap. Fine-tuning for
      latency or cost is a reason of its own, and this rule never tells such a
      plan to drop it.

    Superseded by FIT002 (a behavior gap with no knowledge gap), FIT004 (no
    gap at all) and FIT008 (only an accuracy gap): each names the plan's
    problem more precisely. When only the fine-tuning half is idle and
    `fine_tuning.purpose` is `knowledge`, the finding is also superseded by
    FIT001 (that half is the wrong tool for facts): with FIT001's finding
    waived or FIT001 turned off it is reported. With both halves idle there is
    one finding, whatever the purpose: neither half has a gap, so start with
    a prompt. Reported at `approach`, naming the half without a reason.

    ## Why
    A hybrid earns its complexity when each half closes something: fine-tuning
    the behavior (or the latency or cost), retrieval the knowledge. If one
    half has nothing to close, it is a training pipeline or a data pipeline,
    each with its own evaluation and upkeep, that solves nothing.

    ## Bad
    ```yaml
    aiplan: 1
    name: Policy search
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our internal travel policy.
      behavior:
        present: false
      accuracy:
        present: false
    approach: hybrid
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Policy search
    targets:
      latency_p95_ms: 400
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our internal travel policy.
      behavior:
        present: false
        evidence: 200 prompted replies all followed the required output format; fine-tuning is for latency.
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
    approach: hybrid
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
    fine_tuning:
      purpose: latency
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
      dataset:
        examples: 4200
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
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
    if plan.approach != "hybrid":
        return
    idle = []
    if plan.gap_present("knowledge") is False:
        idle.append(("retrieval", "knowledge"))
    if plan.gap_present("behavior") is False and not distills(plan):
        idle.append(("fine-tuning", "behavior"))
    if not idle:
        return
    if fine_tunes_for_knowledge(plan) and idle == [("fine-tuning", "behavior")]:
        # FIT001 speaks for a fine-tuning half meant to teach facts: its own finding, superseded by FIT001
        # alone, so a waived FIT001 leaves it reported. With both halves idle the one finding says start with
        # a prompt, whatever the purpose: two findings would give opposite fixes (drop one half, the other).
        yield _idle_halves(plan, idle, superseded_by=FIT005_HALF_SUPERSEDED_BY)
        return
    yield _idle_halves(plan, idle)


def _idle_halves(plan, idle, superseded_by=()):
    """FIT005's finding for the halves of a hybrid in ``idle`` ((half, gap) pairs) that have no gap to close."""
    if len(idle) == 2:
        fix = ("With neither gap present, start with `approach: prompt_engineering`; or, under `gaps.knowledge` "
               "or `gaps.behavior` (whichever is present), set `present: true` with its `evidence`.")
    elif idle[0][0] == "retrieval":
        fix = ("Drop the retrieval half: set `approach: fine_tuning` and remove the `rag` section; or, if the "
               "model does lack facts, under `gaps.knowledge`, set `present: true` with its `evidence`.")
    else:
        fix = ("Drop the fine-tuning half: set `approach: rag` and remove the fine-tuning section; or, if the "
               "gap is real, under `gaps.behavior`, set `present: true` with its `evidence`; or, if fine-tuning "
               "is for a smaller, faster or cheaper model, say so: under `fine_tuning`, set `purpose: latency` "
               "(or `cost`).")
    reasons = listing(f"`gaps.{gap}.present`" for _, gap in idle)
    halves = listing(half for half, _ in idle)
    # Each half serves its own gap: name it, so the message says what is missing, not that nothing is.
    return Violation(
        f"approach is {approach_shown(plan)} but {reasons} {'is' if len(idle) == 1 else 'are'} `false`: the {halves} "
        + (f"half has no {idle[0][1]} gap to close" if len(idle) == 1 else "halves have no gap to close")
        + ("" if plan.string("fine_tuning", "purpose") is None or idle[0][0] == "retrieval" else
           f" (`fine_tuning.purpose` is {code(plan.string('fine_tuning', 'purpose'))})"),
        fix,
        path=("approach",),
        superseded_by=superseded_by,
    )


@rule("FIT006", "fine-tuning-volatile-data", Severity.WARNING)
def fine_tuning_volatile_data(plan, options):
    """Fine-tuning is planned on training data that changes daily, weekly or in real time.

    Fires when `approach` is `fine_tuning` or `hybrid` and
    `fine_tuning.dataset.update_frequency` is `daily`, `weekly` or `realtime`.
    Reported at `update_frequency`.

    ## Why
    A fine-tuned model is a snapshot of its training data. Data that changes
    every day or week means constant retraining and re-evaluation, or a model
    that is always behind. Content that changes often belongs in a retrieval
    index, updated without retraining anything; fine-tuning suits stable
    patterns of behavior.

    ## Bad
    ```yaml
    aiplan: 1
    name: Pricing assistant
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 3000
        source: last week's approved quotes
        update_frequency: weekly
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Pricing assistant
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
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 3000
        source: approved quotes, format unchanged since 2024
        update_frequency: quarterly
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
      evaluation:
        held_out:
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
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
    if not plan.includes_fine_tuning:
        return
    frequency = plan.string("fine_tuning", "dataset", "update_frequency")
    if frequency not in VOLATILE:
        return
    yield Violation(
        f"approach is {approach_shown(plan)} and the training data changes {code(frequency)} "
        "(`fine_tuning.dataset.update_frequency`): the fine-tuned model will always be behind its data",
        ("Move the fast-changing content into the retrieval half (`rag.corpus.sources`)" if plan.includes_rag else
         "Move the fast-changing content into retrieval (`rag.corpus.sources`, with `approach: hybrid`)")
        + " and fine-tune only on stable behavior examples; or plan and budget retraining and re-evaluation at "
        "that cadence and set `update_frequency` to how often the examples really change.",
        path=("fine_tuning", "dataset", "update_frequency"),
    )


@rule("FIT007", "approach-section-missing", Severity.ERROR)
def approach_section_missing(plan, options):
    """The chosen approach has no section describing it.

    Fires when `approach` is `rag` or `hybrid` and there is no `rag` section,
    or `approach` is `fine_tuning` or `hybrid` and there is no `fine_tuning`
    section (absent, null or not a mapping). One finding per missing section,
    at that key, or at the top of the plan when the key is absent.

    ## Why
    The section is where the plan shows it has thought the approach through:
    for retrieval, the corpus and its data pipeline; for fine-tuning, the task,
    the dataset and the held-out evaluation. Without it the approach is a
    name, and none of the RAG or FT checks can say anything about it.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    approach: hybrid
    rag:
      corpus:
        sources:
          - name: policy library
            format: html
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
        present: true
        evidence: 38% of 200 prompted replies broke the required output format.
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
    approach: hybrid
    rag:
      corpus:
        sources:
          - name: policy library
            format: html
            update_frequency: monthly
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
    fine_tuning:
      purpose: behavior
      task:
        description: turn an agent's draft into an escalation reply in the ticket JSON schema
      base_model: claude-haiku
      dataset:
        examples: 4200
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
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
    approach = plan.approach
    wanted = []
    if approach in RAG_APPROACHES:
        wanted.append(("rag", "`rag: {corpus: {sources: [{name: TBD}]}, data_pipeline: {owner: TBD}, "
                              "retrieval: {evaluation: {eval_set: TBD}}}`"))
    if plan.includes_fine_tuning:
        wanted.append(("fine_tuning", "`fine_tuning: {purpose: behavior, task: {description: TBD}, "
                                      "dataset: {path: TBD}, evaluation: {held_out: {path: TBD}}}`"))
    for section, snippet in wanted:
        value = plan.get(section)
        if isinstance(value, dict):
            continue  # even an empty section: the RAG and FT rules then say what it lacks
        state = ("is missing" if not plan.has(section)
                 else "is empty" if value is None else f"is {code(value)}, not a section")
        yield Violation(
            f"approach is {approach_shown(plan)} but the `{section}` section {state}",
            f"Describe the {'retrieval' if section == 'rag' else 'fine-tuning'} plan in a top-level "
            f"`{section}` section: {snippet}; or choose an approach that does not need it.",
            path=(section,),
            at="section",
        )


@rule("FIT008", "approach-for-accuracy-gap", Severity.ERROR)
def approach_for_accuracy_gap(plan, options):
    """RAG or fine-tuning is planned while the only gap present is accuracy.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid`,
    `gaps.accuracy.present` is `true`, and neither the knowledge nor the
    behavior gap is present (`false` or not stated). Fine-tuning for `latency`
    or `cost` has a reason of its own: `approach: fine_tuning` with that
    purpose is not reported, and in a hybrid only the retrieval half is.
    Reported at `approach`.

    ## Why
    Retrieval closes a knowledge gap and fine-tuning a behavior gap; neither
    reliably fixes factual errors and hallucinations without rigorous
    evaluation infrastructure. The accuracy gap is a separate problem: a
    metric with the level production needs, a fixed set of cases, a cadence
    that re-runs it and human review of failures. If the errors turn out to
    come from facts the model lacks, that is a knowledge gap: state it, with
    its evidence, and retrieval has a reason.

    ## Bad
    ```yaml
    aiplan: 1
    name: Claims summariser
    gaps:
      knowledge:
        present: false
      behavior:
        present: false
      accuracy:
        present: true
        evidence: 7% of sampled summaries misstate the claimed amount.
    approach: rag
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Claims summariser
    gaps:
      knowledge:
        present: false
        evidence: 31 of 50 sampled questions needed documents the model has never seen.
      behavior:
        present: false
      accuracy:
        present: true
        evidence: 7% of sampled summaries misstate the claimed amount.
    baseline:
      prompt_engineering:
        status: done
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: amount_accuracy
            value: 0.71
            eval_set: evals/support-v1.jsonl
    approach: prompt_engineering
    evaluation:
      metrics:
        - name: amount_accuracy
          target: 0.99
      eval_sets:
        - path: evals/claims-amounts.jsonl
          size: 1500
      cadence: per_change
      human_review: a claims lead reviews every failed case weekly
    ```
    """
    if not plan.beyond_prompting or not only_accuracy_gap(plan):
        return
    if plan.approach == "fine_tuning" and distills(plan):
        return
    others = listing(f"`gaps.{gap}.present` is {'`false`' if plan.gap_present(gap) is False else 'not stated'}"
                     for gap in ("knowledge", "behavior"))
    what, does = (("the retrieval half of the hybrid", "does") if distills(plan)
                  else {"rag": ("retrieval", "does"), "fine_tuning": ("fine-tuning", "does"),
                        "hybrid": ("retrieval and fine-tuning", "do")}[plan.approach])
    yield Violation(
        f"approach is {approach_shown(plan)} but the only gap present is accuracy ({others}): {what} {does} not "
        "reliably fix factual errors or hallucinations; that needs evaluation infrastructure",
        "Build the evaluation first: `evaluation.metrics` with a `target`, `evaluation.eval_sets` of real "
        "cases, a `cadence` and `human_review` of failures, and keep `approach: prompt_engineering` until it "
        "shows where the errors come from; if they come from facts the model lacks, under `gaps.knowledge`, "
        "set `present: true` with that `evidence` and retrieval has a reason.",
        path=("approach",),
    )


# The section each half of an approach is described in, and the approach that
# includes exactly the halves described.
_HALVES = (("rag", "retrieval"), ("fine_tuning", "fine-tuning"))
_APPROACH_OF_HALVES = {("rag",): "rag", ("fine_tuning",): "fine_tuning", ("rag", "fine_tuning"): "hybrid"}


def _described_halves(plan) -> list[str]:
    """The `rag` and `fine_tuning` sections that say something (a mapping with a value that is not blank)."""
    return [section for section, _ in _HALVES
            if isinstance(plan.get(section), dict) and not plan.is_blank(section)]


def _sections_shown(sections) -> str:
    return listing(f"a `{section}` section" for section in sections)


@rule("FIT009", "approach-unclear", Severity.ERROR, superseded_by=("FIT001", "FIT002", "FIT004", "FIT008"))
def approach_unclear(plan, options):
    """The plan does not state its approach, or describes a half its approach does not include.

    Fires when

    - the plan has no `approach` key but states a gap (`present: true` or
      `false`) or describes retrieval or fine-tuning (a `rag` or
      `fine_tuning` section with content); reported at the top of the plan;
      or
    - `approach` is stated and the plan describes a half it does not include:
      a `rag` section with `approach: prompt_engineering` or `fine_tuning`, a
      `fine_tuning` section with `approach: prompt_engineering` or `rag`;
      reported at `approach`.

    An `approach` that is null, a placeholder or not one of the four is
    PLAN002's finding. This is the mirror of FIT007 (the approach names a
    half the plan does not describe). When the stated approach does not fit
    the gaps (FIT001, FIT002, FIT004 or FIT008 reports it), that finding is
    the one reported: it says which approach the gaps call for, where adding
    the described half (`hybrid`) would not fit them either; once the
    approach is corrected, a section it does not include is reported here.

    ## Why
    The choice follows from the gaps: retrieval for a knowledge gap,
    fine-tuning for a behavior gap, both for both, prompt engineering when the
    baseline is enough. Every judgement of the plan starts from the approach it
    states: whether it fits the gaps, whether the baseline justifies it, and
    which of the RAG and FT checks apply. A plan that states none, or whose
    sections describe a system its approach does not build, cannot be judged:
    the checks of those sections do not run, and a reviewer cannot tell which
    system the team is building.

    ## Bad
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
    approach: prompt_engineering
    rag:
      corpus:
        sources:
          - name: policy library
            format: html
            update_frequency: monthly
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
          - name: policy library
            format: html
            update_frequency: monthly
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
    described = _described_halves(plan)
    if not plan.has("approach"):
        stated = [gap for gap in GAPS if plan.gap_present(gap) is not None]
        if not described and not stated:
            return  # nothing is judged yet: no gap stated, no half described
        said = []
        if described:
            said.append(f"describes {listing(half for section, half in _HALVES if section in described)} "
                        f"({_sections_shown(described)})")
        present = [gap for gap in stated if plan.gap_present(gap) is True]
        if present:
            said.append(f"states {listing(('an ' if gap == 'accuracy' else 'a ') + gap for gap in present)} gap")
        elif stated:
            said.append("states no gap present")
        if described:
            fix = (f"State the approach the sections describe at the top level: "
                   f"`approach: {_APPROACH_OF_HALVES[tuple(described)]}`; or, until the prompt-engineering "
                   "baseline shows a gap the prompt cannot close, `prompt_engineering` without "
                   f"the {listing(f'`{section}`' for section in described)} "
                   f"section{'s' if len(described) > 1 else ''}.")
        else:
            fix = ("State the approach at the top level: `approach: prompt_engineering` until the "
                   "prompt-engineering baseline shows a gap the prompt cannot close; then `rag` for a knowledge "
                   "gap, `fine_tuning` for a behavior gap, `hybrid` for both.")
        yield Violation(
            f"the plan states no `approach` but {listing(said)}: which approach it takes cannot be told, so "
            "neither its fit to the gaps nor the checks of the approach it needs can be judged",
            fix,
            path=("approach",),
            at="section",
        )
        return
    approach = plan.approach
    if approach not in ("prompt_engineering", *RAG_APPROACHES, "fine_tuning"):
        return  # PLAN002 reports an approach that is not one of the four
    used = {"prompt_engineering": (), "rag": ("rag",), "fine_tuning": ("fine_tuning",),
            "hybrid": ("rag", "fine_tuning")}[approach]
    unused = [section for section in described if section not in used]
    if not unused:
        return
    halves = listing(half for section, half in _HALVES if section in unused)
    wanted = _APPROACH_OF_HALVES[tuple(section for section, _ in _HALVES if section in used or section in unused)]
    one = len(unused) == 1
    yield Violation(
        f"approach is {approach_shown(plan)} but the plan also has {_sections_shown(unused)}: "
        f"{'it describes' if one else 'they describe'} {halves} the approach does not include, so "
        f"{'its' if one else 'their'} checks do not run and a reviewer cannot tell which system is being built",
        f"If the plan builds {'it' if one else 'them'}, set `approach: {wanted}`; otherwise remove the "
        f"{listing(f'`{section}`' for section in unused)} section{'' if one else 's'}.",
        path=("approach",),
    )
