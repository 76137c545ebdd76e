"""One yardstick: how the rules read metrics, targets, baselines and sample sizes.

The baseline's `results` and the evaluation's `metrics` are compared on the
same metric, on the same evaluation set. Every rule that matches metrics or
judges whether a value meets its target reads them through this module, so
`answer-accuracy` and `answer_accuracy` are one metric everywhere, and an
error rate without `higher_is_better` reads as lower-is-better everywhere.
"""

from __future__ import annotations

import functools
import math
import posixpath
import re

from aiplan.core.globs import is_glob, path_glob
from aiplan.core.paths import normalise_plan_path
from aiplan.core.records import Record
from aiplan.core.suggest import normalise, squash

# What a whole word of a metric's name says (`p95_latency_ms`, `hallucination-rate`, `cost per 1k`,
# `escalationMissRate`): what the metric measures, its kind (`None` when the word does not say), and
# which way is better (name_says_lower_is_better reads them in this order): `higher` words name a
# measure of being right, higher-is-better whatever else the name says (`error_detection_recall`,
# `churn_prediction_auc`, `meeting_minutes_faithfulness`) unless it says that measure fell or was
# missed (`accuracy_drop_pct`, `false_match_rate`); `gains` words turn any name around
# (`time_to_resolution_reduction_pct`, `hours_saved`); a duration followed by `to` is lower-is-better
# (`mean_time_to_detection`); `turns` words turn a lower-is-better name around (`error_free_rate`)
# unless it says they were missed (`missed_detection_rate`) or waited for (`resolution_hours`); `lower` words say lower values are
# better (`error_rate`); `None` words say only the kind. Plural units are durations
# (`resolution_hours`), a singular one is a rate (`tickets_per_hour`).
METRIC_WORDS: dict[str | None, dict[str | None, tuple[str, ...]]] = {
    # Whether the output is right: what an accuracy gap is measured by.
    "accuracy": {
        "lower": ("error", "errors", "hallucination", "hallucinations", "hallucinated", "wrong", "incorrect",
                  "mistake", "mistakes", "invalid", "false", "fpr", "fnr", "miss", "misses", "missed",
                  "mismatch", "mismatches", "wer", "cer", "mae", "mse", "rmse", "distance"),
        "higher": ("accuracy", "precision", "recall", "f1", "auc", "match", "matches", "quality", "correct",
                   "correctness", "faithfulness", "groundedness", "grounded", "factual", "factuality", "bleu",
                   "rouge"),
        None: ("exact",),
    },
    "latency": {
        "lower": ("latency", "ms", "seconds", "minutes", "hours", "time", "duration", "timeout", "timeouts"),
    },
    "cost": {
        "lower": ("cost", "costs"),
        "gains": ("savings", "saving", "saved", "avoidance"),
    },
    "safety": {
        "lower": ("toxicity", "toxic", "refusal", "refusals", "leak", "leakage", "jailbreak", "jailbreaks"),
        "turns": ("appropriate",),
    },
    "user outcome": {
        "lower": ("escalation", "escalations", "complaint", "complaints", "abandonment", "abandoned", "churn",
                  "churned", "reopen", "reopens", "reopened", "override", "overrides", "correction",
                  "corrections"),
        "turns": ("deflection", "save", "resolution", "resolved"),
        None: ("csat", "nps", "satisfaction", "retention"),
    },
    None: {
        "lower": ("violation", "violations", "failure", "failures", "failed", "defect", "defects", "regression",
                  "regressions", "perplexity", "loss", "drop", "degradation", "decline"),
        "gains": ("reduction", "improvement", "avoided"),
        "turns": ("free", "detection", "detected", "caught", "coverage"),
    },
}
LOWER_IS_BETTER_WORDS = frozenset(word for said in METRIC_WORDS.values() for word in said.get("lower", ()))
RIGHT_MEASURE_WORDS = frozenset(word for said in METRIC_WORDS.values() for word in said.get("higher", ()))
GAIN_WORDS = frozenset(word for said in METRIC_WORDS.values() for word in said.get("gains", ()))
TURNING_WORDS = frozenset(word for said in METRIC_WORDS.values() for word in said.get("turns", ()))
HIGHER_IS_BETTER_WORDS = RIGHT_MEASURE_WORDS | GAIN_WORDS | TURNING_WORDS
# Words that say a measure of being right, or a turned-around thing, was itself missed, wrong or low:
# `missed_detection_rate`, `false_match_rate`, `no_match_rate`, `low_quality_answer_rate`.
NEGATING_WORDS = frozenset(("false", "miss", "misses", "missed", "wrong", "incorrect", "no", "low"))
# Words that say a measure of being right fell: `accuracy_drop_pct`, `precision_loss`.
DECLINE_WORDS = frozenset(("drop", "loss", "regression", "regressions", "degradation", "decline"))
# A duration followed by `to` is the time until something (`mean_time_to_detection`): lower is better
# whatever it waits for.
_DURATION_WORDS = frozenset(("time", "hours", "minutes", "seconds", "duration"))
# ... and a turned-around thing measured in time is waited for, not turned around (`resolution_hours`,
# `detection_latency_ms`).
_WAITING_WORDS = _DURATION_WORDS | {"ms", "latency"}
_KIND_OF = {word: kind for kind, said in METRIC_WORDS.items() if kind for words in said.values() for word in words}
# Two words that are one, and no duration: `first_time_fix_rate`, `on_time_share`, `real_time_coverage`.
_COMPOUNDS = frozenset({("first", "time"), ("on", "time"), ("real", "time")})

