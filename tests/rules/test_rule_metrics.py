"""The one yardstick the rules share: metric names, direction, sample sizes."""

import math
import re

import pytest

from aiplan.rules.metrics import (metric_key, metric_kinds, name_says_lower_is_better, needed_size, proposed_target,
                                  resolvable_difference, same_set)
from aiplan.testing import lint_yaml


@pytest.mark.parametrize("first, second", [
    ("answer-accuracy", "answer_accuracy"), ("Answer Accuracy", "answer_accuracy"), ("answerAccuracy", "answer accuracy"),
])
def test_metric_names_compare_normalised(first, second):
    assert metric_key(first) == metric_key(second)


@pytest.mark.parametrize("name, lower", [
    # lower is better: rates of wrong output, misses, time, cost, harm, users lost
    ("error_rate", True), ("p95-latency ms", True), ("costPer1k", True), ("cost_per_1k", True),
    ("hallucination rate", True), ("toxicity", True), ("refusal_rate", True), ("policy_violation_rate", True),
    ("miss_rate", True), ("escalation_miss_rate", True), ("escalationMissRate", True), ("missed_escalations", True),
    ("false_positive_rate", True), ("p95_latency_ms", True), ("time_to_resolution", True),
    ("resolution_hours", True), ("abandonment", True), ("abandonment_rate", True), ("churn", True),
    ("churn_rate", True), ("eval_loss", True), ("wer", True),
    # higher is better: hits, passes and quality scores, and lower-is-better words turned around
    ("recall", False), ("recall_at_5", False), ("hit_rate", False), ("precision", False), ("f1", False),
    ("extraction_f1", False), ("accuracy", False), ("pass_rate", False), ("deflection_rate", False),
    ("csat_score", False), ("error_free_rate", False), ("refusal_accuracy", False), ("answer_accuracy", False),
    ("hallucination_detection_recall", False), ("schema_valid_rate", False), ("cost_savings", False),
    ("correct_refusal_rate", False), ("first_time_fix_rate", False), ("on_time_share", False),
    ("tickets_per_hour", False), ("hours_saved", False),
    # singular user outcomes; a measure of being right wins over every other word of the name
    ("escalation_rate", True), ("complaint_rate", True), ("mismatch_rate", True), ("toxicity_score", True),
    ("meeting_minutes_quality_score", False), ("date_time_extraction_exact_match", False),
    ("cost_code_exact_match", False), ("churn_prediction_auc", False), ("escalation_recall", False),
    ("correct_escalation_rate", False), ("error_detection_recall", False),
    # a turned-around word is itself missed or wrong, or waited for: lower is better again
    ("missed_detection_rate", True), ("false_detection_rate", True), ("mean_time_to_detection", True),
    ("hours_to_resolution", True), ("error_detection_rate", False), ("fraud_caught_rate", False),
    # review 13, second pass: scores of being right, gains, negated or fallen measures, durations
    ("meeting_minutes_faithfulness", False), ("escalation_summary_rouge", False),
    ("complaint_summary_groundedness", False), ("complaint_resolution_rate", False),
    ("escalation_deflection_rate", False), ("churn_save_rate", False), ("cost_avoidance_usd", False),
    ("latency_improvement_pct", False), ("appropriate_refusal_rate", False),
    ("time_to_resolution_reduction_pct", False), ("complaint_classification_accuracy", False),
    ("false_match_rate", True), ("no_match_rate", True), ("incorrect_match_rate", True),
    ("accuracy_drop_pct", True), ("mmlu_accuracy_regression", True), ("low_quality_answer_rate", True),
    ("precision_loss", True), ("jailbreak_success_rate", True), ("human_override_rate", True),
    ("manual_correction_rate", True), ("ticket_reopen_rate", True), ("post_edit_distance", True),
    ("resolution_hours", True), ("detection_latency_ms", True),
    # whole words only: `miss` in `permission`, `error` in `terror`, `cost` in `costume`, `time` in `uptime`
    ("permission_accuracy", False), ("permission_grant_rate", False), ("terror_recall", False),
    ("terrorism_flag_rate", False), ("costume_match_rate", False), ("uptime", False), ("timely_answer_rate", False),
])
def test_lower_is_better_words(name, lower):
    assert name_says_lower_is_better(name) is lower


