#!/usr/bin/env python3
"""aiplan's benchmark: one command, the same files for every tool, ratios.

    python3 bench/run.py            # full run (about 15 minutes on 2 cores)
    python3 bench/run.py --quick    # fewer repetitions (about 8 minutes)
    python3 bench/run.py --only floor   # one group of rounds and its targets (repeatable)

What it does:

1. Creates ``bench/.venv`` with the comparison tools pinned in
   ``bench/requirements.txt`` (yamllint, check-jsonschema, PyYAML for the
   libyaml floor) and installs aiplan from this checkout into it (a regular,
   byte-compiled install, as users get it).
2. Generates 1,000 and 10,000 plans with ``bench/generate_plans.py`` (seeded,
   so every run and every machine lints the same bytes), and the files they
   name (``bench/referenced_files.py``), in a directory outside this checkout
   (``--corpus``; default: under the system's temporary directory), so that no
   project configuration (a ``pyproject.toml`` with ``[tool.aiplan]``) applies.
3. Times, as fresh processes, each measurement several times, in rounds that
   interleave the tools so that background load hits them alike: one plan
   (the pre-commit case) against yamllint and against the import floor of
   aiplan's own dependencies (``python -c "import click, pluggy,
   _ruamel_yaml"``), 400 short plans (the shipped examples, about 60 lines
   each) in one process, 1,000 long plans in one process against yamllint and
   check-jsonschema, the same in a group of their own against the libyaml
   parse floor (about 4 s a round, so 24 rounds), 10,000 plans on all cores
   next to 1,000 on all cores (scaling), a second run over unchanged files
   (cache hit) right after its first run, and peak memory, also for a report
   of about six findings per plan. The two sides of every ratio run next to
   each other, A B in one round and B A in the next (``round_order``), so that
   the machine's drift between them cancels instead of favouring one side;
   only the second run keeps its place after the first.
4. Prints every measurement as a median with its min and max, the ratios
   between tools measured in this run (absolute times vary between machines;
   the ratios are the result), and PASS/FAIL for each target. A target's ratio
   is computed for every round (the rounds interleave the tools, so each round
   is a fair comparison); the rounds are split into three consecutive trials
   (of an even number of rounds, as many of each order, except the 1,000-plan
   rounds with yamllint, 33 s each), and a target PASSes only if the median of
   every trial meets it: one lucky stretch of rounds cannot pass it, one noisy
   round cannot fail it. No round is dropped. ``bench/out/results.json`` keeps
   the raw numbers.

Every built-in rule runs except the EVID family (the corpus's data files are empty stand-ins;
bench/evidence.py measures those rules on real data). Only the standard library
is used here; the tools run in their own venv.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv"
OUT = BENCH / "out"
SCHEMA = ROOT / "src" / "aiplan" / "schemas" / "plan.schema.json"
SEED = 2024

# name: (description, target)
# name: (description, test on the per-round ratio)
TARGETS = {
    "pre-commit": ("one plan, fresh process: <= 1.2x the dependency import floor", lambda r: r <= 1.2),
    "pre-commit-yamllint": ("one plan, fresh process: <= yamllint's wall time", lambda r: r <= 1.0),
    "short-plans": ("400 short plans, one process: >= 6x yamllint's files/s", lambda r: r >= 6),
    "vs-yamllint": ("1,000 plans, one process: >= 5x yamllint's files/s", lambda r: r >= 5),
    "vs-check-jsonschema": ("1,000 plans, one process: >= 2x check-jsonschema's files/s", lambda r: r >= 2),
    "vs-floor": ("1,000 plans, one process: within 2.5x of the libyaml parse floor", lambda r: r <= 2.5),
    "scaling": ("all cores: 10,000 plans <= 1.2 x 10 x the 1,000-plan time", lambda r: r <= 1.2),
    "cache": ("second run over 10,000 unchanged plans <= 10% of the first", lambda r: r <= 0.10),
    "memory": ("peak memory (largest process), 10,000 plans, clean or ~6 findings each, < 150 MB",
               lambda r: r < 150),
}
# The groups of rounds, each target's ratio measured within one (``--only`` runs some of them), and
# each group's rounds (full, --quick): enough that each of the three trials is a median of several
# runs, not one run (a fresh process's time on this machine varies by a third between runs). An even
# number per trial holds as many rounds of each order (round_order); yamllint's 33 s a round make the
# 1,000-plan tools group the exception. The floor and aiplan -j 1 take about 4 s a round together,
# so they get a group of their own with enough rounds for the tightest target; the 10,000-plan group
# (about 16 s a round) 12, trials of four: one first run of two decided a trial of the second-run target.
ROUNDS = {"one": (48, 12), "short": (12, 6), "tools": (9, 3), "floor": (24, 6), "10000": (12, 3), "memory": (1, 1)}
TARGET_GROUPS = {"pre-commit": "one", "pre-commit-yamllint": "one", "short-plans": "short", "vs-yamllint": "tools",
                 "vs-check-jsonschema": "tools", "vs-floor": "floor", "scaling": "10000", "cache": "10000",
                 "memory": "memory"}
IMPORT_FLOOR = "import click, pluggy, _ruamel_yaml"
# The corpus's data files are empty stand-ins (bench/referenced_files.py), so the
# evidence rules would report every one of them as empty: they are measured on real
# data by bench/evidence.py instead. Every other built-in rule runs.
LINT_FLAGS = ("--ignore", "EVID")


def bin_path(name: str) -> str:
    return str(VENV / ("Scripts" if os.name == "nt" else "bin") / name)


# -- set-up ---------------------------------------------------------------------


def setup_venv(log) -> None:
    requirements = (BENCH / "requirements.txt").read_bytes()
    stamp = VENV / "requirements.sha256"
    wanted = hashlib.sha256(requirements).hexdigest()
    if not (VENV / "bin" / "python").exists() and not (VENV / "Scripts" / "python.exe").exists():
        log("creating bench/.venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    python = bin_path("python")
    if not stamp.exists() or stamp.read_text().strip() != wanted:
        log("installing the comparison tools (bench/requirements.txt)")
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "-r", str(BENCH / "requirements.txt")], check=True)
        stamp.write_text(wanted + "\n")
    log("installing aiplan from this checkout")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", str(ROOT)],
                   check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(ROOT)], check=True)  # its dependencies


def default_corpus() -> Path:
    try:
        user = getpass.getuser()
    except Exception:  # no user name (some containers): one shared directory
        user = "anyone"
    return Path(tempfile.gettempdir()) / f"aiplan-bench-{user}"


def generate(corpus: Path, count: int, log, *, with_files: bool = True) -> Path:
    """``count`` generated plans; ``with_files`` creates the files they name (see referenced_files.py),
    without them EVAL003 reports about six findings per plan (the large-report case)."""
    target = corpus / (f"plans-{count}" if with_files else f"plans-{count}-findings")
    scripts = (BENCH / "generate_plans.py").read_bytes() + (BENCH / "referenced_files.py").read_bytes()
    stamp = target / ".generator.sha256"
    wanted = hashlib.sha256(scripts + f"{count}:{SEED}:{with_files}".encode()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return target
    log(f"generating {count:,} plans in {target}")
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run([sys.executable, str(BENCH / "generate_plans.py"), str(target), "--count", str(count),
                    "--seed", str(SEED)], check=True, stderr=subprocess.DEVNULL)
    if with_files:
        subprocess.run([bin_path("python"), str(BENCH / "referenced_files.py"), str(target)], check=True,
                       stderr=subprocess.DEVNULL)
    stamp.write_text(wanted + "\n")
    return target


def short_plans(corpus: Path, log, copies: int = 24) -> Path:
    """The shipped examples (about 60 lines each, with the data files they name), ``copies`` times:
    the per-file fixed costs dominate on plans this short."""
    target = corpus / "short-plans"
    examples = ROOT / "examples"
    digest = hashlib.sha256()
    for path in sorted(examples.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(examples)).encode() + b"\0" + path.read_bytes())
    wanted = digest.hexdigest() + f":{copies}"
    stamp = target / ".examples.sha256"
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return target
    log(f"copying the examples {copies} times into {target}")
    shutil.rmtree(target, ignore_errors=True)
    for number in range(copies):
        shutil.copytree(examples, target / f"team-{number:02d}",
                        ignore=shutil.ignore_patterns("plugins", "policies", "*.toml"))
    stamp.write_text(wanted + "\n")
    return target


def plan_files(directory: Path) -> list[str]:
    return sorted(str(p) for p in directory.rglob("*.aiplan.yaml"))


def pick_single(directory: Path) -> Path:
    """The first clean plan of the corpus (no finding expected): the usual pre-commit file."""
    manifest = json.loads((directory / "manifest.json").read_text())
    name = next(path for path, rules in sorted(manifest.items()) if not rules)
    return directory / name


# -- measuring ------------------------------------------------------------------


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIPLAN_", "PYTHON"))}
    env["NO_COLOR"] = "1"
    return env


def timed(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=environment())
    return time.perf_counter() - start


def peak_rss_mb(command: list[str]) -> float:
    """Max RSS of the largest process of ``command``'s tree, measured by a fresh wrapper."""
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True,
                         env=environment(), check=True).stdout
    kilobytes = int(out.split()[-1])
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


