"""EVAL: measure before and after.

Whatever the approach, the plan says how success is measured: metrics with
targets, evaluation sets that exist, a cadence.
"""

from __future__ import annotations

import re

from aiplan.core.findings import Severity, Violation
from aiplan.core.rule import Option, rule
from aiplan.rules.metrics import (accuracy_metric_without_target, comparisons, eval_sets, measurements, metric_key,
                                  name_says_lower_is_better, needed_size, percent_points, proposed_metric,
                                  proposed_target, resolvable_difference, same_set, targets)
from aiplan.core.notation import show
from aiplan.rules.wording import absence, approach_shown, code, dotted

# `s3://bucket/key`, `https://...`, `hf://datasets/...`: not files next to the plan.
# Compiled on first use (re's cache), for a path with "://" in it: most plans name none.
_URI = r"^[A-Za-z][A-Za-z0-9+.-]*://"


def path_keys(plan) -> list[tuple]:
    """The YAML path of every key where the plan names a data file, in document order of the format."""
    candidates: list[tuple] = []
    for index, _ in plan.entries("baseline", "prompt_engineering", "results"):
        candidates.append(("baseline", "prompt_engineering", "results", index, "eval_set"))
    candidates.append(("rag", "retrieval", "evaluation", "eval_set"))
    candidates.append(("fine_tuning", "dataset", "path"))
    candidates.append(("fine_tuning", "evaluation", "held_out", "path"))
    for index, _ in plan.entries("evaluation", "eval_sets"):
        candidates.append(("evaluation", "eval_sets", index, "path"))
    return candidates


def referenced_paths(plan) -> list[tuple[tuple, str]]:
    """Every ``(yaml_path, path)`` the plan names as a file, in document order of the format."""
    found = []
    for yaml_path in path_keys(plan):
        value = plan.file_path(*yaml_path)
        if value is not None and not ("://" in value and re.match(_URI, value)):
            found.append((yaml_path, value))
    return found


@rule("EVAL001", "no-evaluation-plan", Severity.WARNING)
def no_evaluation_plan(plan, options):
    """RAG or fine-tuning is planned without answer-level evaluation metrics.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid` and `evaluation`
    is absent or has no `metrics`. Reported at the closest existing key of
    `evaluation.metrics`. Quiet when the accuracy gap is present: ACC001
    reports the same missing metrics, with the eval set and cadence that gap
    needs. The hint proposes the metric the baseline measured, with
    `higher_is_better: false` when its name reads lower-is-better.

    ## Why
    Start with prompt engineering, measure the gap, then decide whether RAG,
    fine-tuning or both close it in a way worth the complexity. The last step
    needs a measurement after the change as much as the baseline needed one
    before it. Without metrics the plan cannot show that the added system
    helped, nor notice when a later change makes it worse.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    baseline:
      prompt_engineering:
        status: done
        results:
          - metric: answer_accuracy
            value: 0.71
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
        results:
          - metric: answer_accuracy
            value: 0.71
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
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
      cadence: per_release
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
    ```
    """
    if not plan.beyond_prompting:
        return
    if plan.gap_present("accuracy") is True:
        return  # ACC001 reports the missing metrics (and the rest the accuracy gap needs): one finding
    if not plan.is_blank("evaluation", "metrics"):
        return  # metrics, or a wrong type that is not a placeholder: the schema reports it
    if plan.mapping("evaluation") is None:
        state = ("the plan has no `evaluation` section" if not plan.has("evaluation")
                 else f"`evaluation` {absence(plan, 'evaluation')}")
    elif plan.has("evaluation", "metrics"):
        state = f"`evaluation.metrics` {absence(plan, 'evaluation', 'metrics')}"
    else:
        state = "`evaluation` has no `metrics`"
    metrics = f"`metrics: [{proposed_metric(plan)}]`"
    yield Violation(
        f"approach is {approach_shown(plan)} but {state}: nothing will show whether it closes the gap",
        ("Add the answer-level metric it must reach, on the baseline's yardstick: under `evaluation`, set "
         f"{metrics}" if plan.mapping("evaluation") is not None else
         "Add the answer-level metric it must reach, on the baseline's yardstick: under `evaluation` (a new "
         f"top-level section), set {metrics} and `cadence: per_release`")
        + " (set the `target` to the level production needs).",
        path=("evaluation", "metrics"),
        at="section",
    )


