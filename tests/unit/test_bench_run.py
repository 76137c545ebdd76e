"""bench/run.py's order of measurements: the two sides of a ratio run next to each other, in
alternating order, so that the machine's drift between them cancels over a trial."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def test_rounds_alternate_between_the_given_order_and_its_reverse():
    assert bench.round_order(["a", "b", "c"], 0) == ["a", "b", "c"]
    assert bench.round_order(["a", "b", "c"], 1) == ["c", "b", "a"]
    assert bench.round_order(["a", "b", "c"], 2) == ["a", "b", "c"]


def _ran(keys, rounds, together=()):
    calls: list[str] = []
    series = {key: (bench.Series(key, 1), lambda key=key: calls.append(key) or 1.0) for key in keys}
    bench.interleaved(series, rounds, lambda message: None, together=together)
    return calls, series


def test_each_measurement_runs_once_a_round_in_alternating_order():
    calls, series = _ran(["floor", "aiplan", "yamllint"], 2)
    assert calls == ["floor", "aiplan", "yamllint", "yamllint", "aiplan", "floor"]
    assert all(measure.times == [1.0, 1.0] for measure, _ in series.values())


def test_a_second_run_stays_right_after_its_first_run_in_both_orders():
    calls, _ = _ran(["small", "large", "cold", "warm"], 2, together=(("cold", "warm"),))
    assert calls == ["small", "large", "cold", "warm", "cold", "warm", "large", "small"]


def test_a_trial_of_an_even_number_of_rounds_cancels_a_steady_order_effect():
    # A ratio 1.0 when A runs first and 3.0 when B does (the drift between them): every trial of
    # 24 alternating rounds is as much one as the other, where fixed order would give 1.0 throughout.
    ratios = [1.0 if bench.round_order(["A", "B"], number)[0] == "A" else 3.0 for number in range(24)]
    assert bench.trial_medians(ratios) == [2.0, 2.0, 2.0]
