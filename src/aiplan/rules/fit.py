"""FIT: the approach matches the gap.

RAG primarily closes a knowledge gap, fine-tuning a behavior gap, and a hybrid
both. These rules compare the chosen `approach` with the stated gaps.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.plan import GAPS, RAG_APPROACHES
from aiplan.core.rule import rule
from aiplan.rules.wording import code, listing

VOLATILE = ("daily", "weekly", "realtime")


@rule("FIT001", "fine-tuning-for-knowledge", Severity.WARNING)
def fine_tuning_for_knowledge(plan, options):
    """Fine-tuning is chosen to teach the model facts.

    Fires when `approach` is `fine_tuning` and either `fine_tuning.purpose` is
    `knowledge`, or the knowledge gap is present while the behavior gap is not
    (`gaps.behavior.present` is `false` or not stated). Reported at
    `fine_tuning.purpose` in the first case, at `approach` in the second.

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
    approach: rag
    rag:
      corpus:
        sources:
          - name: product catalogue
            format: database
            update_frequency: weekly
    ```
    """
    if plan.approach != "fine_tuning":
        return
    fix = ("Close a knowledge gap with retrieval: set `approach: rag` and list the documents under "
           "`rag.corpus.sources`; keep fine-tuning for a behavior gap (`fine_tuning.purpose: behavior`, "
           "with `approach: hybrid` if both gaps are present).")
    if plan.string("fine_tuning", "purpose") == "knowledge":
        yield Violation(
            "approach is `fine_tuning` and `fine_tuning.purpose` is `knowledge`: fine-tuning is meant to teach "
            "the model facts, which it retains poorly and which go stale with every document change",
            fix,
            path=("fine_tuning", "purpose"),
        )
        return
    if plan.gap_present("knowledge") is True and plan.gap_present("behavior") is not True:
        behavior = "`false`" if plan.gap_present("behavior") is False else "not stated"
        yield Violation(
            f"approach is `fine_tuning` but the plan states a knowledge gap and no behavior gap "
            f"(`gaps.behavior.present` is {behavior}): fine-tuning addresses how the model responds, "
            "not what it knows",
            fix,
            path=("approach",),
        )


@rule("FIT002", "rag-for-behavior", Severity.WARNING)
def rag_for_behavior(plan, options):
    """Retrieval is chosen to fix how the model responds.

    Fires when `approach` is `rag`, the behavior gap is present and the
    knowledge gap is not (`gaps.knowledge.present` is `false` or not stated).
    Reported at `approach`.

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
    approach: fine_tuning
    ```
    """
    if plan.approach != "rag":
        return
    if plan.gap_present("behavior") is not True or plan.gap_present("knowledge") is True:
        return
    knowledge = "`false`" if plan.gap_present("knowledge") is False else "not stated"
    yield Violation(
        f"approach is `rag` but the plan states a behavior gap and no knowledge gap "
        f"(`gaps.knowledge.present` is {knowledge}): retrieval adds facts, it does not change how the model responds",
        "Close a behavior gap that prompting could not close with fine-tuning: set `approach: fine_tuning` and "
        "add a `fine_tuning` section with `purpose: behavior`, a reviewed dataset and a held-out set; "
        "or, if the model also lacks facts, state `gaps.knowledge` with its evidence and choose `hybrid`.",
        path=("approach",),
    )


@rule("FIT003", "consider-hybrid", Severity.INFO)
def consider_hybrid(plan, options):
    """Both a knowledge and a behavior gap are present, but only one of them is addressed.

    Fires when `gaps.knowledge.present` and `gaps.behavior.present` are both
    `true` and `approach` is `rag` or `fine_tuning`. Reported at `approach`.

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
    approach: hybrid
    ```
    """
    approach = plan.approach
    if approach not in ("rag", "fine_tuning"):
        return
    if plan.gap_present("knowledge") is not True or plan.gap_present("behavior") is not True:
        return
    left_open = "behavior" if approach == "rag" else "knowledge"
    yield Violation(
        f"both a knowledge and a behavior gap are present but approach is {code(approach)}, "
        f"which leaves the {left_open} gap open",
        f"Consider `approach: hybrid` (fine-tuning for the behavior, retrieval for the knowledge); if the "
        f"prompt-engineering baseline already closes the {left_open} gap, set `gaps.{left_open}.present: false` "
        "and record that in its `evidence`.",
        path=("approach",),
    )


@rule("FIT004", "unneeded-complexity", Severity.WARNING)
def unneeded_complexity(plan, options):
    """RAG or fine-tuning is planned although the plan states no gap at all.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid` and all three
    gaps are stated with `present: false`. Reported at `approach`.

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
      behavior:
        present: false
      accuracy:
        present: false
    approach: prompt_engineering
    ```
    """
    if not plan.beyond_prompting:
        return
    if any(plan.gap_present(gap) is not False for gap in GAPS):
        return
    yield Violation(
        f"approach is {code(plan.approach)} but all three gaps (knowledge, behavior, accuracy) are stated "
        "as not present: there is nothing for it to close that a prompt does not",
        "Set `approach: prompt_engineering`; or, if the base model does fall short, set that gap's "
        "`present: true` and record the `evidence`.",
        path=("approach",),
    )


@rule("FIT005", "hybrid-without-both-gaps", Severity.INFO)
def hybrid_without_both_gaps(plan, options):
    """A hybrid is planned although the knowledge or the behavior gap is stated as absent.

    Fires when `approach` is `hybrid` and `gaps.knowledge.present` or
    `gaps.behavior.present` is `false`. Reported at `approach`, naming the
    absent gap(s).

    ## Why
    A hybrid earns its complexity when both gaps are real: fine-tuning for the
    behavior, retrieval for the knowledge. If one of them is absent, half the
    system (a training pipeline or a data pipeline, each with its own
    evaluation and upkeep) solves nothing.

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
    gaps:
      knowledge:
        present: true
        evidence: The base model does not know our internal travel policy.
      behavior:
        present: false
      accuracy:
        present: false
    approach: rag
    ```
    """
    if plan.approach != "hybrid":
        return
    absent = [gap for gap in ("knowledge", "behavior") if plan.gap_present(gap) is False]
    if not absent:
        return
    if len(absent) == 2:
        fix = ("With neither gap present, start with `approach: prompt_engineering`; or state the gap "
               "that is present with `present: true` and its `evidence`.")
    else:
        keep = "fine_tuning" if absent[0] == "knowledge" else "rag"
        fix = (f"Drop the half that serves the absent {absent[0]} gap: set `approach: {keep}` and remove the "
               f"`{'rag' if keep == 'fine_tuning' else 'fine_tuning'}` section; or, if the gap is real, set "
               f"`gaps.{absent[0]}.present: true` with its `evidence`.")
    yield Violation(
        f"approach is `hybrid` but {listing(f'`gaps.{gap}.present`' for gap in absent)} "
        f"{'is' if len(absent) == 1 else 'are'} `false`: the "
        f"{'retrieval' if 'knowledge' in absent else 'fine-tuning'}"
        f"{' and fine-tuning halves have' if len(absent) == 2 else ' half has'} no gap to close",
        fix,
        path=("approach",),
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
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 3000
        source: approved quotes, format unchanged since 2024
        update_frequency: quarterly
    ```
    """
    if not plan.includes_fine_tuning:
        return
    frequency = plan.string("fine_tuning", "dataset", "update_frequency")
    if frequency not in VOLATILE:
        return
    yield Violation(
        f"approach is {code(plan.approach)} and the training data changes {code(frequency)} "
        "(`fine_tuning.dataset.update_frequency`): the fine-tuned model will always be behind its data",
        "Move the fast-changing content into retrieval (`rag.corpus.sources`, with `approach: hybrid`) and "
        "fine-tune only on stable behavior examples; or plan and budget retraining and re-evaluation at "
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
    approach: hybrid
    rag:
      corpus:
        sources:
          - name: policy library
            format: html
    fine_tuning:
      purpose: behavior
      task:
        description: turn an agent's draft into an escalation reply in the ticket JSON schema
    ```
    """
    approach = plan.approach
    wanted = []
    if approach in RAG_APPROACHES:
        wanted.append(("rag", "`rag: {corpus: {sources: [...]}, data_pipeline: {...}, retrieval: {...}}`"))
    if plan.includes_fine_tuning:
        wanted.append(("fine_tuning", "`fine_tuning: {purpose: behavior, task: {...}, dataset: {...}, "
                                      "evaluation: {held_out: {...}}}`"))
    for section, snippet in wanted:
        value = plan.get(section)
        if isinstance(value, dict):
            continue  # even an empty section: the RAG and FT rules then say what it lacks
        state = ("is missing" if not plan.has(section)
                 else "is empty" if value is None else f"is {code(value)}, not a section")
        yield Violation(
            f"approach is {code(approach)} but the `{section}` section {state}",
            f"Describe the {'retrieval' if section == 'rag' else 'fine-tuning'} plan in a top-level "
            f"`{section}` section: {snippet}; or choose an approach that does not need it.",
            path=(section,),
            at="key",
        )
