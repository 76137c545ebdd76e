"""FT: fine-tuning learns whatever it is given.

A fine-tuned model learns the noise of low-quality data as faithfully as the
pattern, and can lose general capability in ways only a held-out set that also
covers adjacent behaviors shows. These rules apply when `approach` is
`fine_tuning` or `hybrid` and the plan has a `fine_tuning` section.
"""

from __future__ import annotations

import math
import posixpath

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import Option, rule
from aiplan.rules.wording import absence, code, quoted_listing, show

REQUIRED_COVERAGE = ("target_task", "adjacent_behaviors")
DISTILLATION_TARGETS = {
    "latency": ("latency_p95_ms", "`targets: {latency_p95_ms: 800}`", "latency"),
    "cost": ("cost_per_1k_requests_usd", "`targets: {cost_per_1k_requests_usd: 0.40}`", "cost"),
}


def applies(plan) -> bool:
    """FT rules apply when the approach includes fine-tuning and the section exists."""
    return plan.includes_fine_tuning and plan.mapping("fine_tuning") is not None


@rule("FT001", "fine-tuning-without-held-out", Severity.ERROR)
def fine_tuning_without_held_out(plan, options):
    """Fine-tuning is planned without a held-out evaluation set.

    Fires when the approach is `fine_tuning` or `hybrid`, a `fine_tuning`
    section exists, and `fine_tuning.evaluation.held_out` is absent or says
    nothing: empty (`held_out: {}`), or a placeholder such as `TBD` or `none`
    (see docs/placeholders.md). Reported at `held_out`, or at its closest
    existing parent.

    ## Why
    Fine-tuning fails in two quiet ways: the model learns the noise of its
    training data, and it loses general capability (catastrophic forgetting) in
    ways that surface only when users push it somewhere unexpected. Only a
    held-out set, never trained on, that covers the target task and adjacent
    behaviors shows either before production does.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
      evaluation:
        held_out:
          size: 600
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    ```
    """
    if not applies(plan):
        return
    if not plan.is_blank("fine_tuning", "evaluation", "held_out"):
        return
    approach = plan.approach
    state = absence(plan, "fine_tuning", "evaluation", "held_out")
    yield Violation(
        f"approach is `{approach}` but `fine_tuning.evaluation.held_out` {state}: "
        "nothing will show what the fine-tuned model learned or forgot",
        "Add `fine_tuning.evaluation.held_out` with `size`, `path`, "
        "`covers: [target_task, adjacent_behaviors]` and `disjoint_from_training: true`.",
        path=("fine_tuning", "evaluation", "held_out"),
    )


@rule("FT002", "held-out-misses-adjacent-behaviors", Severity.WARNING)
def held_out_misses_adjacent_behaviors(plan, options):
    """The held-out set does not cover both the target task and adjacent behaviors.

    Fires when `fine_tuning.evaluation.held_out` exists and its `covers` lacks
    `target_task` or `adjacent_behaviors` (a missing `covers` lacks both).
    Reported at `covers`, or at `held_out` when it has no `covers`.

    ## Why
    Fine-tuning can degrade general capability in ways that only surface when
    users push the system somewhere unexpected: catastrophic forgetting. A
    held-out set that only exercises the trained task shows the gain and hides
    the loss. It must also cover the behaviors next to the task (refusals,
    follow-up questions, other languages, free-text replies) that the model
    must keep doing well.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
      evaluation:
        held_out:
          size: 600
          covers: [target_task]
          disjoint_from_training: true
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
      evaluation:
        held_out:
          size: 600
          covers: [target_task, adjacent_behaviors, general_capability]
          disjoint_from_training: true
    ```
    """
    if not applies(plan) or plan.mapping("fine_tuning", "evaluation", "held_out") is None:
        return
    covers = plan.get("fine_tuning", "evaluation", "held_out", "covers")
    if covers is None:
        yield Violation(
            "`fine_tuning.evaluation.held_out` does not say what it `covers`: nothing shows it exercises "
            "both the target task and adjacent behaviors",
            "State what the held-out set exercises: "
            "`fine_tuning.evaluation.held_out.covers: [target_task, adjacent_behaviors]`.",
            path=("fine_tuning", "evaluation", "held_out", "covers"),
            at="key",
        )
        return
    if not isinstance(covers, list):
        return  # a wrong type: the schema reports it
    missing = [item for item in REQUIRED_COVERAGE if item not in covers]
    if not missing:
        return
    consequence = ("loss of adjacent behaviors (catastrophic forgetting) will go unseen"
                   if "adjacent_behaviors" in missing else "the gain on the trained task itself is not measured")
    yield Violation(
        f"`fine_tuning.evaluation.held_out.covers` is {code(covers)}, without {quoted_listing(missing, 'or')}: "
        f"{consequence}",
        f"Add held-out examples for {quoted_listing(missing)} and list them: "
        f"`covers: {show(list(dict.fromkeys([*(item for item in covers if isinstance(item, str)), *missing])))}`.",
        path=("fine_tuning", "evaluation", "held_out", "covers"),
    )


