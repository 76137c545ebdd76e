"""GAP: clarify the problem first.

The choice between RAG and fine-tuning is premature until the plan says which
of the three gaps the base model has: knowledge, behavior, accuracy.
"""

from __future__ import annotations

from aiplan.core.findings import Severity, Violation
from aiplan.core.plan import GAPS
from aiplan.core.rule import rule
from aiplan.rules.wording import absence, approach_shown, code, dotted, listing

_EXAMPLE_EVIDENCE = {
    "knowledge": "12 of 50 sampled questions needed facts the model did not have",
    "behavior": "31 of 100 replies broke the ticket JSON schema",
    "accuracy": "9% of sampled answers contradicted the source documents",
}
# A `gaps` section to paste where the plan states none: each gap stated, one with the evidence to fill in.
_GAPS_SNIPPET = "`gaps: {knowledge: {present: true, evidence: TBD}, behavior: {present: false}, accuracy: {present: false}}`"


def _stated(plan) -> list[str]:
    """The gaps whose `present` says something: `true`/`false`, or a value of the wrong
    type that PLAN002 reports (`present: maybe` is an unknown answer, not no answer)."""
    return [gap for gap in GAPS if plan.gap_present(gap) is not None or not plan.is_blank("gaps", gap, "present")]


@rule("GAP001", "missing-gap-analysis", Severity.ERROR)
def missing_gap_analysis(plan, options):
    """The plan names no gap for its approach to close.

    Fires when `gaps` is absent or states none of the three gaps: no
    `gaps.knowledge`, `gaps.behavior` or `gaps.accuracy` with a
    `present: true` or `present: false` (`gaps: TBD` and `gaps: {}` state
    none), whether an `approach` is chosen or not: a plan that names no gap
    has not started the analysis every choice depends on, and one that
    chooses an approach anyway chooses it by hearsay. Reported at `gaps`, or
    at the top of the plan when it has no `gaps` section; at a placeholder,
    quoting it. A `present` the schema rejects is one PLAN002 finding,
    not a missing gap: `yes`/`no` are read as `true`/`false` (as `--fix` would
    write them), and any other value as an unknown answer.

    ## Why
    "RAG or fine-tuning?" is almost always asked too early. The prior question
    is what the base model gets wrong: it lacks facts (a knowledge gap), it
    knows them but answers in the wrong form or tone (a behavior gap), or it
    makes errors the use case cannot accept (an accuracy gap). Each gap has a
    different remedy, so an approach chosen before the gaps are named is
    chosen by hearsay, and nobody can later tell whether it worked.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket replies
    owner: support-platform@example.com
    summary: Agents spend too long writing ticket replies in the house style.
    approach: prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket replies
    owner: support-platform@example.com
    summary: Agents spend too long writing ticket replies in the house style.
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: Replies ignore the ticket template in 30% of 200 sampled tickets.
      accuracy:
        present: false
    approach: prompt_engineering
    ```
    """
    if _stated(plan):
        return
    # With no approach chosen yet, the gaps are what the plan must name first.
    chosen = f"approach is {approach_shown(plan)} but " if not plan.is_blank("approach") else ""
    closes = ("the approach is meant to close" if chosen else
              "the base model has, so nothing says which approach would close it")
    if not plan.has("gaps"):
        yield Violation(
            f"{chosen}the plan has no `gaps` section: "
            f"it does not say which gap (knowledge, behavior, accuracy) {closes}",
            f"Add `gaps` stating each gap with `present` and, where present, the `evidence`: {_GAPS_SNIPPET}.",
            path=("gaps",),
        )
        return
    written = f"is {code(plan.placeholder('gaps'))}, a placeholder: it " if plan.placeholder("gaps") else ""
    # Gaps written as placeholders (`knowledge: TBD`, `present: TBD`) are quoted, and shown where written.
    placeholders = _placeholders(plan, GAPS)
    quoted = listing(f"`{dotted(*path)}` is {code(plan.placeholder(*path))}" for path in placeholders)
    yield Violation(
        f"{chosen}`gaps` {written}states none of the three gaps "
        "(no `knowledge`, `behavior` or `accuracy` with `present: true` or `present: false`)"
        + (f"; {quoted}, {'a placeholder' if len(placeholders) == 1 else 'placeholders'}" if placeholders else ""),
        f"Replace `gaps` (what it holds states no gap) with one stating each gap with `present` and, where "
        f"present, the `evidence`: {_GAPS_SNIPPET}.",
        path=placeholders[0] if placeholders else ("gaps",),
        at="value" if placeholders else "section",
    )


def _placeholders(plan, gaps) -> list[tuple[str, ...]]:
    """The paths of ``gaps`` written as placeholders, or whose `present` is one."""
    return [path for gap in gaps for path in (("gaps", gap), ("gaps", gap, "present"))
            if plan.placeholder(*path) is not None]


