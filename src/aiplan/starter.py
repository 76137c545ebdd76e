"""``aiplan init``: a commented starter plan for each approach.

The ``prompt_engineering`` starter (the default) states no gap and lints clean.
The ``rag``, ``fine_tuning`` and ``hybrid`` starters hold every section their
approach needs, with ``TBD`` where only the team knows the facts (the evidence
of a gap, the baseline's results, the evaluation set's size, the data pipeline's
and the retriever's weeks and the embedding model, the fine-tuning task, its number
of examples, training file, review and held-out set; the pipeline's owner is a
comment, since no rule asks for it): a starter asserts no fact a reviewer
must check, so linting the untouched starter reports
exactly what is left to fill in, one framework step at a time.

Every starter opens with the ``yaml-language-server`` modeline, so editors with
the YAML language server complete and validate it against the plan schema,
and passes yamllint's default configuration.
"""

from __future__ import annotations

from aiplan import REPOSITORY
from aiplan.fileio import atomic_write

APPROACHES = ("prompt_engineering", "rag", "fine_tuning", "hybrid")

# Where editors fetch the plan schema from (docs/editors.md: or a local copy
# written by `aiplan schema`, to match the installed version exactly).
SCHEMA_URL = REPOSITORY.replace("https://github.com/", "https://raw.githubusercontent.com/") + \
    "/main/src/aiplan/schemas/plan.schema.json"

_HEADER = f"""\
# yamllint disable-line rule:line-length
# yaml-language-server: $schema={SCHEMA_URL}
#
# AI project plan: records how this initiative chooses between prompt
# engineering, retrieval (RAG), fine-tuning or both. Check it with
# `aiplan lint`; every field is described in docs/plan-reference.md,
# every rule by `aiplan explain RULE`.
---
aiplan: 1
name: My AI initiative  # what the system does, in a few words
owner: team@example.com  # the accountable team, person or address
status: draft  # {{status}}
summary: >
  The problem in a paragraph: who struggles with what today.

use_case:
  users: [support agents]
  data_sensitivity: internal  # {{sensitivity}}
"""

_GAPS_INTRO = """
# 1. Name the gap first. For each, say whether the base model has it and,
#    where it does, the `evidence`: what you observed that shows it.
gaps:
"""

_NO_GAP = {
    "knowledge": "  knowledge:\n    present: false  # it lacks facts it needs (your documents)\n",
    "behavior": "  behavior:\n    present: false  # it knows, but answers in the wrong way or format\n",
    "accuracy": "  accuracy:\n    present: false  # it makes errors you cannot accept\n",
}

_GAP = {
    "knowledge": """\
  knowledge:
    present: true  # it lacks facts it needs: your documents
    # What it got wrong without your documents, measured, for example
    # "answered 41 of 100 policy questions wrongly".
    evidence: TBD
""",
    "behavior": """\
  behavior:
    present: true  # it knows, but answers in the wrong way or format
    # What it did wrong, measured, for example
    # "31 of 100 replies broke the ticket JSON schema".
    evidence: TBD
""",
}

_BASELINE_NOT_STARTED = """
# 2. Measure a rigorous prompt-engineering baseline before anything else.
baseline:
  prompt_engineering:
    status: not_started  # {baseline_status}
    techniques: [system_prompt, few_shot, structured_output]
    # results:
    #   - metric: answer_accuracy
    #     value: 0.71
    #     eval_set: evals/answers.jsonl
"""

_BASELINE_TO_FINISH = """
# 2. Measure a rigorous prompt-engineering baseline before anything else:
#    the approach below is justified only where the baseline falls short.
#    When it is measured, set `status: done` and record its results on the
#    metric the evaluation tracks (section 4).
baseline:
  prompt_engineering:
    status: in_progress  # {baseline_status}
    model: TBD  # the model the prompts ran on
    techniques: [system_prompt, few_shot, structured_output]
    # results:
    #   - metric: answer_accuracy
    #     value: 0.71  # measured, below the target in section 4
    #     eval_set: evals/answers.jsonl
"""

_APPROACH = {
    "prompt_engineering": """
# 3. Only then choose: prompt_engineering, rag (knowledge gap),
#    fine_tuning (behavior gap) or hybrid (both).
approach: prompt_engineering
""",
    "rag": """
# 3. A knowledge gap: retrieval brings your documents to the model.
approach: rag
""",
    "fine_tuning": """
# 3. A behavior gap: fine-tuning teaches the model how to respond.
approach: fine_tuning
""",
    "hybrid": """
# 3. Both gaps: retrieval for the knowledge, fine-tuning for the behavior.
approach: hybrid
""",
}