# What a held-out set must cover (FT002), so that EVID004 never suggests dropping one of them.
REQUIRED_COVERAGE = ("target_task", "adjacent_behaviors")

# Compiled on first use (re's cache), for a name with a capital letter: most are snake_case.
_CAMEL = r"(?<=[a-z0-9])(?=[A-Z])"


@functools.lru_cache(maxsize=4096)  # rules compare the same few names many times a plan
def metric_key(name: str) -> str:
    """The form metric names are compared in: case, `-`, `_`, `.` and spaces ignored
    (the did-you-mean model's own key, so "did you mean" and matching agree)."""
    return squash(name)


@functools.lru_cache(maxsize=4096)  # as metric_key
def name_words(name: str) -> tuple[str, ...]:
    """The words of a metric's name, lower case: `p95-latency ms`, `p95_latency_ms` and
    `p95LatencyMs` are `p95`, `latency`, `ms` (whole words, so `miss` is not in `permission`)."""
    spaced = name if name == name.lower() else re.sub(_CAMEL, "_", name)  # camelCase words apart
    words: list[str] = []
    for word in normalise(spaced).split("_"):
        if words and (words[-1], word) in _COMPOUNDS:
            words[-1] = f"{words[-1]}_{word}"
        else:
            words.append(word)
    return tuple(words)


@functools.lru_cache(maxsize=4096)  # as metric_key
def name_says_lower_is_better(name: str) -> bool:
    """Whether a metric's name says lower values are better (see METRIC_WORDS)."""
    words = name_words(name)
    negated = not NEGATING_WORDS.isdisjoint(words)
    if not RIGHT_MEASURE_WORDS.isdisjoint(words):
        return negated or not DECLINE_WORDS.isdisjoint(words)
    if not GAIN_WORDS.isdisjoint(words):
        return negated
    if any(word in _DURATION_WORDS and following == "to" for word, following in zip(words, words[1:])):
        return True
    if not TURNING_WORDS.isdisjoint(words) and not negated and _WAITING_WORDS.isdisjoint(words):
        return False
    return not LOWER_IS_BETTER_WORDS.isdisjoint(words)


def metric_kinds(name: str) -> tuple[str, ...]:
    """What a metric's name says it measures, in METRIC_WORDS' order (`cost_per_1k`: `cost`;
    `p95_latency_error_rate`: `accuracy`, `latency`); empty when no word of it says."""
    said = {_KIND_OF.get(word) for word in name_words(name)}
    return tuple(kind for kind in METRIC_WORDS if kind is not None and kind in said)