class Series:
    """Repeated timings of one measurement: median, min and max."""

    def __init__(self, label: str, files: int):
        self.label = label
        self.files = files
        self.times: list[float] = []

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self) -> str:
        rate = self.files / self.median if self.median else 0.0
        return (f"| {self.label} | {self.files:,} | {self.median * 1000:,.0f} ms "
                f"| {min(self.times) * 1000:,.0f}-{max(self.times) * 1000:,.0f} ms | {rate:,.0f} | {len(self.times)} |")


def round_order(units: list, number: int) -> list:
    """The order of round ``number`` (from 0): ``units`` as given in even rounds, reversed in odd ones.

    Each ratio's two sides are neighbours in the group, so they run one after the other, A B in one
    round and B A in the next: a drift of the machine's speed between them (other processes starting
    or ending) favours each side in turn instead of always the same one, and an even number of rounds
    per trial holds as many rounds of each order."""
    return list(units) if number % 2 == 0 else list(reversed(units))


def interleaved(series: dict[str, tuple[Series, callable]], rounds: int, log,
                together: tuple[tuple[str, ...], ...] = ()) -> None:
    """``rounds`` rounds of every measurement of ``series``, in ``round_order``. The keys of each tuple in
    ``together`` stay one unit in that order (a second run needs its first run just before it)."""
    joined = {key for unit in together for key in unit}
    units = [*together, *((key,) for key in series if key not in joined)]
    units.sort(key=lambda unit: list(series).index(unit[0]))
    for number in range(rounds):
        for unit in round_order(units, number):
            for key in unit:
                measure, run = series[key]
                measure.times.append(run())
        log(f"  round {number + 1}/{rounds}: " + ", ".join(
            f"{key} {measure.times[-1]:.3f}s" for key, (measure, _) in series.items()))