@rule("EVAL002", "metric-without-target", Severity.WARNING, finding_superseded_by=("ACC001",))
def metric_without_target(plan, options):
    """An evaluation metric has no target.

    Fires for each entry of `evaluation.metrics` without a `target`, at that
    entry, and for each whose `target` is a placeholder (`target: TBD`), at
    the placeholder (instead of PLAN002).

    ## Why
    A metric without a target measures but decides nothing: nobody can say
    whether 0.82 is good enough to ship, whether the prompt baseline already
    met the bar, or whether a regression matters. The target is the level
    production needs, agreed before the numbers come in.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    approach: prompt_engineering
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
        - name: escalation_precision
      cadence: per_release
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
    approach: prompt_engineering
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
        - name: escalation_precision
          target: 0.95
      cadence: per_release
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
    ```
    """
    # The accuracy metric whose missing target leaves an accuracy gap unmeasured is ACC001's error.
    accuracy_metric = accuracy_metric_without_target(plan)
    for index, _ in plan.entries("evaluation", "metrics"):
        if plan.get("evaluation", "metrics", index, "target") is not None \
                and plan.placeholder("evaluation", "metrics", index, "target") is None:
            continue
        name = plan.text("evaluation", "metrics", index, "name")
        label = f"`{dotted('evaluation', 'metrics', index)}`" + (f" ({code(name)})" if name else "")
        stated = plan.boolean("evaluation", "metrics", index, "higher_is_better")
        inferred = stated is None and name is not None and name_says_lower_is_better(name)
        entry = f"`{dotted('evaluation', 'metrics', index)}`"
        yield Violation(
            (f"{label} has no `target`" if not plan.has("evaluation", "metrics", index, "target") else
             f"`{dotted('evaluation', 'metrics', index, 'target')}` "
             f"{absence(plan, 'evaluation', 'metrics', index, 'target')}") + ": nothing says what value is good enough",
            f"Set `{dotted('evaluation', 'metrics', index, 'target')}` to the value production needs"
            + (" (the metric is lower-is-better: the highest acceptable value)." if stated is False else
               " (the metric is higher-is-better: the lowest acceptable value): under "
               f"{entry}, {_target_beyond(plan, name)}" if stated is True else
               f" (its name reads lower-is-better: the highest acceptable value); under "
               f"{entry}, state `higher_is_better: false` to make that explicit." if inferred else
               f": under {entry}, {_target_beyond(plan, name, unsure=True)}"),
            path=("evaluation", "metrics", index, "target"),
            superseded_by=("ACC001",) if accuracy_metric is not None and accuracy_metric[0] == index else (),
        )


def _target_beyond(plan, name: str | None, unsure: bool = False) -> str:
    """EVAL002's proposed target for a higher-is-better metric (``unsure``: the plan does
    not say which way it goes): 0.9, unless the prompt baseline measured this metric
    at 0.9 or more, or on another scale than 0 to 1; then beyond what it measured (a
    target the baseline already meets decides nothing)."""
    measured = next((item.value for item in measurements(plan) if name is not None and item.key == metric_key(name)),
                    None)
    if measured is None or 0 <= measured < 0.9:
        return "set `target: 0.9`" + (", with `higher_is_better: false` for latency, cost or error rates."
                                       if unsure else ".")
    if measured == 1:  # already perfect: there is no number beyond it to propose
        proposal = f"set the `target` production needs (the prompt baseline already measured {show(measured)})"
    else:
        proposal = (f"set `target: {proposed_target(measured, True)}`, above the {show(measured)} the prompt "
                    "baseline measured")
    return proposal + (" (for latency, cost or error rates, a target below it, with `higher_is_better: false`)."
                       if unsure else ".")