def may_measure_accuracy(name: str) -> bool:
    """Whether a metric's name leaves open that it measures accuracy: a word of it says so
    (`answer_accuracy`, `hallucination_rate`), or no word says what it measures
    (`thumbs_up_rate`, given the benefit of the doubt); `p95_latency_ms`, `cost_per_request`,
    `toxicity` and `csat` measure something else."""
    kinds = metric_kinds(name)
    return not kinds or "accuracy" in kinds


def accuracy_metric_without_target(plan) -> tuple[int, str] | None:
    """The `evaluation.metrics` entry (index, name) ACC001 asks a `target` for: with the accuracy
    gap present and no target on a metric that may measure accuracy, the first such metric listed
    without a numeric `target`. EVAL002's finding on that entry is ACC001's (one finding)."""
    if plan.gap_present("accuracy") is not True:
        return None
    entries = [(index, plan.text("evaluation", "metrics", index, "name"),
                plan.number("evaluation", "metrics", index, "target") is not None)
               for index, _ in plan.entries("evaluation", "metrics")]
    if not all(name is not None and not may_measure_accuracy(name) for _, name, targeted in entries if targeted):
        return None
    return next(((index, name) for index, name, targeted in entries
                 if not targeted and name is not None and may_measure_accuracy(name)), None)


# Words that, as a whole word of a metric's name, say it is a proportion whatever its direction.
PROPORTION_WORDS = frozenset(("rate", "ratio", "share", "percent", "percentage", "pct", "fraction", "proportion"))


def name_says_proportion(name: str) -> bool:
    """Whether a metric's name says it is a proportion (`error_rate`, `refusal_share`)."""
    return not PROPORTION_WORDS.isdisjoint(name_words(name))


class Target(Record):
    """One `evaluation.metrics` entry with a name and a numeric target."""

    index: int
    name: str
    key: str
    target: float
    higher_is_better: bool
    inferred: bool  # the direction comes from the name, `higher_is_better` is not stated

    def met_by(self, value: float) -> bool:
        return value >= self.target if self.higher_is_better else value <= self.target

    @property
    def direction(self) -> str:
        """Which way is better, as messages say it: ``higher is better`` when the plan states
        it, and how it was decided and how to change it when read from the name."""
        return direction_read(self.name, self.higher_is_better) if self.inferred else \
            f"{'higher' if self.higher_is_better else 'lower'} is better"


def direction_read(name: str, higher_is_better: bool) -> str:
    """A direction read from a metric's name, in a message's words, with the `higher_is_better`
    that states it and the one that turns it around: a name can mislead (`on_time_share`)."""
    better, worse = ("higher", "lower") if higher_is_better else ("lower", "higher")
    return (f"{better} is better, read from the name `{name}`; state `higher_is_better: "
            f"{str(higher_is_better).lower()}` to make it explicit, `{str(not higher_is_better).lower()}` "
            f"if {worse} values are better")


class Measurement(Record):
    """One `baseline.prompt_engineering.results` entry with a metric name and a number."""

    index: int
    metric: str
    key: str
    value: float
    eval_set: str | None


def targets(plan) -> tuple[Target, ...]:
    """The evaluation's targets, first entry per metric, in plan order."""
    return plan.derive(_targets)


def _targets(plan) -> tuple[Target, ...]:
    found: dict[str, Target] = {}
    for index, _ in plan.entries("evaluation", "metrics"):
        name = plan.text("evaluation", "metrics", index, "name")
        target = plan.number("evaluation", "metrics", index, "target")
        if name is None or target is None or metric_key(name) in found:
            continue
        stated = plan.boolean("evaluation", "metrics", index, "higher_is_better")
        higher = stated if stated is not None else not name_says_lower_is_better(name)
        found[metric_key(name)] = Target(index, name, metric_key(name), target, higher, stated is None)
    return tuple(found.values())


def measurements(plan) -> tuple[Measurement, ...]:
    """Each baseline result that names a metric and a number, in plan order."""
    return plan.derive(_measurements)


