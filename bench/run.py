#!/usr/bin/env python3
"""aiplan's benchmark: one command, the same files for every tool, ratios.

    python3 bench/run.py            # full run (about 6 minutes on 2 cores)
    python3 bench/run.py --quick    # fewer repetitions (about 3 minutes)

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
3. Times, as fresh processes, each measurement several times, interleaving the
   tools so that background load hits them alike, and takes medians:
   one plan (the pre-commit case), 1,000 plans in one process, 1,000 and
   10,000 plans on all cores, the libyaml parse floor, peak memory, and a
   second run over unchanged files (cache hit).
4. Prints the table with ratios between tools measured in this run (absolute
   times vary between machines; the ratios are the result) and PASS/FAIL for
   each target. ``bench/out/results.json`` keeps the raw numbers.

Every built-in rule runs (the default selection). Only the standard library
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
TARGETS = {
    "vs-yamllint": "throughput, one process: >= 5x yamllint's files/s (1,000 plans)",
    "vs-check-jsonschema": "throughput, one process: >= 2x check-jsonschema's files/s (1,000 plans)",
    "vs-floor": "throughput, one process: within 4x of the libyaml parse floor (1,000 plans)",
    "scaling": "all cores: 10,000 plans <= 1.2 x 10 x the 1,000-plan time",
    "memory": "peak memory (largest process) for 10,000 plans < 150 MB",
    "pre-commit": "one plan, fresh process: wall time <= yamllint's on the same file",
    "cache": "second run over 10,000 unchanged plans <= 15% of the first",
}


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


def generate(corpus: Path, count: int, log) -> Path:
    target = corpus / f"plans-{count}"
    scripts = (BENCH / "generate_plans.py").read_bytes() + (BENCH / "referenced_files.py").read_bytes()
    stamp = target / ".generator.sha256"
    wanted = hashlib.sha256(scripts + f"{count}:{SEED}".encode()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return target
    log(f"generating {count:,} plans in {target}")
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run([sys.executable, str(BENCH / "generate_plans.py"), str(target), "--count", str(count),
                    "--seed", str(SEED)], check=True, stderr=subprocess.DEVNULL)
    subprocess.run([bin_path("python"), str(BENCH / "referenced_files.py"), str(target)], check=True,
                   stderr=subprocess.DEVNULL)
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
    """Repeated timings of one measurement; the median is what counts."""

    def __init__(self, label: str, files: int):
        self.label = label
        self.files = files
        self.times: list[float] = []

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self) -> tuple:
        return (self.label, self.files, self.median, self.files / self.median if self.median else 0.0, len(self.times))


def interleaved(series: dict[str, tuple[Series, callable]], rounds: int, log) -> None:
    for number in range(rounds):
        for key, (measure, run) in series.items():
            measure.times.append(run())
        log(f"  round {number + 1}/{rounds}: " + ", ".join(
            f"{key} {measure.times[-1]:.2f}s" for key, (measure, _) in series.items()))


# -- the benchmark --------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--skip-setup", action="store_true", help="use bench/.venv as it is")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="where to generate the plans (default: a directory under the system temp dir)")
    args = parser.parse_args(argv)
    rounds_single, rounds_1k, rounds_10k = (7, 3, 2) if args.quick else (21, 5, 3)

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    if not args.skip_setup:
        setup_venv(log)
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = (args.corpus or default_corpus()).resolve()
    if ROOT in corpus.parents or corpus == ROOT:
        parser.error("--corpus must be outside this checkout (its pyproject.toml would configure the run)")
    small = generate(corpus, 1000, log)
    large = generate(corpus, 10_000, log)
    small_files = plan_files(small)
    single = pick_single(small)
    aiplan, yamllint, cjs, python = bin_path("aiplan"), bin_path("yamllint"), bin_path("check-jsonschema"), bin_path("python")
    scratch = Path(tempfile.mkdtemp(prefix="aiplan-bench-"))
    counter = iter(range(10**9))

    def fresh_cache() -> str:
        return str(scratch / f"cache-{next(counter)}")

    # Warm the page cache and byte-code once for every tool.
    for command in ([aiplan, "lint", "--no-cache", str(small)], [yamllint, "-d", "default", str(single)],
                    [cjs, "--schemafile", str(SCHEMA), str(single)], [python, str(BENCH / "libyaml_floor.py"), str(single)]):
        timed(command)

    log(f"one plan, fresh process ({rounds_single} rounds): {single}")
    # The pre-commit case: a plan was just edited, in a repository whose cache
    # holds the other plans. Each round changes the plan (a comment line), so
    # every aiplan run is a cache miss that also writes its entry.
    precommit_cache = fresh_cache()
    timed([aiplan, "lint", "--cache-dir", precommit_cache, str(small)])
    original = single.read_bytes()
    edits = iter(range(10**9))

    def edited() -> str:
        single.write_bytes(original + f"# edit {next(edits)}\n".encode())
        return str(single)

    one = {
        "aiplan": (Series("aiplan lint (one plan)", 1),
                   lambda: timed([aiplan, "lint", "--cache-dir", precommit_cache, edited()])),
        "yamllint": (Series("yamllint (one plan)", 1), lambda: timed([yamllint, "-d", "default", str(single)])),
        "check-jsonschema": (Series("check-jsonschema (one plan)", 1),
                             lambda: timed([cjs, "--schemafile", str(SCHEMA), str(single)])),
    }
    try:
        interleaved(one, rounds_single, log)
    finally:
        single.write_bytes(original)

    log(f"1,000 plans ({rounds_1k} rounds)")
    thousand = {
        "aiplan-j1": (Series("aiplan lint -j 1 (one process)", 1000),
                      lambda: timed([aiplan, "lint", "--no-cache", "-j", "1", str(small)])),
        "aiplan": (Series("aiplan lint (all cores)", 1000), lambda: timed([aiplan, "lint", "--no-cache", str(small)])),
        "yamllint": (Series("yamllint", 1000), lambda: timed([yamllint, "-d", "default", str(small)])),
        "check-jsonschema": (Series("check-jsonschema", 1000),
                             lambda: timed([cjs, "--schemafile", str(SCHEMA), *small_files])),
        "floor": (Series("libyaml parse floor (CSafeLoader compose)", 1000),
                  lambda: timed([python, str(BENCH / "libyaml_floor.py"), *small_files])),
    }
    interleaved(thousand, rounds_1k, log)

    log(f"10,000 plans ({rounds_10k} rounds)")
    cold_dirs: list[str] = []

    def cold() -> float:
        cold_dirs.append(fresh_cache())
        return timed([aiplan, "lint", "--cache-dir", cold_dirs[-1], str(large)])

    def warm() -> float:
        return timed([aiplan, "lint", "--cache-dir", cold_dirs[-1], str(large)])

    ten = {
        "aiplan": (Series("aiplan lint (all cores)", 10_000),
                   lambda: timed([aiplan, "lint", "--no-cache", str(large)])),
        "cold": (Series("aiplan lint, first run (cache written)", 10_000), cold),
        "warm": (Series("aiplan lint, second run (cache hit)", 10_000), warm),
    }
    interleaved(ten, rounds_10k, log)
    memory = peak_rss_mb([aiplan, "lint", "--no-cache", str(large)])
    memory_cached = peak_rss_mb([aiplan, "lint", "--cache-dir", fresh_cache(), str(large)])
    shutil.rmtree(scratch, ignore_errors=True)

    # -- report -------------------------------------------------------------------
    m = {f"{prefix}:{key}": measure for prefix, group in (("1", one), ("1000", thousand), ("10000", ten))
         for key, (measure, _) in group.items()}
    ratios = {
        "vs-yamllint": thousand["yamllint"][0].median / thousand["aiplan-j1"][0].median,
        "vs-check-jsonschema": thousand["check-jsonschema"][0].median / thousand["aiplan-j1"][0].median,
        "vs-floor": thousand["aiplan-j1"][0].median / thousand["floor"][0].median,
        "scaling": ten["aiplan"][0].median / (10 * thousand["aiplan"][0].median),
        "memory": max(memory, memory_cached),
        "pre-commit": one["aiplan"][0].median / one["yamllint"][0].median,
        "cache": ten["warm"][0].median / ten["cold"][0].median,
    }
    passed = {
        "vs-yamllint": ratios["vs-yamllint"] >= 5,
        "vs-check-jsonschema": ratios["vs-check-jsonschema"] >= 2,
        "vs-floor": ratios["vs-floor"] <= 4,
        "scaling": ratios["scaling"] <= 1.2,
        "memory": ratios["memory"] < 150,
        "pre-commit": ratios["pre-commit"] <= 1,
        "cache": ratios["cache"] <= 0.15,
    }
    shown = {
        "vs-yamllint": f"{ratios['vs-yamllint']:.1f}x yamllint",
        "vs-check-jsonschema": f"{ratios['vs-check-jsonschema']:.1f}x check-jsonschema",
        "vs-floor": f"{ratios['vs-floor']:.2f}x the floor",
        "scaling": f"{ratios['scaling']:.2f} (10k time / 10 x 1k time)",
        "memory": f"{memory:.0f} MB (with cache: {memory_cached:.0f} MB)",
        "pre-commit": f"{ratios['pre-commit']:.2f}x yamllint's time",
        "cache": f"{100 * ratios['cache']:.1f}% of the first run",
    }

    summaries = []
    for directory in (small, large):
        out = subprocess.run([aiplan, "lint", "--no-cache", str(directory)], capture_output=True, text=True,
                             env=environment()).stdout.strip().splitlines()
        summaries.append(out[-1] if out else "(no output)")
    lines = []
    lines.append(f"aiplan benchmark: {platform.python_implementation()} {platform.python_version()}, "
                 f"{os.cpu_count()} cores, {platform.machine()} {platform.system()}; "
                 f"medians of {rounds_single}/{rounds_1k}/{rounds_10k} runs; every built-in rule enabled")
    lines.append(f"corpus: {summaries[0]} / {summaries[1]}")
    lines.append("")
    lines.append("| measurement | files | median wall time | files/s | runs |")
    lines.append("|---|---:|---:|---:|---:|")
    for group in (one, thousand, ten):
        for measure, _ in group.values():
            label, files, median, rate, runs = measure.row()
            lines.append(f"| {label} | {files:,} | {median * 1000:,.0f} ms | {rate:,.0f} | {runs} |")
    lines.append(f"| peak memory, 10,000 plans (largest process) | 10,000 | {memory:.0f} MB "
                 f"({memory_cached:.0f} MB writing the cache) | | 1 |")
    lines.append("")
    lines.append("| target | measured | result |")
    lines.append("|---|---|---|")
    for key, text in TARGETS.items():
        lines.append(f"| {text} | {shown[key]} | {'PASS' if passed[key] else 'FAIL'} |")
    print("\n".join(lines))

    (OUT / "results.json").write_text(json.dumps({
        "python": platform.python_version(), "cores": os.cpu_count(),
        "series": {key: {"label": s.label, "files": s.files, "times": s.times} for key, s in m.items()},
        "peak_rss_mb": {"no_cache": memory, "cache": memory_cached},
        "ratios": ratios, "passed": passed,
    }, indent=2) + "\n")
    return 0 if all(passed.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
