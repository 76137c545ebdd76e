#!/usr/bin/env python3
"""Bench of the held-out contamination check (EVID002, EVID003), with a reference.

    python3 bench/evidence.py                 # 1,000,000 training records vs 10,000 held out
    python3 bench/evidence.py --short         # a quick run: 200,000 vs 2,000

What it does:

1. Generates, seeded, a training file of chat records (JSON Lines, one user
   and one assistant turn; the user turn is 20 to 35 words) and a held-out set
   of distinct records, then plants held-out records in the training data: a
   share exactly (after normalisation: the copy differs in case and spacing)
   and a share lightly edited (one word replaced, inserted or deleted).
2. Runs, each in a fresh process so that its peak memory (max RSS) is its
   own: aiplan's exact check (EVID002: one streaming pass over the training
   data), aiplan's exact and near-duplicate check (EVID003: MinHash/LSH with
   ``datasketch``, Jaccard of word 2-grams at least 0.8), and a reference
   implementation of the same exact check in DuckDB (``read_json`` of both
   files, the same normalisation in SQL, a join).
3. Prints a Markdown table: time, peak memory, recall of the planted exact
   copies and of the planted edits, and the targets (every exact copy found,
   at least 90% of the edits, peak memory under 300 MB, exact check within
   3x of the reference's time). ``bench/out/evidence.json`` keeps the numbers.

DuckDB is installed into ``bench/.venv-evidence`` if it is not importable
(``bench/requirements.txt`` pins it); aiplan runs from this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SOURCE = os.path.join(ROOT, "src")


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))))
    return sorted(words)


def _sentence(rng: random.Random, words: list[str]) -> list[str]:
    return [rng.choice(words) for _ in range(rng.randint(20, 35))]


def _edit(rng: random.Random, sentence: list[str], words: list[str]) -> list[str]:
    edited = list(sentence)
    where = rng.randrange(1, len(edited) - 1)
    kind = rng.choice(("replace", "insert", "delete"))
    if kind == "replace":
        edited[where] = rng.choice(words)
    elif kind == "insert":
        edited.insert(where, rng.choice(words))
    else:
        del edited[where]
    return edited


def _record(text: str, reply: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]})


def generate(folder: str, records: int, held_out: int, share: float, seed: int = 42) -> dict:
    """Write train.jsonl and held_out.jsonl; return which held-out lines were planted how."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    held = [_sentence(rng, words) for _ in range(held_out)]
    planted = rng.sample(range(held_out), int(held_out * share))
    exact = sorted(planted[: len(planted) // 2])
    edited = sorted(planted[len(planted) // 2:])
    # Where the planted copies go in the training data (positions are distinct).
    positions = dict(zip(rng.sample(range(records), len(planted)), exact + edited))
    exact_set = set(exact)
    with open(os.path.join(folder, "held_out.jsonl"), "w", encoding="utf-8") as out:
        for index, sentence in enumerate(held):
            out.write(_record(" ".join(sentence), f"answer {index}") + "\n")
    with open(os.path.join(folder, "train.jsonl"), "w", encoding="utf-8") as out:
        for index in range(records):
            source = positions.get(index)
            if source is None:
                text = " ".join(_sentence(rng, words))
            elif source in exact_set:
                text = "  " + " ".join(held[source]).upper().replace(" ", "   ") + " "
            else:
                text = " ".join(_edit(rng, held[source], words))
            out.write(_record(text, f"reply {index}") + "\n")
    return {"exact": [i + 1 for i in exact], "edited": [i + 1 for i in edited]}


def _generated(args) -> dict:
    """The corpus for ``args``: generated, or reused when a previous run wrote the same one."""
    manifest = os.path.join(args.corpus, "planted.json")
    wanted = [args.records, args.held_out, args.share]
    try:
        with open(manifest, encoding="utf-8") as handle:
            kept = json.load(handle)
        if kept["args"] == wanted and all(os.path.exists(os.path.join(args.corpus, name))
                                          for name in ("train.jsonl", "held_out.jsonl")):
            return kept["planted"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    planted = generate(args.corpus, args.records, args.held_out, args.share)
    with open(manifest, "w", encoding="utf-8") as out:
        json.dump({"args": wanted, "planted": planted}, out)
    return planted


# -- the measured runs (each in its own process) ----------------------------------------


# aiplan may read the second half of a large file in a forked child: its peak
# memory is added to the process's own (an upper bound of the two at once).
PEAK = ("(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss"
        " + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024")

AIPLAN_RUN = r"""
import json, resource, sys, time
sys.path.insert(0, {source!r})
from aiplan.evidence.overlap import training_pass
from aiplan.evidence.profile import FileSettings
import aiplan.evidence.overlap as overlap
overlap.FIRST = 10 ** 9   # keep every pair: recall is measured on them
folder, near = {folder!r}, {near!r}
start = time.perf_counter()
passed = training_pass(("train.jsonl", ((folder + "/train.jsonl", "train.jsonl"),), FileSettings()),
                       [("held_out.jsonl", ((folder + "/held_out.jsonl", "held_out.jsonl"),), FileSettings())],
                       1 << 40, ((0.8, 2),) if near else ())
result = passed.near[0][1] if near else passed.exact
seconds = time.perf_counter() - start
found = result.overlaps[0]
print(json.dumps({{"seconds": seconds, "rss_mb": {peak},
                  "exact": sorted({{line for line, _ in found.first_exact}}),
                  "near": sorted({{line for line, _, _ in found.first_near}}),
                  "training_records": result.training_records}}))
"""

LINT_RUN = r"""
import json, os, resource, sys, time
sys.path.insert(0, {source!r})
from aiplan.lint.engine import lint_file
from aiplan.parse.loader import Limits
from aiplan.testing import build_context
folder = {folder!r}
plan = os.path.join(folder, "bench.aiplan.yaml")
with open(plan, "w", encoding="utf-8") as out:
    out.write("aiplan: 1\nname: Evidence bench\napproach: fine_tuning\nfine_tuning:\n  dataset:\n"
              "    path: train.jsonl\n    examples: {records}\n  evaluation:\n    held_out:\n"
              "      path: held_out.jsonl\n      size: {held_out}\n      disjoint_from_training: true\n")
from dataclasses import replace
ctx = build_context(select=["EVID"], limits=Limits(max_evidence_bytes=1 << 40))
ctx = replace(ctx, config=replace(ctx.config, file_timeout=None, rule_timeout=None))
start = time.perf_counter()
result = lint_file(plan, "bench.aiplan.yaml", ctx)
seconds = time.perf_counter() - start
assert not result.errors, result.errors
print(json.dumps({{"seconds": seconds, "rss_mb": {peak},
                  "rules": sorted({{f.rule for f in result.findings}})}}))
"""

DUCKDB_RUN = r"""
import json, resource, time
import duckdb
folder = {folder!r}
start = time.perf_counter()
con = duckdb.connect()
con.execute("SET threads TO 2")
con.execute("SET enable_progress_bar = false")  # its bar shares stdout with the JSON result line
normal = "lower(trim(regexp_replace(nfc_normalize(messages[1].content), '\\s+', ' ', 'g')))"
rows = con.execute(f'''
    WITH held AS (
        SELECT row_number() OVER () AS line, {{normal}} AS text
        FROM read_json('{{folder}}/held_out.jsonl', format = 'newline_delimited',
                       columns = {{{{'messages': 'STRUCT(role VARCHAR, content VARCHAR)[]'}}}})),
    train AS (
        SELECT DISTINCT {{normal}} AS text
        FROM read_json('{{folder}}/train.jsonl', format = 'newline_delimited',
                       columns = {{{{'messages': 'STRUCT(role VARCHAR, content VARCHAR)[]'}}}}))
    SELECT held.line FROM held JOIN train USING (text) ORDER BY held.line
''').fetchall()
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "exact": [row[0] for row in rows], "near": []}}))
"""


def _python_with_duckdb() -> str:
    try:
        import duckdb  # noqa: F401  (the reference runs in this interpreter when it can)
        return sys.executable
    except ImportError:
        pass
    venv = os.path.join(HERE, ".venv-evidence")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "duckdb"], check=True)
    return python


def _run(python: str, code: str) -> dict:
    done = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _recall(found: list[int], planted: list[int]) -> float:
    return len(set(found) & set(planted)) / len(planted) if planted else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--held-out", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.1, help="share of held-out records planted in training")
    parser.add_argument("--corpus", default=os.path.join(tempfile.gettempdir(), "aiplan-evidence-bench"))
    parser.add_argument("--short", action="store_true",
                        help="a quick run: 200,000 training records against 2,000 held out")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each check runs, interleaved (median, min-max; a target must hold in every round)")
    args = parser.parse_args(argv)
    if args.short:
        args.records, args.held_out = 200_000, 2_000
    os.makedirs(args.corpus, exist_ok=True)
    start = time.perf_counter()
    planted = _generated(args)
    size = os.path.getsize(os.path.join(args.corpus, "train.jsonl"))
    print(f"generated {args.records:,} training records ({size / 2**20:.0f} MB) and {args.held_out:,} held out "
          f"in {time.perf_counter() - start:.0f} s; planted {len(planted['exact']):,} exact copies and "
          f"{len(planted['edited']):,} edits", file=sys.stderr)
    checks = {
        "aiplan exact (EVID002)": (sys.executable, AIPLAN_RUN.format(source=SOURCE, folder=args.corpus, near=False,
                                                                     peak=PEAK)),
        "aiplan exact + near (EVID002 + EVID003)": (sys.executable, AIPLAN_RUN.format(
            source=SOURCE, folder=args.corpus, near=True, peak=PEAK)),
        "DuckDB reference (exact)": (_python_with_duckdb(), DUCKDB_RUN.format(folder=args.corpus)),
        # The whole EVID rule set on a plan naming both files: one streaming pass over the
        # training data feeds every rule (profile, exact and near duplicates together).
        "aiplan lint, every EVID rule": (sys.executable, LINT_RUN.format(
            source=SOURCE, folder=args.corpus, records=args.records, held_out=args.held_out, peak=PEAK)),
    }
    rounds: dict[str, list[dict]] = {name: [] for name in checks}
    for number in range(1, args.rounds + 1):  # interleaved, so a busy moment hits every check alike
        for name, (python, code) in checks.items():
            rounds[name].append(_run(python, code))
        print(f"round {number}/{args.rounds}: " + ", ".join(
            f"{name.split(' (')[0]} {rounds[name][-1]['seconds']:.1f} s" for name in checks), file=sys.stderr)
    reference = [run["seconds"] for run in rounds["DuckDB reference (exact)"]]
    lines = [
        f"Training set: {args.records:,} chat records ({size / 2**20:.0f} MB of JSON Lines); held out: "
        f"{args.held_out:,}, of which {len(planted['exact']):,} planted exactly (case and spacing changed) and "
        f"{len(planted['edited']):,} lightly edited (one word replaced, inserted or deleted). "
        f"{args.rounds} rounds: median time (min-max), the largest peak memory, the ratio to the reference "
        "in each round (median, min-max).",
        "",
        "| check | time | peak memory (RSS) | exact copies found | edits found | time vs reference |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def spread(values: list[float], unit: str, digits: int) -> str:
        return (f"{statistics.median(values):.{digits}f}{unit} "
                f"({min(values):.{digits}f}-{max(values):.{digits}f}{unit})")

    for name, runs in rounds.items():
        seconds = [run["seconds"] for run in runs]
        ratios = [run["seconds"] / ref for run, ref in zip(runs, reference)]
        if "rules" in runs[0]:
            name = f"{name} ({', '.join(runs[0]['rules'])})"
            found = edits = "n/a"
        else:
            found = f"{min(_recall(run['exact'], planted['exact']) for run in runs):.1%}"
            edits = "n/a" if "near" not in name else f"{min(_recall(run['near'], planted['edited']) for run in runs):.1%}"
        lines.append(f"| {name} | {spread(seconds, ' s', 1)} | {max(run['rss_mb'] for run in runs):.0f} MB | "
                     f"{found} | {edits} | {spread(ratios, 'x', 2)} |")
    exact, near = rounds["aiplan exact (EVID002)"], rounds["aiplan exact + near (EVID002 + EVID003)"]
    targets = [
        ("every planted exact copy found", all(_recall(run["exact"], planted["exact"]) == 1.0 for run in exact + near)),
        ("at least 90% of the edits found", all(_recall(run["near"], planted["edited"]) >= 0.9 for run in near)),
        ("peak memory under 300 MB", max(run["rss_mb"] for run in exact + near) < 300),
        ("exact check within 3x of the reference's time, in every round",
         all(run["seconds"] <= 3 * ref for run, ref in zip(exact, reference))),
        ("no false exact matches", all(set(run["exact"]) <= set(planted["exact"]) for run in exact)),
    ]
    lines.append("")
    lines += [f"- {'PASS' if ok else 'FAIL'}: {name}" for name, ok in targets]
    print("\n".join(lines))
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", "evidence.json"), "w", encoding="utf-8") as out:
        json.dump({"args": vars(args), "runs": {k: [{key: v for key, v in run.items() if key not in ("exact", "near", "rules")}
                                                   for run in runs] for k, runs in rounds.items()},
                   "targets": dict(targets)}, out, indent=2)
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
