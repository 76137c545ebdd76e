"""Where the instructions of a fresh ``aiplan lint`` of one plan go, by import stage.

Runs bench/startup_profile.py's pre-commit case (the first clean plan of the generated
1,000-plan corpus, just edited, with a cache that holds the others, ``--ignore EVID``)
once under callgrind, with a marker (a call of ``os.getppid``, on which callgrind dumps
its counts: ``--dump-before=os_getppid``) at each step of every module's import:

* *find*: the import system asks its finders (a meta-path finder placed first, which
  finds nothing, marks the moment); from here to *start* it finds the module and
  creates it (the path finder's directory and file checks, the spec, the module);
* *start*: the loader reads the ``.pyc`` and unmarshals the byte code;
* *loaded*: the module's body runs (classes, tables, its own imports);
* *end*: the body is done.

and prints, for aiplan's modules and for the others imported while aiplan's load
(the standard library's and the dependencies' that the import floor does not import):
finding and creating, reading and unmarshalling, and running bodies, plus what runs
before aiplan's first module and after the last one. The module lock and the
bookkeeping around a finder (``importlib._bootstrap._find_and_load``) fall into the
body of the module whose ``import`` statement asked. Counts are those of one run
(``PYTHONHASHSEED=0``), after an unmeasured run that writes byte code and caches; the
markers add about 2 M to the total (bench/startup_profile.py counts without them).

    python3 bench/import_split.py [--top 15]
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from startup_profile import IMPORT_FLOOR, LINT_FLAGS, _edit, _environment, pre_commit_case, raise_missing  # noqa: E402

# Run by the measured interpreter: the markers, then aiplan's console-script entry point.
MARKED_RUN = r"""
import os, sys
from importlib.machinery import SourceFileLoader

log, marker = [], os.getppid
load = SourceFileLoader.exec_module

class Marker:
    @staticmethod
    def find_spec(name, path=None, target=None):
        log.append(("find", name)); marker()
        return None

def exec_module(self, module):
    name = module.__name__
    log.append(("start", name)); marker()
    try:
        code = self.get_code(name)
        log.append(("loaded", name)); marker()
        exec(code, module.__dict__)
    finally:
        log.append(("end", name)); marker()

def write_log(exit=os._exit):
    log.append(("exit", "")); marker()
    with open(LOG, "w", encoding="utf-8") as handle:
        handle.writelines(f"{kind} {name}\n" for kind, name in log)

SourceFileLoader.exec_module = exec_module
sys.meta_path.insert(0, Marker)
real_exit = os._exit
os._exit = lambda code: (write_log(), real_exit(code))
sys.argv[0] = "aiplan"
from aiplan.cli import run
try:
    run()
finally:
    write_log()
"""


def split(directory: str, log_path: str) -> dict:
    """The stages' counts from callgrind's dumps in ``directory`` and the marker log."""
    marks = [line.split(" ", 1) for line in open(log_path, encoding="utf-8").read().splitlines()]
    marks = [(kind, name) for kind, name in marks]
    segments = []  # segments[k]: the instructions from marker k (0: the start) to the next
    for number in range(1, len(marks) + 1):  # what follows the last marker (writing the log) is left out
        with open(os.path.join(directory, f"callgrind.out.{number}"), encoding="utf-8") as handle:
            segments.append(next(int(line.split()[1]) for line in handle if line.startswith(("summary:", "totals:"))))
    segments.append(0)
    finding, reading, body = Counter(), Counter(), Counter()
    loading: list[str] = []
    outside = Counter()
    first_ours = next(k for k, (kind, name) in enumerate(marks) if name.startswith("aiplan"))
    outside["before aiplan's first module"] = sum(segments[:first_ours + 1])
    for k, (kind, name) in enumerate(marks[first_ours:], start=first_ours + 1):
        cost = segments[k]
        if kind == "find":
            finding[name] += cost
        elif kind == "start":
            loading.append(name)
            reading[name] += cost
        elif kind == "loaded":
            body[name] += cost
        elif kind == "end":
            loading.pop()
            if loading:
                body[loading[-1]] += cost
            else:
                outside["between and after imports (the run)"] += cost
    return {"finding": finding, "reading": reading, "body": body, "outside": outside}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15, help="how many of aiplan's module bodies to list")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    aiplan = shutil.which("aiplan") or raise_missing()
    with tempfile.TemporaryDirectory(prefix="aiplan-import-split-") as scratch:
        plan, cache = pre_commit_case(scratch, aiplan)
        cwd = os.path.dirname(plan)
        floor = subprocess.run([sys.executable, "-c", f"{IMPORT_FLOOR}; import sys; print(*sys.modules)"],
                               capture_output=True, text=True, env=_environment(), check=True).stdout.split()
        log_path = os.path.join(scratch, "marks.txt")
        code = f"LOG = {log_path!r}\n" + MARKED_RUN
        command = [sys.executable, "-c", code, "lint", *LINT_FLAGS, "--cache-dir", cache, plan]
        _edit(plan)
        subprocess.run(command, cwd=cwd, capture_output=True, env=_environment())  # writes byte code
        _edit(plan)
        dumps = os.path.join(scratch, "dumps")
        os.mkdir(dumps)
        done = subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no", "--dump-before=os_getppid",
                               f"--callgrind-out-file={os.path.join(dumps, 'callgrind.out')}", *command],
                              cwd=cwd, capture_output=True, text=True, env=_environment())
        if "Collected" not in done.stderr or len(glob.glob(os.path.join(dumps, "callgrind.out.*"))) < 2:
            raise SystemExit(f"callgrind gave no dumps:\n{done.stderr[-2000:]}")
        stages = split(dumps, log_path)
    finding, reading, body = stages["finding"], stages["reading"], stages["body"]
    ours = sorted(name for name in reading if name.startswith("aiplan"))
    others = sorted(name for name in reading if not name.startswith("aiplan") and name not in set(floor))

    def row(count: float, label: str) -> None:
        print(f"{count / 1e6:10.1f} M  {label}")

    print(f"plan: {plan}")
    total = sum(stages["outside"].values()) + sum(finding.values()) + sum(reading.values()) + sum(body.values())
    row(total, "in all")
    for label, count in stages["outside"].items():
        row(count, label)
    for group, names in ((f"aiplan's {len(ours)} modules", ours),
                         (f"{len(others)} other modules the import floor does not import: {', '.join(others)}", others)):
        print(group)
        row(sum(finding[n] for n in names), "  finding and creating them")
        row(sum(reading[n] for n in names), "  reading and unmarshalling their byte code")
        row(sum(body[n] for n in names), "  running their bodies (and the import system around their imports)")
    floor_count = sum(finding[n] + reading[n] + body[n] for n in reading if n not in ours and n not in others)
    row(floor_count, "modules the import floor imports too (click's, pluggy's, ruamel's, the standard library's)")
    print(f"aiplan's module bodies, the {args.top} largest (with the import system's work for their own imports):")
    for name, count in body.most_common():
        if name in ours and args.top > 0:
            row(count, f"  {name} (reading {reading[name] / 1e6:.2f} M)")
            args.top -= 1


if __name__ == "__main__":
    main()