@pytest.mark.parametrize("name, kinds", [
    ("answer_accuracy", ("accuracy",)), ("hallucination_rate", ("accuracy",)), ("escalation_miss_rate", ("accuracy", "user outcome")),
    ("p95_latency_ms", ("latency",)), ("cost_per_request", ("cost",)), ("toxicity", ("safety",)),
    ("deflection_rate", ("user outcome",)), ("timeout_error_rate", ("accuracy", "latency")),
    ("thumbs_up_rate", ()), ("template_compliance", ()), ("policy_violation_rate", ()),
    ("churn_prediction_auc", ("accuracy", "user outcome")), ("meeting_minutes_quality_score", ("accuracy", "latency")),
])
def test_metric_kinds_are_read_from_whole_words(name, kinds):
    assert metric_kinds(name) == kinds


def test_needed_size_is_the_issue_formula():
    for p0, p1 in [(0.71, 0.9), (0.85, 0.9), (0.02, 0.01), (0.5, 0.55)]:
        formula = ((1.96 * math.sqrt(p0 * (1 - p0)) + 0.84 * math.sqrt(p1 * (1 - p1))) / (p1 - p0)) ** 2
        # exact normal quantiles (1.95996, 0.84162) instead of the rounded ones: within 1%
        assert abs(needed_size(p0, p1) - formula) <= max(1.0, 0.01 * formula), (p0, p1)
    assert needed_size(0.5, 0.5) is None


def test_resolvable_difference_is_the_inverse_of_needed_size():
    difference = resolvable_difference(400, 0.85, 0.95)
    assert needed_size(0.85, 0.85 + difference) <= 400 < needed_size(0.85, 0.85 + difference * 0.95)
    # the smallest such change: a hair less needs more than the 400 items, not 400 exactly
    assert needed_size(0.85, 0.85 + difference - 1e-9) > 400
    assert resolvable_difference(3, 0.5, 0.9) is None  # even 0.5 -> 1.0 needs 4
    assert resolvable_difference(4, 0.5, 0.9) is not None  # ... and 4 are enough for it


@pytest.mark.parametrize("n, p0, towards, resolvable", [
    (0, 0.5, 0.9, False), (-3, 0.5, 0.9, False),  # no items: nothing can be shown
    (400, 0.5, 0.5, False),  # no direction to resolve a change in
    (1, 0.01, 0.5, True),  # 0.01 -> 1.0 needs one item
    (4, 0.5, 0.1, True), (3, 0.5, 0.1, False),  # downwards, the same bound as upwards
])
def test_resolvable_difference_bounds(n, p0, towards, resolvable):
    assert (resolvable_difference(n, p0, towards) is not None) is resolvable


def test_metric_without_target_hint_reads_direction_from_the_name():
    plan = """
    aiplan: 1
    name: Support copilot
    approach: prompt_engineering
    evaluation:
      metrics:
        - name: escalation_error_rate
    """
    [finding] = lint_yaml(plan, select=["EVAL002"])
    assert "lower-is-better" in finding.fix and "higher_is_better: false" in finding.fix
    [finding] = lint_yaml(plan.replace("escalation_error_rate", "escalation_precision"), select=["EVAL002"])
    assert "set `target: 0.9`" in finding.fix


def test_inferred_direction_is_said_in_the_finding():
    plan = """
    aiplan: 1
    name: FAQ deflection
    baseline:
      prompt_engineering:
        status: done
        results: [{metric: error_rate, value: 0.02}]
    approach: rag
    evaluation:
      metrics: [{name: error_rate, target: 0.05}]
    """
    [finding] = lint_yaml(plan, select=["BASE004"])
    assert "read from the name" in finding.message and "higher_is_better: false" in finding.message
    # stated explicitly: no explanation needed; stated the other way: 0.02 does not meet 0.05
    stated = plan.replace("target: 0.05}", "target: 0.05, higher_is_better: false}")
    [finding] = lint_yaml(stated, select=["BASE004"])
    assert "read from the name" not in finding.message
    assert lint_yaml(plan.replace("target: 0.05}", "target: 0.05, higher_is_better: true}"), select=["BASE004"]) == []