@rule("FT003", "small-dataset", Severity.WARNING,
      options=[Option("min_examples", int, 500, "Fewest training examples accepted.", minimum=1)])
def small_dataset(plan, options):
    """The fine-tuning dataset has fewer examples than the minimum.

    Fires when `fine_tuning.dataset.examples` is below the `min_examples`
    option (500 by default). Reported at `examples`. A plan that does not
    state the number of examples is not checked.

    ## Why
    Fine-tuning earns its place with a large body of high-quality examples of
    a well-defined task. With a few hundred examples the model tends to copy
    their quirks rather than learn the pattern, and the same examples used as
    few-shot demonstrations in a prompt usually get most of the benefit at a
    fraction of the cost.

    ## Bad
    ```yaml
    aiplan: 1
    name: Contract clause tagger
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 120
        path: data/clauses/train.jsonl
        quality_review: legal ops reviewed every example
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Contract clause tagger
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 2400
        path: data/clauses/train.jsonl
        quality_review: legal ops reviewed every example
    ```
    """
    if not applies(plan):
        return
    examples = plan.number("fine_tuning", "dataset", "examples")
    minimum = options["min_examples"]
    if examples is None or examples >= minimum:
        return
    yield Violation(
        f"`fine_tuning.dataset.examples` is {show(examples)}; at least {minimum} are needed "
        f"(option `min_examples`) for the model to learn the task's pattern rather than the quirks of a few examples",
        f"Collect and review more examples until `fine_tuning.dataset.examples` is at least {minimum}; "
        "with only a handful, use them as few-shot examples in the prompt instead of fine-tuning.",
        path=("fine_tuning", "dataset", "examples"),
    )


@rule("FT004", "no-data-quality-review", Severity.WARNING)
def no_data_quality_review(plan, options):
    """Nothing says how the training examples were checked.

    Fires when `fine_tuning.dataset.quality_review` is absent, empty,
    `false` or a placeholder that says no review is planned (`none`, `no`,
    `TBD`, `n/a`; see docs/placeholders.md). Reported at `quality_review`, or
    at its closest existing parent.

    ## Why
    Models fine-tuned on low-quality or inconsistent data learn the noise: a
    wrong label, an outdated answer or two formats for the same output become
    behavior. A review step (who checks the examples, how disagreements are
    resolved) is the cheapest protection the training run gets.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
        source: exported support replies, 2023-2025
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
        source: exported support replies, 2023-2025
        quality_review: two reviewers per example, disagreements dropped
    ```
    """
    if not applies(plan):
        return
    review = plan.get("fine_tuning", "dataset", "quality_review")
    if review is not False and not plan.is_blank("fine_tuning", "dataset", "quality_review"):
        return
    state = absence(plan, "fine_tuning", "dataset", "quality_review")
    yield Violation(
        f"`fine_tuning.dataset.quality_review` {state}: nothing checks the training examples, and the model "
        "will learn their mistakes",
        "Review the examples before training and say how: "
        "`fine_tuning.dataset.quality_review: two reviewers per example, disagreements dropped`.",
        path=("fine_tuning", "dataset", "quality_review"),
    )


