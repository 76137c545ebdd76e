"""Realistic plans, written the way teams write them (long, prose, anchors,
several documents, JSON), each judged the way a reviewer who knows the
framework would: the exact rules every document must produce, and nothing
else, under the default configuration.

Each plan's header comment says what the reviewer sees in it.
"""

import dataclasses
import pathlib

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_file
from aiplan.plugins.manager import load_rule_set

PLANS = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "judgement"

# file -> sorted (document, rule) pairs
VERDICTS = {
    # distillation with no gap at all: a reason in its own right (no FIT004); the prompted
    # large model meeting the quality bar is the premise, not a reason to stop (no BASE004);
    # `p95 latency ms` reads lower-is-better, so 2,100 ms does not "meet" 300
    "distilled-intent-router.aiplan.yaml": [],
    # draft 1 fine-tunes the facts into the hybrid's fine-tuning half; draft 2 fine-tunes the
    # template and retrieves the facts. `Answer Accuracy` is `answer_accuracy` (no BASE005)
    "warranty-desk.aiplan.yaml": [(0, "FIT001")],
    # the knowledge is in the prompt already; only accuracy is wrong
    "benefits-grounding.aiplan.yaml": [(0, "FIT008")],
    # guard-rails met (violation rate 0, latency under budget), primary metric far off: build it
    "refund-resolver.aiplan.yaml": [],
    # JSON: the baseline's `exact_match` is surely the evaluation's `exact_match_rate`
    "invoice-fields.aiplan.json": [(0, "BASE005")],
    # 250 questions cannot show 0.06 -> 0.03 citation errors (413 needed) nor 0.82 -> 0.88 (293)
    "it-helpdesk.aiplan.yaml": [(0, "EVAL004")],
    # DE: 1,500 held out of 180,000 is under 1% and plenty; AT: `held_out: {}` is no held-out set
    "ticket-classifier.aiplan.yaml": [(1, "FT001")],
    # a hybrid whose retrieval half serves a behavior gap
    "brand-voice.aiplan.yaml": [(0, "FIT002")],
}


@pytest.fixture(scope="module")
def context():
    # The plans' data files are one-record stand-ins: these verdicts judge the
    # plans' reasoning, so the EVID rules (which read the files) stay off.
    return dataclasses.replace(build_context(load_rule_set(entry_points=False).rules, LintConfig()), evidence=False)


def test_every_judgement_plan_has_a_verdict():
    assert sorted(path.name for path in PLANS.glob("*.aiplan.*")) == sorted(VERDICTS)


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_linter_agrees_with_the_reviewer(name, context):
    result = lint_file(str(PLANS / name), name, context)
    assert not result.errors, result.errors
    assert sorted((finding.document, finding.rule) for finding in result.findings) == VERDICTS[name], [
        (finding.rule, finding.line, finding.message) for finding in result.findings]


def test_core_mistakes_fail_the_default_gate(context):
    from aiplan.core.findings import Severity

    for name, verdict in VERDICTS.items():
        result = lint_file(str(PLANS / name), name, context)
        core = {"FIT001", "FIT002", "FIT008", "FT001"}
        if core & {rule for _, rule in verdict}:
            assert any(finding.severity is Severity.ERROR for finding in result.findings), name
