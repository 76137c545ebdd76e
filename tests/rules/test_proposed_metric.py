"""The `evaluation.metrics` entry the fix hints of EVAL001 and ACC001 propose: on the baseline's
first measured metric, its target half-way to perfect for a rate, 20% higher for a number
above 1, half the value for a lower-is-better metric."""

import pytest

from aiplan.parse.loader import load_text
from aiplan.rules.metrics import proposed_metric


def _plan(metric: str, value: str):
    text = ("aiplan: 1\nname: x\nbaseline:\n  prompt_engineering:\n    status: done\n    results:\n"
            f"      - {{metric: {metric}, value: {value}}}\n")
    return load_text(text).documents[0]


@pytest.mark.parametrize("metric, value, entry", [
    ("answer_accuracy", "0.7", "{name: answer_accuracy, target: 0.85}"),
    ("tickets_per_hour", "12", "{name: tickets_per_hour, target: 14.4}"),
    ("tickets_per_hour", "1", "{name: tickets_per_hour, target: 1.2}"),
    ("p95_latency_ms", "900", "{name: p95_latency_ms, target: 450, higher_is_better: false}"),
])
def test_the_proposed_target_sits_on_the_baselines_yardstick(metric, value, entry):
    assert proposed_metric(_plan(metric, value)) == entry


def test_without_a_measured_metric_the_fallback_is_proposed():
    assert proposed_metric(load_text("aiplan: 1\nname: x\n").documents[0], "answer_accuracy", 0.95) == (
        "{name: answer_accuracy, target: 0.95}")


def test_for_the_accuracy_gap_the_first_metric_of_accuracy_is_proposed():
    text = ("aiplan: 1\nname: x\nbaseline:\n  prompt_engineering:\n    status: done\n    results:\n"
            "      - {metric: p95_latency_ms, value: 1400}\n      - {metric: thumbs_up_rate, value: 0.6}\n")
    plan = load_text(text).documents[0]
    assert proposed_metric(plan, "answer_accuracy", 0.95) == (
        "{name: p95_latency_ms, target: 700, higher_is_better: false}")
    # `thumbs_up_rate` does not say what it measures: the benefit of the doubt, as ACC001 gives it
    assert proposed_metric(plan, "answer_accuracy", 0.95, of_accuracy=True) == "{name: thumbs_up_rate, target: 0.8}"
    only_latency = load_text(text.rsplit("      - {metric: thumbs", 1)[0]).documents[0]
    assert proposed_metric(only_latency, "answer_accuracy", 0.95, of_accuracy=True) == (
        "{name: answer_accuracy, target: 0.95}")
