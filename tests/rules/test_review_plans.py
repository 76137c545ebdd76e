"""Plans written from the framework by a reviewer who did not read the rules
(tests/fixtures/plans/review): long, with prose, anchors and aliases, several
documents, JSON. Each plan's verdict was written before linting it; the
linter must agree exactly: these rules on these documents, and nothing else.

Half are plans a careful reviewer approves (hybrids, latency and cost
distillation, lexical and live-API retrieval, lower-is-better metrics left
implicit, large held-out sets that are a small share of huge training sets);
half carry one of the framework's classic mistakes.
"""

import dataclasses
import pathlib

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_file
from aiplan.plugins.manager import load_rule_set

PLANS = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "review"

# file -> sorted (document, rule, severity)
VERDICTS = {
    # clean: lexical retrieval needs no embedding model; the index is rebuilt on every publish;
    # `answer-accuracy` in the baseline is the evaluation's `answer_accuracy`; the owner is
    # `support-platform@example.com`, an owner and not a placeholder
    "kb-lexical-search.aiplan.yaml": [],
    # clean: retrieval through live APIs has nothing to chunk, embed or index, nothing goes stale
    "live-order-status.aiplan.json": [],
    # clean: latency (EU) and cost (US) distillation with no gap at all; 2,000 held out of 400,000
    # is plenty; `p95_latency_ms` reads lower-is-better, so 2,100 ms does not meet 300
    "distilled-triage.aiplan.yaml": [],
    # clean: tenant-scoped hybrid; the csv source has a table strategy; `hallucination_rate` 0.09
    # does not meet 0.02 (lower is better, unstated)
    "hybrid-claims-intake.aiplan.yaml": [],
    # clean: prompt engineering met its targets and the team stopped there
    "faq-prompt-only.aiplan.json": [],
    # clean: `Extraction F1` is `extraction_f1`; the guard-rail already at 0 is no reason to stop
    # while F1 is far off; 1,500 held out of 250,000
    "contract-clauses.aiplan.yaml": [],
    # clean: the fine-tuning half of the hybrid exists for cost; xlsx source with a table strategy
    "hybrid-cost-distill.aiplan.yaml": [],
    # fine-tuning the price book in (A), and the fine-tuning half of a hybrid taught facts (B)
    "pricing-knowledge-ft.aiplan.yaml": [(0, "FIT001", "error"), (1, "FIT001", "error")],
    # retrieval of exemplary replies to fix a tone gap: one finding, FIT002; a tone-exemplar
    # index is not asked for citations (RAG008 defers to FIT002)
    "tone-retrieval.aiplan.json": [(0, "FIT002", "error")],
    # only accuracy is wrong; the facts are in the context already
    "grounding-for-hallucinations.aiplan.yaml": [(0, "FIT008", "error")],
    # "done" with `results: []`, evidence `TBD`, `cleaning: n/a` for a high-boilerplate source
    "baseline-on-paper.aiplan.yaml": [(0, "BASE002", "error"), (0, "BASE006", "warning"), (0, "GAP002", "warning"),
                                      (0, "RAG004", "warning")],
    # v1: the held-out file sits in the folder the training glob reads; v2: fixed, and the glob
    # that matches the shards is not a missing file (EVAL003)
    "heldout-in-train-folder.aiplan.yaml": [(0, "FT006", "error")],
    # `held_out: {}` is no held-out set
    "empty-heldout.aiplan.yaml": [(0, "FT001", "error")],
    # csv holds tables whatever `contains_tables` says; four tenants scoped by role only;
    # retrieval effort stated, data-pipeline effort not
    "reseller-price-lists.aiplan.yaml": [(0, "RAG003", "warning"), (0, "RAG005", "warning"),
                                         (0, "RAG012", "error")],
    # 120 letters cannot show 0.80 -> 0.86 (322 needed). Disjointness is unstated; both files are
    # here, but with the evidence checks off (as in this test) nothing measured the overlap: FT009.
    # With them on (the default) EVID002 measures it and FT009 is quiet (fixtures/rules/FT009/pass-measured-here).
    "warranty-ft-small-eval.aiplan.yaml": [(0, "EVAL004", "warning"), (0, "FT009", "warning")],
    # `resolution_rate` vs `ticket_resolution_rate` (did you mean); the hardware baseline ran on
    # last year's set; a daily source indexed weekly; a source with no update frequency
    # one mistake, one finding: `present: yes`/`no` for the three gaps (doc 1) are three PLAN002
    # and no "no gap stated"; a misspelled `evidnce` and `held_out` directly under `fine_tuning`
    # (doc 2) are one PLAN002 each, not also "no evidence" (GAP002) and "no held-out set" (FT001)
    "schema-slips.aiplan.yaml": [(0, "PLAN002", "error")] * 3 + [(1, "PLAN002", "error")] * 2,
    "metric-drift.aiplan.yaml": [(0, "BASE005", "warning"), (1, "BASE005", "warning"),
                                 (1, "RAG006", "warning"), (1, "RAG011", "info")],
}


@pytest.fixture(scope="module")
def context():
    # The data files beside the plans are one-record stand-ins: these verdicts judge the plans'
    # reasoning, so the EVID rules (which read the files) stay off.
    return dataclasses.replace(build_context(load_rule_set(entry_points=False).rules, LintConfig()), evidence=False)


def test_every_review_plan_has_a_verdict():
    assert sorted(path.name for path in PLANS.glob("*.aiplan.*")) == sorted(VERDICTS)


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_linter_agrees_with_the_reviewer(name, context):
    result = lint_file(str(PLANS / name), name, context)
    assert not result.errors, result.errors
    got = sorted((finding.document, finding.rule, finding.severity.value) for finding in result.findings)
    assert got == sorted(VERDICTS[name]), [(finding.rule, finding.line, finding.message) for finding in result.findings]