@rule("EVAL003", "missing-referenced-file", Severity.WARNING,
      options=[Option("check_paths", bool, True,
                      "Check that referenced files exist; `false` turns the rule off for data kept elsewhere.")])
def missing_referenced_file(plan, options):
    """A file the plan names does not exist.

    Fires for each of `baseline.prompt_engineering.results[].eval_set`,
    `rag.retrieval.evaluation.eval_set`, `fine_tuning.dataset.path`,
    `fine_tuning.evaluation.held_out.path` and `evaluation.eval_sets[].path`
    that does not exist relative to the plan's directory, at that value; a
    glob (`data/train/*.jsonl`) exists when it matches a file. A placeholder
    (`path: TBD`, `none`; see docs/placeholders.md) or an empty string names
    no file and is reported too, at that value (an empty
    `evaluation.eval_sets[].path` is PLAN002's: the schema requires text). A dangling link
    is reported here, naming its target (EVID005 does not repeat it).
    URLs (`s3://...`, `https://...`) are not checked. A plan read from
    standard input is checked against the folder of the path
    `--stdin-filename` gives it (as if saved there), else the working
    directory; one linted from a string, with no directory at all, is not
    checked. Set the option
    `check_paths` to `false` when the data lives outside the repository.

    ## Why
    An evaluation set that is only a name in a plan has not been built yet,
    or was renamed, or lives on one person's laptop. The plan then claims
    measurements it cannot reproduce. Keeping evaluation and held-out sets
    next to the plan, versioned with it, makes every number in it checkable.

    ## Bad
    ```yaml
    # evals/support-v1.jsonl exists next to this plan
    aiplan: 1
    name: Support copilot
    approach: prompt_engineering
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/suport-v1.jsonl
          size: 800
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
    if not options["check_paths"]:
        return
    yield from _unnamed_files(plan)
    for yaml_path, value in referenced_paths(plan):
        exists = plan.path_exists(value)
        if exists is None:
            return  # the plan has no directory (linted from a string): nothing to check against
        if exists:
            continue
        # A dangling link exists as a name only: said so, with its target (the reader locates data names).
        target = plan.evidence.locate(value).link_target if plan.evidence is not None else ""
        if target:
            yield Violation(
                f"`{dotted(*yaml_path)}` names {code(value)}, a link to {code(target)}, which does not exist",
                f"Restore {code(target)} (relative to the link's folder), point the link at the data file, "
                "or name the data file itself.",
                path=yaml_path,
            )
            continue
        yield Violation(
            f"`{dotted(*yaml_path)}` names {code(value)}, which does not exist relative to the plan's directory",
            "Add the file to the repository, or correct the path (it is relative to the plan file); "
            # Options live in TOML whatever the plan's notation: the snippet is TOML, never YAML or JSON.
            "if the data deliberately lives elsewhere, set `check_paths = false` in the configuration's "
            "`[tool.aiplan.rules.EVAL003]` table (`[rules.EVAL003]` in `.aiplan.toml`).",
            path=yaml_path,
        )


def _unnamed_files(plan):
    """EVAL003's findings for path keys that hold a placeholder or nothing: no file is named, so none
    can exist (placeholders are not content; the evidence rules read no data for them either)."""
    for yaml_path in path_keys(plan):
        value = plan.get(*yaml_path)
        if not isinstance(value, str) or plan.file_path(*yaml_path) is not None:
            continue  # a file named (checked below), or not text: the schema reports another type
        if not value.strip() and yaml_path[:2] == ("evaluation", "eval_sets"):
            continue  # the schema requires a non-empty path there: PLAN002 reports it
        yield Violation(
            f"`{dotted(*yaml_path)}` {absence(plan, *yaml_path)}: it names no file, so the data it stands for "
            "cannot be found, read or checked",
            f"Name the file, relative to the plan's directory: set `{yaml_path[-1]}: "
            f"{_EXAMPLE_PATH.get(yaml_path[:2] + yaml_path[-1:], 'evals/cases.jsonl')}` (the real path), "
            "and add the file to the repository.",
            path=yaml_path,
        )


# The path a fix hint shows for each kind of data file, keyed by the path key's first two keys and its last.
_EXAMPLE_PATH = {("fine_tuning", "dataset", "path"): "data/ft/train.jsonl",
                 ("fine_tuning", "evaluation", "path"): "data/ft/held_out.jsonl",
                 ("rag", "retrieval", "eval_set"): "evals/retrieval.jsonl"}


@rule("EVAL004", "underpowered-evaluation", Severity.WARNING,
      options=[Option("alpha", float, 0.05, "Two-sided significance level of the sample-size test.",
                      minimum=0.0001, maximum=0.5),
               Option("power", float, 0.8, "Probability the evaluation set shows a real change of the planned size.",
                      minimum=0.5, maximum=0.9999)])
def underpowered_evaluation(plan, options):
    """An evaluation set is too small to tell the baseline from the target.

    For each rate metric (baseline value p0 and target p1 both in [0, 1]) that
    the baseline measured (`baseline.prompt_engineering.results`) and has not
    yet met (`evaluation.metrics[].target`), fires when the evaluation set of n
    items is smaller than a one-sample test of a proportion needs at two-sided
    `alpha` (0.05) and `power` (0.8):
    n >= ((z(1-alpha/2) sqrt(p0(1-p0)) + z(power) sqrt(p1(1-p1))) / (p1-p0))^2
    (z 1.96 and 0.84 at the defaults). The set is the `evaluation.eval_sets`
    entry the baseline names as its `eval_set`, or, when the baseline names
    none, the largest listed set with a `size`. One finding per set, for the
    metric needing the most items, at its `size`: the message gives n, the
    size needed and the smallest difference from p0 the set can resolve, and
    names the other metrics the set is too small for.
    Metric names match as in BASE005; lower-is-better as in BASE004.

    ## Why
    The plan's claim is a change: from the baseline's number to the target.
    On too few cases that change is inside the noise: the new system can look
    better or worse by chance, and a real regression of a few points goes
    unseen. Size the set for the difference it must show before the numbers
    come in.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    baseline:
      prompt_engineering:
        status: done
        results:
          - metric: answer_accuracy
            value: 0.85
    approach: rag
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.9
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 120
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
        results:
          - metric: answer_accuracy
            value: 0.85
        model: claude-sonnet
        techniques: [system_prompt, few_shot, structured_output]
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
          size: 400
      cadence: per_release
    ```
    """
    alpha, power = options["alpha"], options["power"]
    listed = [entry for entry in eval_sets(plan) if entry.size is not None]
    if not listed:
        return
    short: dict[int, list[tuple[int, object]]] = {}
    for item in comparisons(plan):
        if not item.is_rate or item.met:
            continue
        if item.baseline.eval_set is not None:
            chosen = [entry for entry in listed if same_set(item.baseline.eval_set, entry.path)]
            if not chosen:
                continue  # measured elsewhere: BASE005 says so
            entry = chosen[0]
        else:
            entry = max(listed, key=lambda candidate: candidate.size)
        needed = needed_size(item.baseline.value, item.target.target, alpha, power)
        if needed is None or entry.size >= needed:
            continue
        short.setdefault(entry.index, []).append((needed, item))
    for index in sorted(short):
        ranked = sorted(short[index], key=lambda pair: -pair[0])
        needed, item = ranked[0]
        others = "".join(f"; {code(other.target.name)} needs {count}" for count, other in ranked[1:])
        entry = next(candidate for candidate in listed if candidate.index == index)
        p0, p1 = item.baseline.value, item.target.target
        resolvable = resolvable_difference(entry.size, p0, p1, alpha, power)
        can = (f"the smallest change from {show(p0)} it can resolve is {percent_points(resolvable)}, against the "
               f"{percent_points(abs(p1 - p0))} the plan is after" if resolvable is not None
               else f"no change from {show(p0)} in that direction can be shown with so few")
        yield Violation(
            f"`{dotted('evaluation', 'eval_sets', index)}` ({code(entry.path)}) has {entry.size} items, but telling "
            f"{code(item.target.name)} at its target {show(p1)} from the baseline's {show(p0)} takes at least "
            f"{needed} (alpha {show(alpha)}, power {show(power)}; {item.target.direction}); {can}{others}",
            f"Grow the set to at least {needed} cases like the ones production sees and, under "
            f"`{dotted('evaluation', 'eval_sets', index)}`, set `size: {needed}`; "
            "or, if it cannot grow, aim at a target the set can resolve.",
            path=("evaluation", "eval_sets", index, "size"),
        )


def _measured_on_a_set(plan) -> bool:
    """The plan names cases its answer metrics are measured on (EVAL005): an
    evaluation set, or a set the baseline was measured on."""
    if eval_sets(plan):
        return True
    return any(plan.text("baseline", "prompt_engineering", "results", index, "eval_set") is not None
               for index, _ in plan.entries("baseline", "prompt_engineering", "results"))


@rule("EVAL005", "metrics-without-eval-set", Severity.WARNING)
def metrics_without_eval_set(plan, options):
    """Answer metrics have targets, but no set of cases to measure them on.

    Fires when `approach` is `rag` or `hybrid`, an `evaluation.metrics` entry
    has a numeric `target`, and the plan names no evaluation set anywhere: no
    `evaluation.eval_sets` entry with a `path` and no `eval_set` in the
    baseline's `results`. A hybrid's held-out set does not count: it measures
    the fine-tuned model alone, not the answers retrieval grounds. Plain
    fine-tuning is not reported: its held-out set is where its metrics are
    read, and FT001 asks for it when it is missing. Quiet when the accuracy
    gap is present: ACC001 asks for the eval set then. Reported at the
    closest existing key of `evaluation.eval_sets`.

    Why a rule of its own rather than part of EVAL001: EVAL001 asks for
    metrics; this plan has them, and what it lacks is the other half of the
    evaluation infrastructure the format defines (metrics with targets,
    evaluation sets, a cadence), which ACC001 checks only for an accuracy gap.

    ## Why
    Start with prompt engineering, measure the gap, then decide. A target is
    only a yardstick if it is read on fixed cases: the same set before the
    change (the baseline) and after it. Without a named set, every
    measurement is on whatever questions were at hand that day, and a gain, or
    a regression, cannot be told from a change of questions.

    ## Bad
    ```yaml
    aiplan: 1
    name: Support copilot
    approach: rag
    evaluation:
      metrics:
        - name: answer_accuracy
          target: 0.85
      cadence: per_release
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
          target: 0.85
      eval_sets:
        - path: evals/support-v1.jsonl
          size: 800
      cadence: per_release
    ```
    """
    if not plan.includes_rag or plan.gap_present("accuracy") is True:
        return
    with_targets = targets(plan)
    if not with_targets or _measured_on_a_set(plan):
        return
    shown = ", ".join(f"{code(target.name)} {show(target.target)}" for target in with_targets[:3])
    held_out = " and a hybrid's held-out set measures the fine-tuned model alone" if (
        plan.approach == "hybrid" and not plan.is_blank("fine_tuning", "evaluation", "held_out")) else ""
    yield Violation(
        f"`evaluation.metrics` sets targets ({shown}) but the plan names no set of cases to measure them on "
        f"(no `evaluation.eval_sets`, no `eval_set` in the baseline's results{held_out}): before and after "
        "cannot be compared on the same cases",
        "Fix the cases the targets are read on: under `evaluation`, set "
        "`eval_sets: [{path: evals/answers.jsonl, size: 500}]`; and measure the baseline on the same set "
        "(its results' `eval_set`).",
        path=("evaluation", "eval_sets"),
        at="section",
    )
