"""BASE: prompt engineering before either RAG or fine-tuning."""

from __future__ import annotations

from aiplan.lint.findings import Severity, Violation
from aiplan.lint.rule import rule

BEYOND_PROMPTING = ("rag", "fine_tuning", "hybrid")


@rule("BASE001", "missing-prompt-baseline", Severity.ERROR)
def missing_prompt_baseline(plan, options):
    """The plan chooses RAG or fine-tuning without a finished prompt-engineering baseline.

    Fires when `approach` is `rag`, `fine_tuning` or `hybrid` and
    `baseline.prompt_engineering` is absent or its `status` is not `done`.

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
    approach: rag
    baseline:
      prompt_engineering:
        status: in_progress
    ```

    ## Good
    ```yaml
    aiplan: 1
    name: Support copilot
    approach: rag
    baseline:
      prompt_engineering:
        status: done
        techniques: [system_prompt, few_shot, structured_output]
        results:
          - metric: answer_accuracy
            value: 0.71
    ```
    """
    approach = plan.approach
    if approach not in BEYOND_PROMPTING:
        return
    baseline = plan.get("baseline", "prompt_engineering")
    if baseline is None:
        yield Violation(
            f"approach is `{approach}` but the plan has no `baseline.prompt_engineering`: "
            "prompt engineering was not tried first",
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
            f"approach is `{approach}` but `baseline.prompt_engineering` has no `status`",
            "Finish the prompt-engineering baseline and set `baseline.prompt_engineering.status: done`.",
            path=("baseline", "prompt_engineering", "status"),
        )
        return
    yield Violation(
        f"approach is `{approach}` but the prompt-engineering baseline is `{status}`, not `done`",
        "Finish the prompt-engineering baseline and record its results before committing to "
        f"`{approach}`; then set `status: done`.",
        path=("baseline", "prompt_engineering", "status"),
    )