def _measurements(plan) -> tuple[Measurement, ...]:
    out = []
    for index, _ in plan.entries("baseline", "prompt_engineering", "results"):
        metric = plan.text("baseline", "prompt_engineering", "results", index, "metric")
        value = plan.number("baseline", "prompt_engineering", "results", index, "value")
        if metric is not None and value is not None:
            eval_set = plan.text("baseline", "prompt_engineering", "results", index, "eval_set")
            out.append(Measurement(index, metric, metric_key(metric), value, eval_set))
    return tuple(out)


def same_path(first: str, second: str) -> bool:
    """Whether two plan-relative paths name the same file (`./a/b` and `a//b` do)."""
    return normalise_plan_path(first, keep_folder=False) == normalise_plan_path(second, keep_folder=False)


def same_set(named: str, listed: str) -> bool:
    """Whether a baseline's `eval_set` names the listed evaluation set.

    The same path (`./evals/a.jsonl` is `evals/a.jsonl`), or a bare name that is
    the listed file's name with or without its extension (`support-v1` names
    `evals/support-v1.jsonl`).
    """
    if same_path(named, listed):
        return True
    bare = named.strip()
    if "/" in bare or "\\" in bare:
        return False
    base = posixpath.basename(listed.strip().replace("\\", "/"))
    # `support.v2` names `support.v2.jsonl` (the last extension dropped), `support` names `support.jsonl.gz`.
    return bare in (base, base.split(".", 1)[0], base.rsplit(".", 1)[0])


class EvalSet(Record):
    """One `evaluation.eval_sets` entry with a path (and perhaps a size)."""

    index: int
    path: str
    size: int | None


def eval_sets(plan) -> tuple[EvalSet, ...]:
    """Each `evaluation.eval_sets` entry with a path, in plan order."""
    return plan.derive(_eval_sets)


def _eval_sets(plan) -> tuple[EvalSet, ...]:
    out = []
    for index, _ in plan.entries("evaluation", "eval_sets"):
        path = plan.text("evaluation", "eval_sets", index, "path")
        if path is not None:
            size = plan.number("evaluation", "eval_sets", index, "size")
            out.append(EvalSet(index, path, int(size) if size is not None else None))
    return tuple(out)


class Comparison(Record):
    """A metric measured by the baseline with a target to reach: the gap to close."""

    target: Target
    baseline: Measurement

    @property
    def is_rate(self) -> bool:
        return 0 <= self.baseline.value <= 1 and 0 <= self.target.target <= 1

    @property
    def met(self) -> bool:
        return self.target.met_by(self.baseline.value)

    @property
    def scale_mismatch(self) -> bool:
        """One side is a fraction of 1 and the other a percentage (above 1, at most 100), for a metric
        that is a proportion: higher-is-better, or named a rate, ratio, share or percentage.
        `acc` 60 against a target of 0.9 is 60 % against 90 %, not a baseline 66 times its target;
        a cost of 2.5 against 0.8 is a real target and not a proportion."""
        values = (self.baseline.value, self.target.target)
        if not any(0 <= value <= 1 for value in values) or not any(1 < value <= 100 for value in values):
            return False
        return self.target.higher_is_better or name_says_proportion(self.target.name)


def comparisons(plan) -> tuple[Comparison, ...]:
    """Each target whose metric the baseline measured (the first such result), in target order."""
    return plan.derive(_comparisons)


def _comparisons(plan) -> tuple[Comparison, ...]:
    measured: dict[str, Measurement] = {}
    for item in measurements(plan):
        measured.setdefault(item.key, item)
    return tuple(Comparison(target, measured[target.key]) for target in targets(plan) if target.key in measured)


def proposed_metric(plan, fallback: str = "answer_accuracy", fallback_target: float = 0.9,
                    of_accuracy: bool = False) -> str:
    """An `evaluation.metrics` entry for a fix hint, as a YAML flow mapping.

    The first metric the baseline measured (``of_accuracy``: the first that may
    measure accuracy, :func:`may_measure_accuracy`), so that the target sits on the
    baseline's yardstick, with `higher_is_better: false` when its name reads
    lower-is-better; its target closes half the distance to perfect (half the
    value, for lower-is-better). Without a measured metric, ``fallback``."""
    measured = tuple(item for item in measurements(plan) if not of_accuracy or may_measure_accuracy(item.metric))
    if not measured:
        return f"{{name: {fallback}, target: {fallback_target:g}}}"
    first = measured[0]
    if name_says_lower_is_better(first.metric):
        return f"{{name: {first.metric}, target: {proposed_target(first.value, False)}, higher_is_better: false}}"
    return f"{{name: {first.metric}, target: {proposed_target(first.value, True)}}}"


