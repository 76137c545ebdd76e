"""FT: fine-tuning learns whatever it is given."""

from __future__ import annotations

from aiplan.lint.findings import Severity, Violation
from aiplan.lint.rule import rule

FINE_TUNING_APPROACHES = ("fine_tuning", "hybrid")


def applies(plan) -> bool:
    """FT rules apply when the approach includes fine-tuning and the section exists."""
    return plan.approach in FINE_TUNING_APPROACHES and plan.mapping("fine_tuning") is not None


@rule("FT001", "fine-tuning-without-held-out", Severity.ERROR)
def fine_tuning_without_held_out(plan, options):
    """Fine-tuning is planned without a held-out evaluation set.

    Fires when the approach is `fine_tuning` or `hybrid`, a `fine_tuning`
    section exists, and `fine_tuning.evaluation.held_out` is absent.

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
    if plan.has("fine_tuning", "evaluation", "held_out"):
        return
    approach = plan.approach
    yield Violation(
        f"approach is `{approach}` but `fine_tuning.evaluation.held_out` is missing: "
        "nothing will show what the fine-tuned model learned or forgot",
        "Add `fine_tuning.evaluation.held_out` with `size`, `path`, "
        "`covers: [target_task, adjacent_behaviors]` and `disjoint_from_training: true`.",
        path=("fine_tuning", "evaluation", "held_out"),
    )