_RAG = """
# Retrieval. The data pipeline decides retrieval quality: plan at least as
# much effort for it as for the retriever. Who runs it, the weeks planned and
# the embedding model are your team's facts: each TBD below is reported
# until it is replaced by what you have decided.
rag:
  corpus:
    sources:
      - name: policy library  # one entry per document collection
        format: html
        # one of: {update_frequency}
        update_frequency: weekly
        contains_tables: false
        boilerplate: low  # {boilerplate}
        sensitivity: internal
  data_pipeline:
    # owner: the team that keeps the index fresh, e.g. data-eng
    effort_weeks: TBD  # weeks planned: at least as many as for retrieval
    cleaning: strip navigation and footers before chunking
    chunking:
      # one of: {chunking}
      strategy: heading_aware
      size_tokens: 512
      overlap_tokens: 64
    embedding:
      model: TBD  # the embedding model, e.g. text-embedding-3-large
    indexing:
      store: pgvector
      refresh: daily  # at least as often as the sources change
  retrieval:
    effort_weeks: TBD  # weeks planned for the retriever
    top_k: 8
    evaluation:
      metrics: [recall_at_k]
      eval_set: evals/retrieval.jsonl
  citations: true  # answers show the documents they come from
"""

_FINE_TUNING = """
# Fine-tuning learns whatever it is given: a narrow task, enough reviewed
# examples, and a held-out set that also covers adjacent behaviors. Only
# your team knows these facts: each TBD below is reported until it is
# replaced by what you have.
fine_tuning:
  # one of: {purpose}; knowledge belongs in RAG
  purpose: behavior
  base_model: TBD  # the model you fine-tune
  task:
    # In a sentence, e.g. "turn a draft reply into the ticket JSON format".
    description: TBD
  dataset:
    examples: TBD  # how many reviewed examples you have: at least 500
    path: TBD  # the training file, e.g. data/ft/train.jsonl
    quality_review: TBD  # how the examples were checked, and by whom
  evaluation:
    # Examples never seen in training, for example:
    #   size: 600  # at least 100
    #   path: data/ft/held_out.jsonl
    #   covers: [target_task, adjacent_behaviors]
    #   disjoint_from_training: true
    held_out: TBD
"""

_EVALUATION = """
# 4. Decide how you will know it works: the metric the baseline measured,
#    its target, the evaluation set and how often it runs.
evaluation:
  metrics:
    - name: answer_accuracy
      target: 0.9
  eval_sets:
    - path: evals/answers.jsonl
      size: TBD  # how many examples it holds: enough to show the change
  cadence: per_release  # {cadence}
"""

_EVALUATION_LIGHT = """
# 4. Decide how you will know it works.
evaluation:
  metrics:
    - name: answer_accuracy
      target: 0.9
  cadence: per_release  # {cadence}
"""


# The keys whose comment lists the values the plan schema allows there ("[]"
# steps into a list's items): read from the schema, so a starter never offers
# a value that `aiplan lint` then refuses (`on_change` is a refresh, not a
# source's update_frequency).
_LISTED = {
    "status": ("status",),
    "sensitivity": ("use_case", "data_sensitivity"),
    "baseline_status": ("baseline", "prompt_engineering", "status"),
    "update_frequency": ("rag", "corpus", "sources", "[]", "update_frequency"),
    "boilerplate": ("rag", "corpus", "sources", "[]", "boilerplate"),
    "chunking": ("rag", "data_pipeline", "chunking", "strategy"),
    "purpose": ("fine_tuning", "purpose"),
    "cadence": ("evaluation", "cadence"),
}


def allowed_values(*keys: str) -> tuple[str, ...]:
    """The values the plan schema's ``enum`` allows at ``keys`` ("[]" for a list's items)."""
    from aiplan.schemas import load, resolve  # start-up: json and the schema only when a starter is written

    root = load()
    node = resolve(root, root)
    for key in keys:
        node = resolve(node["items"] if key == "[]" else node["properties"][key], root)
    return tuple(node["enum"])


def starter_plan(approach: str = "prompt_engineering") -> str:
    """The commented starter plan for ``approach`` (one of :data:`APPROACHES`)."""
    if approach not in APPROACHES:
        raise ValueError(f"unknown approach {approach!r}; expected one of {', '.join(APPROACHES)}")
    present = {"rag": {"knowledge"}, "fine_tuning": {"behavior"},
               "hybrid": {"knowledge", "behavior"}}.get(approach, set())
    parts = [_HEADER, _GAPS_INTRO]
    parts += [_GAP[gap] if gap in present else _NO_GAP[gap] for gap in ("knowledge", "behavior", "accuracy")]
    parts.append(_BASELINE_TO_FINISH if present else _BASELINE_NOT_STARTED)
    parts.append(_APPROACH[approach])
    if approach in ("rag", "hybrid"):
        parts.append(_RAG)
    if approach in ("fine_tuning", "hybrid"):
        parts.append(_FINE_TUNING)
    parts.append(_EVALUATION if present else _EVALUATION_LIGHT)
    listed = {name: ", ".join(allowed_values(*keys)) for name, keys in _LISTED.items()}
    return "".join(parts).format(**listed)


def write_starter(path: str, approach: str = "prompt_engineering") -> None:
    """Write the starter plan; raises ``FileExistsError`` rather than overwrite."""
    atomic_write(path, starter_plan(approach).encode("utf-8"), overwrite=False)