def trial_medians(values: list[float], trials: int = 3) -> list[float]:
    """The medians of ``trials`` consecutive runs of rounds (fewer when there are fewer rounds)."""
    count = min(trials, len(values))
    size = len(values) / count
    return [statistics.median(values[round(i * size):round((i + 1) * size)]) for i in range(count)]


def per_round(numerator: Series, denominator: Series, *, rate: bool = False) -> list[float]:
    """The ratio in each round: ``numerator / denominator`` of the times, or of the rates (files/s)."""
    pairs = list(zip(numerator.times, denominator.times))
    if rate:
        return [(numerator.files / a) / (denominator.files / b) for a, b in pairs]
    return [a / b for a, b in pairs]


# -- the benchmark --------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--skip-setup", action="store_true", help="use bench/.venv as it is")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="where to generate the plans (default: a directory under the system temp dir)")
    parser.add_argument("--only", action="append", choices=list(ROUNDS), metavar="GROUP",
                        help="run only this group of rounds and its targets (repeatable): "
                             f"{', '.join(ROUNDS)}; e.g. --only floor, the floor target in about 2 minutes")
    args = parser.parse_args(argv)
    chosen = [group for group in ROUNDS if group in (args.only or ROUNDS)]
    rounds = {group: full_and_quick[args.quick] for group, full_and_quick in ROUNDS.items()}
    rounds_single, rounds_short, rounds_tools, rounds_floor, rounds_10k = (
        rounds[group] for group in ("one", "short", "tools", "floor", "10000"))

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    if not args.skip_setup:
        setup_venv(log)
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = (args.corpus or default_corpus()).resolve()
    if ROOT in corpus.parents or corpus == ROOT:
        parser.error("--corpus must be outside this checkout (its pyproject.toml would configure the run)")
    small = generate(corpus, 1000, log)
    tenfold = {"10000", "memory"} & set(chosen)
    large = generate(corpus, 10_000, log) if tenfold else small
    findings = generate(corpus, 10_000, log, with_files=False) if "memory" in chosen else small
    short_dir = short_plans(corpus, log)
    short_files = plan_files(short_dir)
    small_files = plan_files(small)
    single = pick_single(small)
    aiplan, yamllint, cjs, python = bin_path("aiplan"), bin_path("yamllint"), bin_path("check-jsonschema"), bin_path("python")
    scratch = Path(tempfile.mkdtemp(prefix="aiplan-bench-"))
    counter = iter(range(10**9))

    def fresh_cache() -> str:
        return str(scratch / f"cache-{next(counter)}")

    # Warm the page cache and byte-code once for every tool.
    for command in ([aiplan, "lint", *LINT_FLAGS, "--no-cache", str(small)], [aiplan, "lint", *LINT_FLAGS, "--no-cache", str(short_dir)],
                    [python, "-c", IMPORT_FLOOR], [yamllint, "-d", "default", str(single)],
                    [cjs, "--schemafile", str(SCHEMA), str(single)], [python, str(BENCH / "libyaml_floor.py"), str(single)]):
        timed(command)

    # The pre-commit case: a plan was just edited, in a repository whose cache
    # holds the other plans. Each round changes the plan (a comment line), so
    # every aiplan run is a cache miss that also writes its entry.
    precommit_cache = fresh_cache()
    original = single.read_bytes()
    edits = iter(range(10**9))

    def edited() -> str:
        single.write_bytes(original + f"# edit {next(edits)}\n".encode())
        return str(single)

    # aiplan between its two yardsticks, so that it runs next to each of them.
    one = {
        "floor": (Series(f"import floor: python -c \"{IMPORT_FLOOR}\"", 1),
                  lambda: timed([python, "-c", IMPORT_FLOOR])),
        "aiplan": (Series("aiplan lint (one plan)", 1),
                   lambda: timed([aiplan, "lint", *LINT_FLAGS, "--cache-dir", precommit_cache, edited()])),
        "yamllint": (Series("yamllint (one plan)", 1), lambda: timed([yamllint, "-d", "default", str(single)])),
        "check-jsonschema": (Series("check-jsonschema (one plan)", 1),
                             lambda: timed([cjs, "--schemafile", str(SCHEMA), str(single)])),
    }
    if "one" in chosen:
        log(f"one plan, fresh process ({rounds_single} rounds): {single}")
        timed([aiplan, "lint", *LINT_FLAGS, "--cache-dir", precommit_cache, str(small)])
        try:
            interleaved(one, rounds_single, log)
        finally:
            single.write_bytes(original)

    short = {
        "aiplan": (Series("aiplan lint -j 1 --no-cache (short plans)", len(short_files)),
                   lambda: timed([aiplan, "lint", *LINT_FLAGS, "--no-cache", "-j", "1", str(short_dir)])),
        "yamllint": (Series("yamllint (short plans)", len(short_files)),
                     lambda: timed([yamllint, "-d", "default", str(short_dir)])),
    }
    if "short" in chosen:
        log(f"{len(short_files)} short plans ({rounds_short} rounds)")
        interleaved(short, rounds_short, log)

    def one_process() -> float:
        return timed([aiplan, "lint", *LINT_FLAGS, "--no-cache", "-j", "1", str(small)])

    # aiplan -j 1 between yamllint and check-jsonschema, next to each; the floor in a group of its own
    # (a round with yamllint put 45 s between aiplan and the floor, and the machine's drift over them
    # into their ratio).
    thousand = {
        "yamllint": (Series("yamllint", 1000), lambda: timed([yamllint, "-d", "default", str(small)])),
        "aiplan-j1": (Series("aiplan lint -j 1 (one process), beside yamllint and check-jsonschema", 1000),
                      one_process),
        "check-jsonschema": (Series("check-jsonschema", 1000),
                             lambda: timed([cjs, "--schemafile", str(SCHEMA), *small_files])),
    }
    if "tools" in chosen:
        log(f"1,000 plans against yamllint and check-jsonschema ({rounds_tools} rounds)")
        interleaved(thousand, rounds_tools, log)

    floor = {
        "aiplan-j1": (Series("aiplan lint -j 1 (one process), beside the floor", 1000), one_process),
        "floor": (Series("libyaml parse floor (CSafeLoader compose)", 1000),
                  lambda: timed([python, str(BENCH / "libyaml_floor.py"), *small_files])),
    }
    if "floor" in chosen:
        log(f"1,000 plans against the libyaml floor ({rounds_floor} rounds)")
        interleaved(floor, rounds_floor, log)

    cold_dirs: list[str] = []

    def cold() -> float:
        cold_dirs.append(fresh_cache())
        return timed([aiplan, "lint", *LINT_FLAGS, "--cache-dir", cold_dirs[-1], str(large)])

    def warm() -> float:
        return timed([aiplan, "lint", *LINT_FLAGS, "--cache-dir", cold_dirs[-1], str(large)])

    # Scaling's 1,000 plans run next to its 10,000 plans (not in another group, minutes apart); the
    # second run always follows its first run, so that pair alone keeps one order.
    ten = {
        "aiplan-1000": (Series("aiplan lint (all cores)", 1000),
                        lambda: timed([aiplan, "lint", *LINT_FLAGS, "--no-cache", str(small)])),
        "aiplan": (Series("aiplan lint (all cores)", 10_000),
                   lambda: timed([aiplan, "lint", *LINT_FLAGS, "--no-cache", str(large)])),
        "cold": (Series("aiplan lint, first run (cache written)", 10_000), cold),
        "warm": (Series("aiplan lint, second run (cache hit)", 10_000), warm),
    }
    if "10000" in chosen:
        log(f"10,000 plans ({rounds_10k} rounds)")
        interleaved(ten, rounds_10k, log, together=(("cold", "warm"),))
    memory = {} if "memory" not in chosen else {
        "clean or flawed plans": peak_rss_mb([aiplan, "lint", *LINT_FLAGS, "--no-cache", str(large)]),
        "writing the cache": peak_rss_mb([aiplan, "lint", *LINT_FLAGS, "--cache-dir", fresh_cache(), str(large)]),
        "~6 findings per plan, text": peak_rss_mb([aiplan, "lint", *LINT_FLAGS, "--no-cache", str(findings)]),
        "~6 findings per plan, JSON": peak_rss_mb([aiplan, "lint", *LINT_FLAGS, "--no-cache", "--format", "json",
                                                    str(findings)]),
    }
    shutil.rmtree(scratch, ignore_errors=True)

    # -- report -------------------------------------------------------------------
    measured = {
        "pre-commit": lambda: per_round(one["aiplan"][0], one["floor"][0]),
        "pre-commit-yamllint": lambda: per_round(one["aiplan"][0], one["yamllint"][0]),
        "short-plans": lambda: per_round(short["aiplan"][0], short["yamllint"][0], rate=True),
        "vs-yamllint": lambda: per_round(thousand["aiplan-j1"][0], thousand["yamllint"][0], rate=True),
        "vs-check-jsonschema": lambda: per_round(thousand["aiplan-j1"][0], thousand["check-jsonschema"][0],
                                                 rate=True),
        "vs-floor": lambda: per_round(floor["aiplan-j1"][0], floor["floor"][0]),
        "scaling": lambda: [ratio / 10 for ratio in per_round(ten["aiplan"][0], ten["aiplan-1000"][0])],
        "cache": lambda: per_round(ten["warm"][0], ten["cold"][0]),
        "memory": lambda: [max(memory.values())],
    }
    ratios = {key: ratio() for key, ratio in measured.items() if TARGET_GROUPS[key] in chosen}
    units = {"pre-commit": "x the floor", "pre-commit-yamllint": "x yamllint's time",
             "short-plans": "x yamllint", "vs-yamllint": "x yamllint", "vs-check-jsonschema": "x check-jsonschema",
             "vs-floor": "x the floor", "scaling": "", "cache": "of the first run", "memory": "MB"}

    trials = {key: trial_medians(values) for key, values in ratios.items()}

    def shown(key: str) -> str:
        scale, digits = (100, 1) if key == "cache" else (1, 0 if key == "memory" else 2)
        unit = "%" if key == "cache" else ""
        middle = f"{statistics.median(ratios[key]) * scale:.{digits}f}{unit}"
        values = trials[key]
        spread = (f" (trials {', '.join(f'{v * scale:.{digits}f}{unit}' for v in values)})"
                  if len(values) > 1 else "")
        return f"{middle} {units[key]}".rstrip() + spread

    passed = {key: all(test(value) for value in trials[key]) for key, (_, test) in TARGETS.items() if key in ratios}

    summaries = []
    directories = {"one": small, "short": short_dir, "tools": small, "floor": small, "10000": large, "memory": findings}
    for directory in dict.fromkeys(directories[group] for group in chosen):
        out = subprocess.run([aiplan, "lint", *LINT_FLAGS, "--no-cache", str(directory)],
                             capture_output=True, text=True, env=environment()).stdout.strip().splitlines()
        summaries.append(out[-1] if out else "(no output)")
    lines = []
    lines.append(f"aiplan benchmark: {platform.python_implementation()} {platform.python_version()}, "
                 f"{os.cpu_count()} cores, {platform.machine()} {platform.system()}; "
                 f"rounds: {', '.join(f'{group} {rounds[group]}' for group in chosen if group != 'memory')}; "
                 "every built-in rule but EVID (bench/evidence.py)")
    lines.append("command: " + " ".join(["python3 bench/run.py", *(["--quick"] if args.quick else []),
                                         *(f"--only {group}" for group in args.only or ())]))
    lines.append("corpus: " + " / ".join(summaries))
    lines.append("")
    lines.append("| measurement | files | median | min-max | files/s | runs |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    groups = {"one": one, "short": short, "tools": thousand, "floor": floor, "10000": ten}
    for group in chosen:
        for measure, _ in groups.get(group, {}).values():
            lines.append(measure.row())
    for label, megabytes in memory.items():
        lines.append(f"| peak memory, 10,000 plans, {label} | 10,000 | {megabytes:.0f} MB | | | 1 |")
    lines.append("")
    lines.append("| target | measured: median over all rounds (median of each trial) | result |")
    lines.append("|---|---|---|")
    for key in ratios:
        text = TARGETS[key][0]
        lines.append(f"| {text} | {shown(key)} | {'PASS' if passed[key] else 'FAIL'} |")
    print("\n".join(lines))

    series = {f"{prefix}:{key}": measure
              for prefix, group in (("1", one), ("short", short), ("1000", thousand), ("1000-floor", floor),
                                    ("10000", ten))
              for key, (measure, _) in group.items() if measure.times}
    (OUT / "results.json").write_text(json.dumps({
        "python": platform.python_version(), "cores": os.cpu_count(), "command": lines[1].removeprefix("command: "),
        "series": {key: {"label": s.label, "files": s.files, "times": s.times} for key, s in series.items()},
        "peak_rss_mb": memory, "ratios": ratios, "passed": passed,
    }, indent=2) + "\n")
    return 0 if all(passed.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