@rule("GAP002", "gap-without-evidence", Severity.WARNING)
def gap_without_evidence(plan, options):
    """A gap is declared present without the evidence that shows it.

    Fires for each of `gaps.knowledge`, `gaps.behavior` and `gaps.accuracy`
    that has `present: true` and no `evidence`: absent, blank or a placeholder
    such as `TBD`, `TODO`, `n/a` or `<fill in>` (see docs/placeholders.md).
    Reported at the `evidence` value when the key is there, or at the gap's
    key (`behavior:`) when it is absent.

    ## Why
    A gap is an observation about the base model, not an assumption. The
    evidence (what was asked, what came back wrong) is what lets reviewers
    check the diagnosis, and it becomes the first test case of the evaluation
    set that later shows whether the chosen approach closed the gap.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket replies
    owner: support-platform@example.com
    summary: Agents spend too long writing ticket replies in the house style.
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
      accuracy:
        present: false
    approach: prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket replies
    owner: support-platform@example.com
    summary: Agents spend too long writing ticket replies in the house style.
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: Replies ignore the ticket template in 30% of 200 sampled tickets.
      accuracy:
        present: false
    approach: prompt_engineering
    ```
    """
    for gap in GAPS:
        if plan.gap_present(gap) is not True or not plan.is_blank("gaps", gap, "evidence"):
            continue
        yield Violation(
            f"`gaps.{gap}.present` is `true` but `gaps.{gap}.evidence` {absence(plan, 'gaps', gap, 'evidence')}: "
            f"nothing shows what the base model got wrong",
            f"Record what was observed: under `gaps.{gap}`, set `evidence: {_EXAMPLE_EVIDENCE[gap]}` "
            "(with this plan's own numbers).",
            # The placeholder is what must change; with no `evidence` key, locate falls back to the gap's key.
            path=("gaps", gap, "evidence"),
        )


@rule("GAP003", "incomplete-gap-analysis", Severity.WARNING, superseded_by=("GAP001",))
def incomplete_gap_analysis(plan, options):
    """The gap analysis leaves one or more of the three gaps unstated.

    Fires when the plan states some of `gaps.knowledge`, `gaps.behavior` and
    `gaps.accuracy` but not all: one or more has no `present: true` or
    `present: false`. A plan that states no gap at all (no `gaps` section,
    `gaps: TBD`, `gaps: {}`) is GAP001's error. One finding names every
    unstated gap; it is reported at `gaps`; when a gap or its
    `present` is a placeholder (`behavior: TBD`, `present: TBD`), it is
    reported at the first such placeholder, and quotes it (instead of
    PLAN002). A gap whose `present` has another value the schema rejects
    (`present: maybe`) is PLAN002's finding, not an unstated gap; `yes`/`no`
    are read as `true`/`false`.

    ## Why
    Most real use cases have more than one gap, and the combination decides the
    architecture: a knowledge gap calls for retrieval, a behavior gap for
    fine-tuning, both for a hybrid, and an accuracy gap for evaluation
    infrastructure whatever else is chosen. A gap left unstated is a gap
    nobody checked, and the plan may be solving half the problem.

    ## Bad
    ```yaml
    aiplan: 1
    name: Ticket replies
    owner: support-platform@example.com
    summary: Agents spend too long writing ticket replies in the house style.
    gaps:
      behavior:
        present: true
        evidence: Replies ignore the ticket template in 30% of 200 sampled tickets.
    approach: prompt_engineering
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Ticket replies
    owner: support-platform@example.com
    summary: Agents spend too long writing ticket replies in the house style.
    gaps:
      knowledge:
        present: false
      behavior:
        present: true
        evidence: Replies ignore the ticket template in 30% of 200 sampled tickets.
      accuracy:
        present: false
    approach: prompt_engineering
    ```
    """
    stated = _stated(plan)
    unstated = [gap for gap in GAPS if gap not in stated]
    if not unstated:
        return
    if plan.mapping("gaps") is None or not stated:
        return  # no gap stated at all: GAP001's
    names = listing(f"`{gap}`" + _placeholder_note(plan, gap) for gap in unstated)
    # A placeholder gap or answer is shown where it is written, as every placeholder is.
    answered = _placeholders(plan, unstated)
    one = len(unstated) == 1
    yield Violation(
        f"`gaps` does not state {names}: "
        f"{'it is' if one else 'they are'} neither `present: true` nor `present: false`",
        f"Check the base model for {'this gap' if one else 'these gaps'} and state "
        f"{'it' if one else 'each'}: {listing(_stating(plan, unstated))}; where "
        f"{'the' if one else 'a'} gap exists, state it present instead, with evidence of what the base model "
        "got wrong.",
        path=answered[0] if answered else ("gaps",),
        at="value" if answered else "section",
    )


def _stating(plan, unstated: list[str]) -> list[str]:
    """Where to write that each of ``unstated`` is absent, so that pasting it adds no second key."""
    answered = [f"under `gaps.{gap}`, set `present: false`" for gap in unstated
                if plan.mapping("gaps", gap) is not None]
    # A gap written as something else (`behavior: TBD`) is replaced, one missing is added: one clause.
    gaps = [f"`{gap}: {{present: false}}`" + (f" (in place of {code(plan.get('gaps', gap))})"
                                               if plan.has("gaps", gap) else "")
            for gap in unstated if plan.mapping("gaps", gap) is None]
    return answered + ([f"under `gaps`, set {listing(gaps)}"] if gaps else [])


def _placeholder_note(plan, gap: str) -> str:
    """`` (it is `TBD`, a placeholder)`` when the gap, or its `present`, is placeholder text."""
    if plan.placeholder("gaps", gap) is not None:
        return f" (it is {code(plan.placeholder('gaps', gap))}, a placeholder)"
    if plan.placeholder("gaps", gap, "present") is not None:
        return f" (its `present` is {code(plan.placeholder('gaps', gap, 'present'))}, a placeholder)"
    return ""
