"""FT: fine-tuning learns whatever it is given.

A fine-tuned model learns the noise of low-quality data as faithfully as the
pattern, and can lose general capability in ways only a held-out set that also
covers adjacent behaviors shows. These rules apply when `approach` is
`fine_tuning` or `hybrid` and the plan has a `fine_tuning` section.
"""

from __future__ import annotations

import posixpath

from aiplan.core.findings import Severity, Violation
from aiplan.core.globs import is_glob
from aiplan.core.paths import normalise_plan_path
from aiplan.core.rule import Option, rule
from aiplan.rules.evidence import overlap_unmeasured
from aiplan.rules.metrics import (REQUIRED_COVERAGE, Leak, comparisons, data_kind, held_out_leads_into_training, inside,
                                  is_folder, leak, needed_size, percent_points, resolvable_difference, resolved_file,
                                  training_links_to_held_out)
from aiplan.core.notation import flow, show, yaml_string
from aiplan.rules.wording import absence, approach_shown, code, completed_list, quoted_listing

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
        examples: 4200
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 600
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
          path: data/ft/held_out.jsonl
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
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
    if not applies(plan):
        return
    if not plan.is_blank("fine_tuning", "evaluation", "held_out"):
        return
    state = absence(plan, "fine_tuning", "evaluation", "held_out")
    yield Violation(
        f"approach is {approach_shown(plan)} but `fine_tuning.evaluation.held_out` {state}: "
        "nothing will show what the fine-tuned model learned or forgot",
        "Hold out examples the model never trains on: under `fine_tuning.evaluation`, set "
        "`held_out: {size: 500, path: data/ft/held_out.jsonl, covers: [target_task, adjacent_behaviors], "
        "disjoint_from_training: true}` (with the real size and path).",
        path=("fine_tuning", "evaluation", "held_out"),
    )


@rule("FT002", "held-out-misses-adjacent-behaviors", Severity.WARNING)
def held_out_misses_adjacent_behaviors(plan, options):
    """The held-out set does not cover both the target task and adjacent behaviors.

    Fires when `fine_tuning.evaluation.held_out` exists and its `covers` lacks
    `target_task` or `adjacent_behaviors` (a missing `covers` lacks both, and
    so does a placeholder, `covers: TBD`, reported here instead of PLAN002).
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
        examples: 4200
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 600
          covers: [target_task, adjacent_behaviors, general_capability]
          disjoint_from_training: true
          path: data/ft/held_out.jsonl
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
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
    if not applies(plan) or not plan.mapping("fine_tuning", "evaluation", "held_out"):
        return  # absent or empty: FT001
    covers = plan.get("fine_tuning", "evaluation", "held_out", "covers")
    placeholder = plan.placeholder("fine_tuning", "evaluation", "held_out", "covers")
    if covers is None or placeholder is not None:
        said = (f"`fine_tuning.evaluation.held_out.covers` is {code(placeholder)}, a placeholder" if placeholder
                else "`fine_tuning.evaluation.held_out` does not say what it `covers`")
        yield Violation(
            f"{said}: nothing shows it exercises "
            "both the target task and adjacent behaviors",
            "State what the held-out set exercises: under `fine_tuning.evaluation.held_out`, set "
            "`covers: [target_task, adjacent_behaviors]`.",
            path=("fine_tuning", "evaluation", "held_out", "covers"),
            at="section",
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
        f"`fine_tuning.evaluation.held_out.covers` is `{flow(covers)}`, without {quoted_listing(missing, 'or')}: "
        f"{consequence}",
        f"Add held-out examples for {quoted_listing(missing)} and list them: under "
        "`fine_tuning.evaluation.held_out`, set "
        f"`covers: {completed_list(covers, missing)}`.",
        path=("fine_tuning", "evaluation", "held_out", "covers"),
    )


@rule("FT003", "small-dataset", Severity.WARNING,
      options=[Option("min_examples", int, 500, "Fewest training examples accepted.", minimum=1)])
def small_dataset(plan, options):
    """The fine-tuning dataset has fewer examples than the minimum.

    Fires when `fine_tuning.dataset.examples` is below the `min_examples`
    option (500 by default), reported at `examples`; and when the plan does
    not state it at all: no `examples` key or no `dataset` (reported at the
    closest existing parent), a placeholder `dataset: TBD`, or a placeholder
    where the count belongs (`examples: TBD`, reported at it, instead of
    PLAN002). Another value that is not a count (`many`) is PLAN002's finding.

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
        examples: 2400
        path: data/clauses/train.jsonl
        quality_review: legal ops reviewed every example
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
    if not applies(plan):
        return
    examples = plan.number("fine_tuning", "dataset", "examples")
    minimum = options["min_examples"]
    if not plan.has("fine_tuning", "dataset", "examples") or plan.placeholder("fine_tuning", "dataset", "examples"):
        yield Violation(
            f"`fine_tuning.dataset.examples` {absence(plan, 'fine_tuning', 'dataset', 'examples')}: the plan does "
            f"not say how many training examples it has, so nothing shows there are enough (at least {minimum}, "
            "option `min_examples`) for the model to learn the task's pattern",
            f"Count the reviewed training examples and state it: under `fine_tuning.dataset`, set "
            f"`examples: {max(minimum, 2400)}` (the real count).",
            path=("fine_tuning", "dataset", "examples"),
        )
        return
    if examples is None or examples >= minimum:
        return  # not a count: PLAN002 reports it
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
        examples: 4200
        source: exported support replies, 2023-2025
        quality_review: two reviewers per example, disagreements dropped
        path: data/ft/train.jsonl
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
    if not applies(plan):
        return
    review = plan.get("fine_tuning", "dataset", "quality_review")
    if review is not False and not plan.is_blank("fine_tuning", "dataset", "quality_review"):
        return
    state = absence(plan, "fine_tuning", "dataset", "quality_review")
    yield Violation(
        f"`fine_tuning.dataset.quality_review` {state}: nothing checks the training examples, and the model "
        "will learn their mistakes",
        "Review the examples before training and say how: under `fine_tuning.dataset`, set "
        "`quality_review: two reviewers per example, disagreements dropped`.",
        path=("fine_tuning", "dataset", "quality_review"),
    )