def test_quantiles_are_those_of_statistics_normal_dist(monkeypatch):
    import sys
    from statistics import NormalDist

    from aiplan.rules import metrics

    grid = [(alpha, power) for alpha in (0.0001, 0.01, 0.05, 0.5) for power in (0.5, 0.8, 0.9, 0.9999)]
    expected = [(NormalDist().inv_cdf(1 - a / 2), NormalDist().inv_cdf(p)) for a, p in grid]
    assert [metrics._z(a, p) for a, p in grid] == expected
    monkeypatch.setitem(sys.modules, "_statistics", None)  # no C accelerator: statistics computes them
    assert [metrics._z(a, p) for a, p in grid] == expected


@pytest.mark.parametrize("measured, higher, proposed", [
    (0.93, True, "0.97"), (0.5, True, "0.75"), (0.995, True, "0.9975"), (4.0, True, "4.8"), (0.08, False, "0.04"),
    (0.0, True, "0.5"),  # a proportion of 0: half-way to perfect, not a fifth more of nothing
    (0.99, True, "0.995"),  # 0.995 in two decimals is 0.99, the baseline itself: more digits
    (1.03, True, "1.24"), (2.5, False, "1.25"), (0.0425, False, "0.021"), (0.17, False, "0.085"),
])
def test_a_proposed_target_is_beyond_what_the_baseline_measured(measured, higher, proposed):
    assert proposed_target(measured, higher) == proposed
    assert (float(proposed) > measured) if higher else (float(proposed) < measured)


@pytest.mark.parametrize("named, listed, same", [
    ("support-v1", "evals/support-v1.jsonl", True), ("support-v1", "evals\\support-v1.jsonl", True),
    ("support.v1", "evals/support.v1.jsonl", True), ("support-v1", "evals/support-v1.jsonl.gz", True),
    ("./evals/a.jsonl", "evals//a.jsonl", True), ("support-v2", "evals/support-v1.jsonl", False),
    ("evals\\a", "evals/a.jsonl", False),
])
def test_a_baseline_eval_set_names_a_listed_set(named, listed, same):
    assert same_set(named, listed) is same


def test_base004_documents_every_direction_word():
    """BASE004's documentation lists the words the direction is read from: none is left out."""
    from aiplan.rules.baseline import baseline_meets_target
    from aiplan.rules.metrics import HIGHER_IS_BETTER_WORDS, LOWER_IS_BETTER_WORDS

    documented = set(re.findall(r"[a-z0-9]+", re.sub(r"\((s)\)", "", baseline_meets_target.doc)))
    plural = set(re.findall(r"([a-z0-9]+)\(s\)", baseline_meets_target.doc))  # `error(s)`: error and errors
    words = LOWER_IS_BETTER_WORDS | HIGHER_IS_BETTER_WORDS
    assert sorted(word for word in words if word not in documented and word[:-1] not in plural) == []


@pytest.mark.parametrize("name, stated, direction", [
    ("answer_accuracy", None, "higher is better, read from the name `answer_accuracy`; state `higher_is_better: true` "
                              "to make it explicit, `false` if lower values are better"),
    ("error_rate", None, "lower is better, read from the name `error_rate`; state `higher_is_better: false` "
                         "to make it explicit, `true` if higher values are better"),
    ("answer_accuracy", "true", "higher is better"),
    ("error_rate", "false", "lower is better"),
    ("on_time_share", "false", "lower is better"),  # a stated direction wins over the name
])
def test_a_direction_says_how_it_was_decided_and_how_to_change_it(name, stated, direction):
    from aiplan.parse.loader import load_text
    from aiplan.rules.metrics import targets

    entry = f"{{name: {name}, target: 0.5" + (f", higher_is_better: {stated}}}" if stated else "}")
    plan = load_text(f"aiplan: 1\nname: x\nevaluation:\n  metrics:\n    - {entry}\n").documents[0]
    assert [target.direction for target in targets(plan)] == [direction]
