"""``aiplan init``: a commented starter plan that already passes every rule."""

from __future__ import annotations

from aiplan.fileio import atomic_write

STARTER_PLAN = """\
# AI project plan: records how this initiative chooses between prompt
# engineering, retrieval (RAG), fine-tuning or both. Lint it with `aiplan lint`.
# Every field is documented in `aiplan schema`; rules in `aiplan rules`.
aiplan: 1
name: My AI initiative            # what the system does, in a few words
owner: team@example.com           # accountable team, person or address
status: draft                     # draft, proposed, approved, in_production, retired
summary: >
  The problem in a paragraph: who struggles with what today.

use_case:
  users: [support agents]
  data_sensitivity: internal      # public, internal, confidential, restricted

# 1. Name the gap first. For each, say whether the base model has it and what
#    you observed that shows it (add `evidence:` for every gap that is present).
gaps:
  knowledge:
    present: false                # the model lacks facts it needs (your documents)
  behavior:
    present: false                # it knows, but answers in the wrong way/format
  accuracy:
    present: false                # it makes errors you cannot accept

# 2. Measure a rigorous prompt-engineering baseline before anything else.
baseline:
  prompt_engineering:
    status: not_started           # not_started, in_progress, done
    techniques: [system_prompt, few_shot, structured_output]
    # results:
    #   - metric: answer_accuracy
    #     value: 0.71
    #     eval_set: evals/baseline.jsonl

# 3. Only then choose: prompt_engineering, rag (knowledge gap),
#    fine_tuning (behavior gap) or hybrid (both).
approach: prompt_engineering

# 4. Decide how you will know it works.
evaluation:
  metrics:
    - name: answer_accuracy
      target: 0.9
  cadence: per_release            # per_change, per_release, daily, weekly, monthly
"""


def write_starter(path: str) -> None:
    """Write the starter plan; raises ``FileExistsError`` rather than overwrite."""
    atomic_write(path, STARTER_PLAN.encode("utf-8"), overwrite=False)