@rule("FT005", "small-held-out", Severity.WARNING,
      options=[
          Option("min_size", int, 100, "Fewest held-out examples accepted.", minimum=1),
          Option("min_fraction", float, 0.05,
                 "Smallest held-out size as a fraction of `dataset.examples`.", minimum=0, maximum=1),
      ])
def small_held_out(plan, options):
    """The held-out set is too small to show a regression.

    Fires when `fine_tuning.evaluation.held_out.size` is below the `min_size`
    option (100 by default), or below `min_fraction` (0.05 by default) of
    `fine_tuning.dataset.examples`. Reported at `size`. A held-out set without
    a stated `size` is not checked.

    ## Why
    A held-out set has to be large enough for a change in quality to stand out
    from noise, across both the target task and the adjacent behaviors it must
    cover. A few dozen examples cannot show a drop of a few points, which is
    exactly what catastrophic forgetting looks like at first.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
      evaluation:
        held_out:
          size: 40
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
      evaluation:
        held_out:
          size: 600
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    ```
    """
    if not applies(plan):
        return
    size = plan.number("fine_tuning", "evaluation", "held_out", "size")
    if size is None:
        return
    min_size, min_fraction = options["min_size"], options["min_fraction"]
    examples = plan.number("fine_tuning", "dataset", "examples")
    by_fraction = math.ceil(min_fraction * examples) if examples is not None and examples > 0 else 0
    reasons = []
    if size < min_size:
        reasons.append(f"fewer than {min_size} (option `min_size`)")
    if size < by_fraction:
        reasons.append(f"less than {min_fraction * 100:g}% of the {show(examples)} training examples "
                       f"({by_fraction}, option `min_fraction`)")
    if not reasons:
        return
    needed = max(min_size, by_fraction)
    yield Violation(
        f"`fine_tuning.evaluation.held_out.size` is {show(size)}: {' and '.join(reasons)}; too few to show "
        "a regression",
        f"Hold out at least {needed} examples, covering the target task and adjacent behaviors, and set "
        f"`fine_tuning.evaluation.held_out.size: {needed}` or more.",
        path=("fine_tuning", "evaluation", "held_out", "size"),
    )


def _same_file(first: str, second: str) -> bool:
    """Whether two plan-relative paths name the same file (`./a/b` and `a//b` do)."""
    def norm(path: str) -> str:
        return posixpath.normpath(path.strip().replace("\\", "/"))

    return norm(first) == norm(second)


@rule("FT006", "held-out-leak", Severity.ERROR)
def held_out_leak(plan, options):
    """The held-out set overlaps the training data.

    Fires when `fine_tuning.evaluation.held_out.disjoint_from_training` is
    `false` (reported there), or when `held_out.path` names the same file as
    `fine_tuning.dataset.path` (reported at `held_out.path`).

    ## Why
    A held-out set is only evidence if the model never saw it. Examples shared
    with the training data measure memorisation: the scores look excellent,
    and the model's real behavior on new inputs, including lost general
    capability, stays unmeasured until production.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
        path: data/ft/tickets.jsonl
      evaluation:
        held_out:
          size: 600
          path: data/ft/tickets.jsonl
          covers: [target_task, adjacent_behaviors]
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 4200
        path: data/ft/train.jsonl
      evaluation:
        held_out:
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
    ```
    """
    if not applies(plan) or plan.mapping("fine_tuning", "evaluation", "held_out") is None:
        return
    if plan.boolean("fine_tuning", "evaluation", "held_out", "disjoint_from_training") is False:
        yield Violation(
            "`fine_tuning.evaluation.held_out.disjoint_from_training` is `false`: the held-out examples overlap "
            "the training data, so the evaluation measures memorisation",
            "Remove every held-out example (and near-duplicates) from the training set, then set "
            "`disjoint_from_training: true`.",
            path=("fine_tuning", "evaluation", "held_out", "disjoint_from_training"),
        )
    held_out = plan.text("fine_tuning", "evaluation", "held_out", "path")
    training = plan.text("fine_tuning", "dataset", "path")
    if held_out is not None and training is not None and _same_file(held_out, training):
        yield Violation(
            f"`fine_tuning.evaluation.held_out.path` is {code(held_out)}, the same file as "
            "`fine_tuning.dataset.path`: the model is evaluated on its own training data",
            "Split the examples into two files and point `held_out.path` at the held-out one, e.g. "
            "`dataset.path: data/ft/train.jsonl` and `held_out.path: data/ft/held_out.jsonl`.",
            path=("fine_tuning", "evaluation", "held_out", "path"),
        )