def proposed_target(measured: float, higher_is_better: bool) -> str:
    """A target for a fix hint, beyond what the prompt baseline ``measured``: half the
    distance to perfect (of a proportion), a fifth more (of another scale), or half
    the value (lower-is-better)."""
    if not higher_is_better:
        return _round(measured / 2)
    if not 0 <= measured < 1:
        return _round(measured * 1.2)
    target = measured + (1 - measured) / 2
    shown = _round(target)
    # 0.995 in two decimals is the baseline itself or perfection: show more digits.
    return shown if measured < float(shown) < 1 else f"{target:.4g}"


def _round(value: float) -> str:
    """A target as a person would write it: two significant digits below 1 (0.02125 -> 0.021,
    0.875 -> 0.88), two decimals from 1 up (1.236 -> 1.24, 14.4 -> 14.4)."""
    # Below 1, two significant digits are two decimals or, under 0.1, more.
    return f"{value:.2g}" if abs(value) < 1 else f"{round(value, 2):g}"


# -- statistical power --------------------------------------------------------

@functools.lru_cache(maxsize=64)  # a few option values per run; asked several times a plan
def _z(alpha: float, power: float) -> tuple[float, float]:
    """The standard normal quantiles for two-sided ``alpha`` and ``power`` (both in (0, 1): the options' bounds)."""
    # The C function NormalDist.inv_cdf calls, without importing statistics (decimal, fractions, random).
    try:
        from _statistics import _normal_dist_inv_cdf as inv_cdf  # type: ignore[import-not-found]  # start-up: see above
    except ImportError:  # an interpreter without CPython's accelerator: the same computation in Python
        from statistics import NormalDist  # start-up: statistics imports decimal, fractions and random

        unit = NormalDist()
        return unit.inv_cdf(1 - alpha / 2), unit.inv_cdf(power)
    return inv_cdf(1 - alpha / 2, 0.0, 1.0), inv_cdf(power, 0.0, 1.0)