@rule("FT005", "small-held-out", Severity.WARNING,
      options=[
          Option("min_size", int, 100,
                 "Fewest held-out examples accepted, whatever the target's change needs: the set must also show a "
                 "regression in the adjacent behaviors it covers.",
                 minimum=1),
          Option("alpha", float, 0.05, "Two-sided significance level of the sample-size test.",
                 minimum=0.0001, maximum=0.5),
          Option("power", float, 0.8, "Probability the held-out set shows a real change of the planned size.",
                 minimum=0.5, maximum=0.9999),
      ])
def small_held_out(plan, options):
    """The held-out set is too small to show the change the plan is after.

    Where the plan gives the numbers (a rate metric in [0, 1] with a baseline
    value in `baseline.prompt_engineering.results` and a `target` in
    `evaluation.metrics`, not yet met), fires when
    `fine_tuning.evaluation.held_out.size` is below the size a one-sample test
    of a proportion needs to tell the target p1 from the baseline p0, at
    two-sided `alpha` (0.05) and `power` (0.8):
    n >= ((z(1-alpha/2) sqrt(p0(1-p0)) + z(power) sqrt(p1(1-p1))) / (p1-p0))^2,
    for the metric needing most. Whether or not the plan gives those numbers,
    also fires when `size` is below the absolute minimum `min_size` (100): a
    set large enough to show a big jump in the target metric (20 examples for
    0.69 to 0.98) is split across the target task and the adjacent behaviors,
    and too small to show the few points' drop that forgetting looks like.
    The message gives the size, the size needed and the smallest difference
    the set can resolve. A held-out set is
    never too small because it is a small share of a large training set: only
    its own size decides what it can show. Reported at `size`; a held-out set
    without a stated `size` is not checked. Metric names match as in BASE005.

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
        results:
          - metric: schema_valid_rate
            value: 0.88
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      dataset:
        examples: 40000
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 400
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
          path: data/ft/held_out.jsonl
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
    evaluation:
      metrics:
        - name: schema-valid-rate
          target: 0.95
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not applies(plan):
        return
    size = plan.number("fine_tuning", "evaluation", "held_out", "size")
    if size is None:
        return
    where = ("fine_tuning", "evaluation", "held_out", "size")
    alpha, power = options["alpha"], options["power"]
    sized = sorted(((needed_size(item.baseline.value, item.target.target, alpha, power), item)
                    for item in comparisons(plan) if item.is_rate and not item.met),
                   key=lambda pair: -pair[0])
    if sized and size < sized[0][0]:
        needed, binding = sized[0]
        floor = max(needed, options["min_size"])  # the hint's size must also clear the floor below
        p0, p1 = binding.baseline.value, binding.target.target
        resolvable = resolvable_difference(int(size), p0, p1, alpha, power)
        can = (f"the smallest change from {show(p0)} it can resolve is {percent_points(resolvable)}"
               if resolvable is not None else f"no change from {show(p0)} in that direction can be shown with so few")
        yield Violation(
            f"`fine_tuning.evaluation.held_out.size` is {show(size)}, but telling {code(binding.target.name)} at its "
            f"target {show(p1)} from the baseline's {show(p0)} takes at least {needed} examples "
            f"(alpha {show(alpha)}, power {show(power)}; {binding.target.direction}); {can}",
            f"Hold out at least {floor} examples, covering the target task and adjacent behaviors, and set "
            f"`size: {floor}` under `fine_tuning.evaluation.held_out`"
            + (f"; or, if the set cannot grow, expect to see only changes of {percent_points(resolvable)} "
               "or more and set the target accordingly." if resolvable is not None else "."),
            path=where,
        )
        return
    min_size = options["min_size"]
    if size >= min_size:
        return
    if sized:  # enough for the target's change, not for a regression beside it
        needed, binding = sized[0]
        yield Violation(
            f"`fine_tuning.evaluation.held_out.size` is {show(size)}, fewer than {min_size} (option `min_size`): "
            f"enough to tell {code(binding.target.name)} at {show(binding.target.target)} from the baseline's "
            f"{show(binding.baseline.value)} (that takes {needed}), but too few, split across the target task and "
            "the adjacent behaviors, to show a regression of a few points",
            f"Hold out at least {min_size} examples, covering the target task and adjacent behaviors, and set "
            f"`size: {min_size}` under `fine_tuning.evaluation.held_out`.",
            path=where,
        )
        return
    yield Violation(
        f"`fine_tuning.evaluation.held_out.size` is {show(size)}, fewer than {min_size} (option `min_size`): "
        "too few to show a regression, and the plan gives no baseline value and target on a rate metric "
        "to size the set by",
        f"Hold out at least {min_size} examples, covering the target task and adjacent behaviors, and set "
        f"`size: {min_size}` under `fine_tuning.evaluation.held_out`; or record the baseline's value and the target of the metric the "
        "held-out set measures, so its size can be judged against the change it must show.",
        path=where,
    )


def _held_out_beside(held_out: str, training: str) -> str:
    """A held-out path beside the training data that does not overlap it."""
    train = normalise_plan_path(training)
    held = normalise_plan_path(held_out)
    # A folder has no extension, dot or not: `data/ft.v2/` (splitext sees the empty last part),
    # or a held-out path with the training data inside it.
    held_extension = "" if inside(train, held) else posixpath.splitext(held)[1]
    extension = held_extension or posixpath.splitext(train)[1] or ".jsonl"
    root = train
    while is_glob(root) or (root and not is_folder(root)):
        root = posixpath.dirname(root)  # `data/*/` -> `data/*` -> `data`
    root = root.rstrip("/")
    if is_glob(train) or is_folder(train):
        return posixpath.join(posixpath.dirname(root), "held_out" + extension)  # beside the training folder
    return posixpath.join(posixpath.dirname(train), "held_out" + extension)  # beside the training file


def _narrowed_training(training: str, held_out: str) -> str:
    """The training path confined to a folder of its own, which leaves the held-out path out:
    a glob keeps its pattern (`**/*.jsonl` -> `data/train/**/*.jsonl`), a folder becomes one
    (`data/..`, the plan's own folder -> `data/train/`)."""
    train = normalise_plan_path(training)
    if not is_glob(train):
        return next((folder for folder in ("data/train/", "data/fine_tuning/train/")
                     if leak(held_out, folder) is None), "data/train/")
    for folder in ("data/train", "data/fine_tuning/train"):
        narrowed = posixpath.join(folder, train.lstrip("/"))
        if leak(held_out, narrowed) is None:
            return narrowed
    return posixpath.join("data/train", "*" + (posixpath.splitext(train)[1] or ".jsonl"))


def _as_seen(path: str) -> str:
    """A plan path quoted as written, with what it names when its spelling hides it
    (`data/..`, the plan's own folder; `./data/../data/ft`, that is `data/ft`)."""
    normal = normalise_plan_path(path)
    if normal.rstrip("/") == ".":
        return f"{code(path)}, the plan's own folder,"
    if normal.rstrip("/") != path.rstrip("/").removeprefix("./"):
        return f"{code(path)}, that is {code(normal)},"
    return code(path)


@rule("FT006", "held-out-leak", Severity.ERROR)
def held_out_leak(plan, options):
    """The held-out set overlaps the training data.

    Fires when `fine_tuning.evaluation.held_out.disjoint_from_training` is
    `false` (reported there), or when `held_out.path` and
    `fine_tuning.dataset.path` overlap (reported at `held_out.path`): they name
    the same file or folder (also written differently, through `./`, `..`, doubled
    slashes, a trailing `/` or a YAML alias), the held-out file lies inside the training
    data's folder, the training path is a glob that matches the held-out
    file (`data/ft/*.jsonl`), the held-out path is a glob that matches the
    training file or every file the training glob matches (`data/ft/t*.jsonl`
    and `data/ft/train*.jsonl`; two globs that could merely share a file are
    left to the data, EVID002), or the held-out path is a folder that holds
    the training file (`data/ft.v2` holding `data/ft.v2/train.jsonl`: a path
    with another inside it is a folder, dot or not) or files the training glob
    matches (`data/` holding `data/ft/*.jsonl`). A glob of wildcards alone (`*`,
    `**/*`) is a path, not placeholder text; `data/..` is the plan's own folder,
    and the message says so. With the evidence checks on, two paths that lead
    to one file once links and `..` are resolved (a link to the training file,
    `../repo/data/t.jsonl`) are the same file too (or folder), a held-out
    path that leads to a file of the training folder or glob is inside it (a
    held-out folder that leads to a folder of training files too), and so is a
    held-out file that a file of the training folder or glob links to.
    URLs and other URIs are compared as written.

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
        path: data/ft/*.jsonl
      evaluation:
        held_out:
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
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
        examples: 4200
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 600
          path: data/ft/held_out.jsonl
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
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
    if not applies(plan) or plan.mapping("fine_tuning", "evaluation", "held_out") is None:
        return
    if plan.boolean("fine_tuning", "evaluation", "held_out", "disjoint_from_training") is False:
        yield Violation(
            "`fine_tuning.evaluation.held_out.disjoint_from_training` is `false`: the held-out examples overlap "
            "the training data, so the evaluation measures memorisation",
            "Remove every held-out example (and near-duplicates) from the training set; then, under "
            "`fine_tuning.evaluation.held_out`, set `disjoint_from_training: true`.",
            path=("fine_tuning", "evaluation", "held_out", "disjoint_from_training"),
        )
    held_out = plan.file_path("fine_tuning", "evaluation", "held_out", "path")
    training = plan.file_path("fine_tuning", "dataset", "path")
    if held_out is None or training is None:
        return
    overlap = leak(held_out, training)
    if overlap is None:
        # Two spellings the paths alone do not reconcile (a link, `..` through the plan's own
        # folder) that lead to one file: the same file all the same.
        resolved = resolved_file(plan, held_out, training)
        part = held_out_leads_into_training(plan, held_out, training) if resolved is None else None
        if part is not None:  # a file of the training folder or glob, spelled apart from it
            kind = "folder" if data_kind(training) == "folder" else "glob"
            # A held-out folder leads to one whose data files are training files (shown ending in `/`).
            what = ("a folder inside the training data's folder" if kind == "folder" else
                    "a folder whose files the training data's glob matches") if part.endswith("/") \
                else f"a file of the training data's {kind}"
            overlap = Leak("inside_folder" if kind == "folder" else "matched_by_glob",
                           f"leads to {code(part)}, {what}, through a link or `..`")
        elif resolved is None:
            # The reverse: a file of the training folder or glob is a link to the held-out file.
            linker = training_links_to_held_out(plan, held_out, training)
            if linker is None:
                return
            kind = "folder" if data_kind(training) == "folder" else "glob"
            yield Violation(
                f"`fine_tuning.evaluation.held_out.path` is {_as_seen(held_out).rstrip(',')}, which the training "
                f"data's {kind} {'holds' if kind == 'folder' else 'matches'} through {code(linker)}, a link to it "
                f"(`fine_tuning.dataset.path` is {_as_seen(training).rstrip(',')}): the model is evaluated on its "
                "own training data",
                f"Remove the link {code(linker)} from the training data, so that the held-out examples are not "
                "trained on.",
                path=("fine_tuning", "evaluation", "held_out", "path"),
            )
            return
        else:
            # The reader shows a folder with its trailing `/`: one folder is no "same file".
            thing = "folder" if resolved.endswith("/") else "file"
            named = "" if resolved.rstrip("/") == normalise_plan_path(training).rstrip("/") else f" {code(resolved)},"
            overlap = Leak(f"same_{thing}", f"leads to{named} the same {thing} as the training data, through a link or `..`")
    beside = _held_out_beside(held_out, training)  # the training data keeps its path: the plan names it
    # `_held_out_beside` always names a file with an extension: keep it. A held-out folder that
    # took in training data is left too (`data/` holding `data/ft/`: not `data/held_out.jsonl`),
    # unless it is the plan's own folder, which every path is in.
    held = normalise_plan_path(held_out).rstrip("/")
    left = held if overlap.held_out_is_folder and held not in (".", "..") else None
    extension = posixpath.splitext(beside)[1]
    candidates = (beside, "evals/held_out" + extension, "held_out" + extension)
    # Never the held-out path itself: spelled apart from the training path, a link can still lead to it.
    held_path = next((path for path in candidates if path != held and leak(path, training) is None
                      and (left is None or not inside(path, left))), candidates[1])
    narrowed = None
    if leak(held_path, training) is not None:
        narrowed = _narrowed_training(training, held_out)
    # Narrowed, the training path is a glob or a folder (a file never takes every held-out path in).
    kind = "glob" if data_kind(training) == "glob" else "folder"
    takes = "matches" if kind == "glob" else "holds"
    if narrowed is not None and leak(held_out, narrowed) is not None:
        # The held-out folder takes in any folder of its own the training data could move to
        # (`held_out.path: data/` with the plan's folder as training data): move both.
        narrowed = _narrowed_training(training, held_path)
        fix = (f"The training {kind} {_as_seen(training)} {takes} any held-out path, and the held-out folder "
               f"{_as_seen(held_out)} holds any training folder: move both sets. Under `fine_tuning.dataset`, set "
               f"`path: {yaml_string(narrowed)}`; under `fine_tuning.evaluation.held_out`, set "
               f"`path: {held_path}`.")
    elif narrowed is not None:
        # The training path takes in every place the held-out file could move to (`**/*.jsonl`): narrow it instead.
        fix = (f"The training {kind} {_as_seen(training)} {takes} any held-out path: keep the training examples in "
               f"their own folder and, under `fine_tuning.dataset`, set `path: {yaml_string(narrowed)}`.")
    elif overlap.how == "same_file":
        fix = (f"Split the held-out examples out of the training file: move them to `{held_path}` and, under "
               f"`fine_tuning.evaluation.held_out`, set `path: {held_path}`.")
    else:
        fix = (f"Keep the held-out examples outside the training data: move them to `{held_path}` and, under "
               f"`fine_tuning.evaluation.held_out`, set `path: {held_path}`.")
    yield Violation(
        f"`fine_tuning.evaluation.held_out.path` is {_as_seen(held_out).rstrip(',')}, which {overlap.words} "
        f"(`fine_tuning.dataset.path` is {_as_seen(training).rstrip(',')}): the model is evaluated on its own training data",
        fix,
        path=("fine_tuning", "evaluation", "held_out", "path"),
    )


@rule("FT009", "unstated-disjointness", Severity.WARNING)
def unstated_disjointness(plan, options):
    """The held-out set does not say it is disjoint from the training data.

    Fires when `fine_tuning.evaluation.held_out` exists and
    `disjoint_from_training` is not stated (absent, or a placeholder), unless
    the evidence checks measured the overlap instead: `held_out.path` and
    `fine_tuning.dataset.path` name local files that were read and compared
    in full, within the `max-evidence-bytes` budget (EVID002 reports any
    overlap they find). Files that are absent, remote, outside the
    repository, unreadable or only partly read measure nothing, and
    neither does a run with the evidence checks off or EVID002 not enabled
    (`--ignore EVID`: then no data is read); the message says which.
    Reported at `held_out`, or at a placeholder answer
    (`disjoint_from_training: TBD`, reported here instead of PLAN002).

    ## Why
    Disjointness that is neither stated nor measured is not disjointness.
    Held-out sets are often cut from the same export as the training data, and
    one shared example per hundred inflates the score by more than most
    regressions a held-out set exists to catch. Saying `disjoint_from_training:
    true` records that someone removed the overlap (and near-duplicates)
    before training.

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
          covers: [target_task, adjacent_behaviors]
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
        examples: 4200
        path: data/ft/train.jsonl
        quality_review: two reviewers per example, disagreements dropped
      evaluation:
        held_out:
          size: 600
          covers: [target_task, adjacent_behaviors]
          disjoint_from_training: true
          path: data/ft/held_out.jsonl
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
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
    if not applies(plan) or plan.mapping("fine_tuning", "evaluation", "held_out") is None:
        return
    if plan.is_blank("fine_tuning", "evaluation", "held_out"):
        return  # an empty held-out set is FT001's finding
    if not plan.is_blank("fine_tuning", "evaluation", "held_out", "disjoint_from_training"):
        return  # stated (`false` is FT006's finding), or a value of the wrong type the schema reports
    unmeasured = overlap_unmeasured(plan)
    if unmeasured is None:
        return  # the evidence checks compared the files: EVID002 reports any overlap
    state = absence(plan, "fine_tuning", "evaluation", "held_out", "disjoint_from_training")
    placeholder = plan.placeholder("fine_tuning", "evaluation", "held_out", "disjoint_from_training") is not None
    yield Violation(
        f"`fine_tuning.evaluation.held_out.disjoint_from_training` {state}: nothing says the held-out "
        f"examples were kept out of the training data, and nothing measured it ({unmeasured})",
        "Remove every held-out example (and near-duplicates) from the training data; then record it: under "
        "`fine_tuning.evaluation.held_out`, set `disjoint_from_training: true`.",
        # A placeholder answer (`disjoint_from_training: TBD`) is shown where it is written.
        path=("fine_tuning", "evaluation", "held_out")
        + (("disjoint_from_training",) if placeholder else ()),
        at="value" if placeholder else "section",
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
      base_model: claude-haiku
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
        output_format: schemas/ticket.json
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
    if not applies(plan) or not plan.is_blank("fine_tuning", "task", "description"):
        return
    state = absence(plan, "fine_tuning", "task", "description")
    if plan.mapping("fine_tuning", "task") is None:
        fix = ("Describe the task in one sentence, with its output format if it has one: under `fine_tuning`, set "
               "`task: {description: classify each ticket into one of 14 queues, output_format: schemas/queue.json}`.")
    elif plan.is_blank("fine_tuning", "task", "output_format"):
        fix = ("Describe the task in one sentence, with its output format if it has one: under `fine_tuning.task`, "
               "set `description: classify each ticket into one of 14 queues` and `output_format: schemas/queue.json`.")
    else:  # the output format the plan names stays
        fix = ("Describe the task in one sentence: under `fine_tuning.task`, set "
               "`description: classify each ticket into one of 14 queues`.")
    yield Violation(
        f"`fine_tuning.task.description` {state}: the narrow task the model is trained for is undefined",
        fix,
        path=("fine_tuning", "task", "description"),
        at="section",
    )


@rule("FT008", "distillation-without-target", Severity.INFO)
def distillation_without_target(plan, options):
    """Fine-tuning for latency or cost has no latency or cost target.

    Fires when `fine_tuning.purpose` is `latency` and `targets.latency_p95_ms`
    is absent, or `purpose` is `cost` and `targets.cost_per_1k_requests_usd` is
    absent. Reported at `fine_tuning.purpose`, the line that makes the
    target necessary.

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
      purpose: latency
      base_model: claude-haiku
      task:
        description: route each customer message to one of 40 intents
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
        path=("fine_tuning", "purpose"),
    )


@rule("FT010", "unnamed-base-model", Severity.WARNING)
def unnamed_base_model(plan, options):
    """The plan fine-tunes without saying which model it starts from.

    Fires when the approach includes fine-tuning and `fine_tuning.base_model`
    is absent, empty or a placeholder (`TBD`, as `aiplan init` writes it; see
    docs/placeholders.md). Reported at `base_model`, or at `fine_tuning` when
    the key is absent.

    ## Why
    The base model decides what fine-tuning can buy: a small model distilled
    to match a larger one on a narrow task (the latency and cost case) is a
    different project from tuning a large model's format. Its size sets the
    latency, the serving cost, the dataset it needs and the general
    capability the held-out set must protect; without it neither the budget
    nor the evaluation can be reviewed.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
      base_model: TBD
      task:
        description: turn an agent's draft into a reply in the ticket JSON schema
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
        output_format: schemas/ticket.json
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
    if not applies(plan) or plan.text("fine_tuning", "base_model") is not None:
        return
    yield Violation(
        f"`fine_tuning.base_model` {absence(plan, 'fine_tuning', 'base_model')}: the model to fine-tune is not named, "
        "so its latency, cost and the data it needs cannot be reviewed",
        "Name the model to fine-tune, e.g. `base_model: claude-haiku` under `fine_tuning`.",
        path=("fine_tuning", "base_model"),
    )