@rule("FT007", "undefined-task", Severity.WARNING)
def undefined_task(plan, options):
    """The narrow task the model is fine-tuned for is not described.

    Fires when `fine_tuning.task.description` is absent, empty or a
    placeholder (`TODO`, `TBD`, `<fill in>`; see docs/placeholders.md).
    Reported at the description, or at its closest existing parent.

    ## Why
    Fine-tuning wins on a well-defined task with consistent structure:
    extraction, classification, a fixed output format. If the plan cannot
    state the task in a sentence, the dataset will not be consistent either,
    and there is no way to decide which examples belong in it or what the
    held-out set must test.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      dataset:
        examples: 4200
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
        output_format: schemas/ticket.json
      dataset:
        examples: 4200
    ```
    """
    if not applies(plan) or not plan.is_blank("fine_tuning", "task", "description"):
        return
    state = absence(plan, "fine_tuning", "task", "description")
    yield Violation(
        f"`fine_tuning.task.description` {state}: the narrow task the model is trained for is undefined",
        "Describe the task in one sentence, with its output format if it has one: "
        "`fine_tuning.task: {description: classify each ticket into one of 14 queues, output_format: schemas/queue.json}`.",
        path=("fine_tuning", "task", "description"),
        at="key",
    )


@rule("FT008", "distillation-without-target", Severity.INFO)
def distillation_without_target(plan, options):
    """Fine-tuning for latency or cost has no latency or cost target.

    Fires when `fine_tuning.purpose` is `latency` and `targets.latency_p95_ms`
    is absent, or `purpose` is `cost` and `targets.cost_per_1k_requests_usd` is
    absent. Reported at the closest existing parent of the missing target.

    ## Why
    Fine-tuning a smaller model to perform like a larger one on a narrow task
    is a strong case, but its whole benefit is a number: lower latency or lower
    cost per request. Without a target, nobody can say whether the distilled
    model is fast or cheap enough to be worth training and maintaining.

    ## Bad
    ```yaml
    aiplan: 1
    name: Intent router
    approach: fine_tuning
    fine_tuning:
      purpose: latency
      base_model: claude-haiku
      task:
        description: route each customer message to one of 40 intents
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Intent router
    targets:
      latency_p95_ms: 300
    approach: fine_tuning
    fine_tuning:
      purpose: latency
      base_model: claude-haiku
      task:
        description: route each customer message to one of 40 intents
    ```
    """
    if not applies(plan):
        return
    purpose = plan.string("fine_tuning", "purpose")
    if purpose not in DISTILLATION_TARGETS:
        return
    key, snippet, goal = DISTILLATION_TARGETS[purpose]
    if plan.get("targets", key) is not None:
        return
    yield Violation(
        f"`fine_tuning.purpose` is {code(purpose)} but `targets.{key}` is not set: nothing says what {goal} the "
        "fine-tuned model must reach",
        f"State the {goal} the smaller model must reach, measured on the current model first: {snippet}.",
        path=("targets", key),
        at="key",
    )