def needed_size(p0: float, p1: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Items a one-sample test of a proportion needs to tell `p1` from `p0`.

    n >= ((z_a * sqrt(p0(1-p0)) + z_b * sqrt(p1(1-p1))) / (p1 - p0))^2, with
    z_a for two-sided `alpha` and z_b for `power`. ``None`` when p0 == p1.
    """
    if p0 == p1:
        return None
    z_alpha, z_beta = _z(alpha, power)
    spread = z_alpha * math.sqrt(p0 * (1 - p0)) + z_beta * math.sqrt(p1 * (1 - p1))
    return max(1, math.ceil((spread / (p1 - p0)) ** 2 - 1e-9))


def resolvable_difference(n: int, p0: float, towards: float, alpha: float = 0.05, power: float = 0.8) -> float | None:
    """The smallest change from `p0` (in the direction of `towards`) a set of `n` items can show.

    ``None`` when even the largest possible change in that direction needs more than `n` items.
    """
    if n <= 0 or towards == p0:
        return None
    limit = 1.0 if towards > p0 else 0.0
    sign = 1 if towards > p0 else -1
    if (needed_size(p0, limit, alpha, power) or math.inf) > n:
        return None
    low, high = 0.0, abs(limit - p0)
    for _ in range(60):
        middle = (low + high) / 2
        need = needed_size(p0, p0 + sign * middle, alpha, power) if middle else None
        if need is not None and need <= n:
            high = middle
        else:
            low = middle
    return high


def percent_points(difference: float) -> str:
    """0.034 -> ``3.4 points``."""
    return f"{difference * 100:.1f} points"


def same_file(plan, first: str, second: str) -> bool:
    """Whether two paths the plan writes name one file: the same spelling (:func:`same_path`),
    or, when the plan's evidence reader is there, one file once links and `..` are resolved
    (`../repo/data/t.jsonl`, a link to `data/t.jsonl`): the one notion of "the same file"."""
    if same_path(first, second):
        return True
    return plan.evidence is not None and resolved_file(plan, first, second) is not None


def resolved_file(plan, first: str, second: str) -> str | None:
    """The file two differently written paths both lead to (shown relative to the plan), or
    ``None``: asked of the evidence reader, which resolves links (rules do no I/O)."""
    if plan.evidence is None or same_path(first, second):
        return None
    return plan.evidence.same_file(first, second)


def held_out_leads_into_training(plan, held_out: str, training: str) -> str | None:
    """The file of the training glob or folder ``training`` that the held-out path ``held_out``
    leads to once links and `..` are resolved although its spelling is apart (:func:`leak` found
    nothing: a link `data/held.jsonl` -> `train/x.jsonl`, inside the training folder
    `data/train/`), shown relative to the plan, else ``None``: the held-out set is training data,
    as a held-out file written inside the training folder is. Asked of the evidence reader.

    FT006 reports it; the evidence rules skip such a held-out set by this same test."""
    # A training file holds no other file: asked only of a training glob or folder.
    if plan.evidence is None or is_glob(held_out) or data_kind(training) == "file":
        return None
    return plan.evidence.leads_into(training, held_out)


def training_links_to_held_out(plan, held_out: str, training: str) -> str | None:
    """The file of the training glob or folder ``training`` that is a symbolic link to the
    held-out file ``held_out`` (`train/part2.jsonl` -> `../heldout/eval.jsonl`), shown relative
    to the plan, else ``None``: the training data holds the held-out file, read through the link.
    The reverse of :func:`held_out_leads_into_training`, and the same leak. Asked of the
    evidence reader.

    FT006 reports it; the evidence rules skip such a held-out set by this same test."""
    if plan.evidence is None or is_glob(held_out) or data_kind(training) == "file":
        return None
    return plan.evidence.linked_from(training, held_out)


def held_out_is_training_file(plan) -> bool:
    """`fine_tuning.evaluation.held_out.path` names the training file itself, however spelled
    or linked (:func:`same_file`).

    FT006 reports it; the evidence rules skip such a held-out set by this same test."""
    held_out = plan.file_path("fine_tuning", "evaluation", "held_out", "path")
    training = plan.file_path("fine_tuning", "dataset", "path")
    return (plan.includes_fine_tuning and plan.mapping("fine_tuning") is not None
            and held_out is not None and training is not None and same_file(plan, held_out, training))


def is_folder(path: str) -> bool:
    """A path written as a folder: a trailing `/` (an empty last part), a last part without an
    extension, or one that names a folder by dots (`.`, `data/..`)."""
    name = posixpath.basename(path)
    return "." not in name or name in (".", "..")


def inside(path: str, folder: str) -> bool:
    folder = folder.rstrip("/")
    return folder in ("", ".") and not path.startswith("../") or path.startswith(folder + "/")


def glob_covers(wide: str, narrow: str) -> bool:
    """Whether the glob ``wide`` provably matches every path ``narrow`` (a path or a glob)
    matches: ``narrow``'s wildcards are taken as symbols only ``wide``'s wildcards stand
    for, so `data/ft/t*.jsonl` covers `data/ft/train*.jsonl` and `data/ft/*.jsonl` covers
    `data/ft/train.jsonl`. Two globs that merely could share a path (`a*.jsonl`, `*b.jsonl`)
    are not decided: ``False``, as is a character class or a `**` segment in ``narrow``, and a
    `?` in ``wide`` against a `*` in ``narrow`` (one character is no run of them). A `**` within
    a name is `*` (:func:`~aiplan.core.globs.path_glob`)."""
    if "[" in narrow or "**" in narrow.split("/") or ("?" in wide and "*" in narrow):
        return False
    # The wildcards as characters no path holds and no literal of `wide` matches.
    symbols = narrow.rstrip("/").replace("*", "\x00").replace("?", "\x01")
    return path_glob(wide).match(symbols) is not None


def _segments(path: str) -> tuple[str, ...]:
    """A normalised path's parts, none for the plan's own folder (`.`)."""
    return tuple(part for part in path.split("/") if part and part != ".")


def _glob_reaches_below(pattern: tuple[str, ...], folder: tuple[str, ...]) -> bool:
    """Whether a glob, by its parts, matches some path below ``folder`` (`data/ft/*.jsonl`
    reaches below `data`; `data/*.jsonl` does not reach below `data/eval`: `*` stops at `/`)."""
    if not folder:
        return bool(pattern)  # a part is left for a file below the folder
    if not pattern:
        return False
    if pattern[0] == "**":  # any number of parts, none included; within a name (`**.jsonl`) it is `*`
        return _glob_reaches_below(pattern[1:], folder) or _glob_reaches_below(pattern, folder[1:])
    return (path_glob(pattern[0]).match(folder[0]) is not None
            and _glob_reaches_below(pattern[1:], folder[1:]))


class Leak(Record):
    """How a held-out path overlaps a training path (:func:`leak`): ``how`` to branch on,
    ``words`` for a message (``is inside the training data's folder``).

    ``how`` is ``same_file``, ``same_folder``, ``covers_training`` (a held-out glob matching
    the training file or every file its glob matches), ``matched_by_glob``,
    ``folder_holds_glob_files``, ``inside_folder`` or ``folder_holds_training``; the last
    two held-out folders (``held_out_is_folder``) took training data in."""

    how: str
    words: str

    @property
    def held_out_is_folder(self) -> bool:
        return self.how in ("folder_holds_glob_files", "folder_holds_training")


def leak(held_out: str, training: str) -> Leak | None:
    """How a held-out path overlaps a training path, or ``None``.

    The same file or folder (also through `./`, `..` or doubled slashes), a held-out file
    inside the training data's folder, one matched by the training glob, a held-out
    folder that holds files the training glob matches (`data/` and `data/ft/*.jsonl`), a
    held-out glob that matches every training file (:func:`glob_covers`), or a training
    file inside the held-out folder. Decided on the spelling alone: :func:`same_file`
    also follows links. FT006 reports it; the evidence rules skip such a held-out set by
    this same test.
    """
    held, train = normalise_plan_path(held_out), normalise_plan_path(training)
    if held.rstrip("/") == train.rstrip("/"):
        if is_folder(held) or is_folder(train):  # `data/ft/` and `data/ft`: one folder, written twice
            return Leak("same_folder", "names the same folder as the training data")
        return Leak("same_file", "names the same file as the training data")
    if is_glob(held) and (is_glob(train) or not is_folder(train)) and glob_covers(held, train):
        # Every file the training path names is a held-out file too (`data/ft/*.jsonl` holds
        # `data/ft/train.jsonl`; `data/ft/t*.jsonl` every `data/ft/train*.jsonl`).
        if is_glob(train):
            return Leak("covers_training", "is a glob that matches every file the training data's glob matches")
        return Leak("covers_training", "is a glob that matches the training file")
    if is_glob(train):
        if path_glob(train).match(held.rstrip("/")):
            return Leak("matched_by_glob", "is matched by the training data's glob")
        if is_folder(held) and _glob_reaches_below(_segments(train), _segments(held)):
            return Leak("folder_holds_glob_files", "is a folder that holds files the training data's glob matches")
        return None
    # A path with another inside it is a folder, however it is written (`data/ft.v2`).
    if inside(held, train):
        return Leak("inside_folder", "is inside the training data's folder")
    if inside(train, held):
        return Leak("folder_holds_training", "is a folder that holds the training data")
    return None


def data_kind(path: str) -> str:
    """What a data path the plan writes names: ``glob``, ``folder`` (:func:`is_folder`) or ``file``."""
    normal = normalise_plan_path(path)
    if is_glob(normal):
        return "glob"
    return "folder" if is_folder(normal) else "file"
