"""Instructions a fresh ``aiplan lint`` of one plan executes, against the import floor.

Wall-clock time on a shared machine measures the neighbours as much as aiplan;
the number of instructions a process executes does not depend on load. This
runs, under valgrind's callgrind (``apt-get install valgrind``; about 50x
slower than normal, a few seconds each):

* the import floor of aiplan's dependencies: ``python -c "import click, pluggy, _ruamel_yaml"``;
* ``python -c pass`` (the interpreter alone);
* bench/run.py's pre-commit case: ``aiplan lint --cache-dir DIR PLAN`` of the
  first clean plan of the generated 1,000-plan corpus (seed 2024, with the files
  it names, ``--ignore EVID`` as there), just edited, with a cache that holds
  the other plans: a cache miss that also writes its entry;
* ``aiplan lint --no-cache`` of the same plan;
* the pre-commit case again with a configuration file at the corpus's root (most
  repositories have one): :data:`CONFIG`, a realistic ``.aiplan.toml`` with a few
  options, a rule's options, per-rule severities and an override (removed after);
* the pre-commit case again with a policy pack: a ``.aiplan.toml`` naming the two example
  packs (``examples/policies/security.yaml`` and ``governance.yaml``, copied beside the plans),
  unchanged since the run before, as in a repository that uses them (removed after);
* yamllint on the same plan, if it is installed (bench/.venv has it).

and prints each total (callgrind's ``Ir``) and aiplan's ratio to the floor.
``--importtime`` also lists aiplan's own modules by cumulative import time
(``python -X importtime``: a ranking, not a measurement). Generating the
corpus needs PyYAML (bench/.venv, or ``pip install pyyaml``).

    python3 bench/startup_profile.py [--importtime]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
EXAMPLE_PACKS = ("security.yaml", "governance.yaml")
IMPORT_FLOOR = "import click, pluggy, _ruamel_yaml"
LINT_FLAGS = ("--ignore", "EVID")
# The configured case's .aiplan.toml: what a team writes (README's Configuration section).
CONFIG = """\
# aiplan settings for every plan of this repository
extend-select = ["ACC"]
exclude = ["drafts", "archive/**"]
fail-on = "warning"
placeholders = ["to be confirmed", "ask the owner"]
max-file-size = 1048576

[severity]
FT003 = "error"
FIT003 = "warning"

[rules.FT003]
min_examples = 2000

[[overrides]]
paths = ["experiments/**", "team-9*/**"]
ignore = ["EVAL"]
severity = { FT005 = "info" }
"""


def instructions(command: list[str], cwd: str, before=None) -> int:
    """Instructions ``command`` executes (user space, every thread), by callgrind, after
    one unmeasured run that writes byte-code and caches. The count varies by well under
    1% between runs (hash randomisation), so one measured run is enough."""
    for _ in range(2):
        if before is not None:
            before()
        count = _instructions(command, cwd)
    return count


def _edit(plan: str) -> None:
    with open(plan, "ab") as handle:
        handle.write(b"# edited\n")


def _instructions(command: list[str], cwd: str) -> int:
    # Under valgrind a signal can arrive late: the watchdog's last SIGALRM, delivered after
    # the run restored the default action, ends the process early with a short count. A
    # run killed by a signal is not counted; it is run again.
    for _ in range(5):
        # A temporary file, not /dev/null: callgrind run as root may replace /dev/null with a
        # regular file, breaking it for every process on the machine.
        with tempfile.TemporaryDirectory(prefix="aiplan-callgrind-") as scratch:
            done = subprocess.run(["valgrind", "--tool=callgrind",
                                   f"--callgrind-out-file={os.path.join(scratch, 'callgrind.out')}", *command],
                                  cwd=cwd, capture_output=True, text=True, env=_environment())
        match = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
        if not match:
            raise SystemExit(f"callgrind gave no count for {command}:\n{done.stderr[-2000:]}")
        if done.returncode >= 0 and "Process terminating with default action" not in done.stderr:
            return int(match.group(1))
    raise SystemExit(f"{command} was killed by a signal in five runs under valgrind")


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIPLAN_", "PYTHON")) or k == "PYTHONHASHSEED"}  # a seed steadies the count
    env["NO_COLOR"] = "1"
    return env


def pre_commit_case(scratch: str, aiplan: str) -> tuple[str, str]:
    """The plan and cache directory of bench/run.py's pre-commit case (its corpus, seed and pick)."""
    corpus = os.path.join(scratch, "plans")
    subprocess.run([sys.executable, str(BENCH / "generate_plans.py"), corpus, "--count", "1000", "--seed", "2024"],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, str(BENCH / "referenced_files.py"), corpus], check=True, capture_output=True)
    manifest = json.loads((Path(corpus) / "manifest.json").read_text())
    plan = os.path.join(corpus, next(path for path, rules in sorted(manifest.items()) if not rules))
    cache = os.path.join(scratch, "cache")
    subprocess.run([aiplan, "lint", *LINT_FLAGS, "--cache-dir", cache, corpus], capture_output=True,
                   env=_environment())
    with open(plan, "ab") as handle:
        handle.write(b"# edit 0\n")  # as bench/run.py does before each run: a cache miss
    return plan, cache


def own_imports(plan: str, cwd: str, top: int = 15) -> list[str]:
    code = ("import sys; from aiplan.cli.main import main\n"
            f"try: main(['lint', '--no-cache', *{LINT_FLAGS!r}, {plan!r}], prog_name='aiplan')\n"
            "except SystemExit: pass")
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=cwd, capture_output=True,
                          text=True, env=_environment())
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip().startswith("aiplan") and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    return [f"{us:>8} us  {name}" for us, name in rows[:top]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--importtime", action="store_true", help="also rank aiplan's own imports")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    aiplan = shutil.which("aiplan") or raise_missing()
    with tempfile.TemporaryDirectory(prefix="aiplan-startup-") as scratch:
        plan, cache = pre_commit_case(scratch, aiplan)
        cwd = os.path.dirname(plan)
        pre_commit = "aiplan lint --cache-dir DIR (one edited plan, the bench's pre-commit case)"
        counts = {
            "python -c pass": instructions([sys.executable, "-c", "pass"], cwd),
            f'python -c "{IMPORT_FLOOR}"': instructions([sys.executable, "-c", IMPORT_FLOOR], cwd),
            # The first run writes the plan's entry; each counted run is then a miss again (a new edit).
            pre_commit: instructions([aiplan, "lint", *LINT_FLAGS, "--cache-dir", cache, plan], cwd,
                                     before=lambda: _edit(plan)),
            "aiplan lint --no-cache (the same plan)": instructions([aiplan, "lint", "--no-cache", *LINT_FLAGS, plan],
                                                                   cwd),
        }
        configured = "aiplan lint --cache-dir DIR (the same, with a .aiplan.toml)"
        config = Path(scratch, "plans", ".aiplan.toml")
        config.write_text(CONFIG, encoding="utf-8")
        try:
            counts[configured] = instructions([aiplan, "lint", *LINT_FLAGS, "--cache-dir", cache, plan], cwd,
                                              before=lambda: _edit(plan))
        finally:
            config.unlink()
        with_packs = "aiplan lint --cache-dir DIR (the same, with the two example policy packs)"
        packs = Path(scratch, "plans", "policies")
        packs.mkdir()
        for name in EXAMPLE_PACKS:
            shutil.copyfile(BENCH.parent / "examples" / "policies" / name, packs / name)
        config.write_text(f"policy-packs = {json.dumps([f'policies/{name}' for name in EXAMPLE_PACKS])}\n",
                          encoding="utf-8")
        try:
            counts[with_packs] = instructions([aiplan, "lint", *LINT_FLAGS, "--cache-dir", cache, plan], cwd,
                                              before=lambda: _edit(plan))
        finally:
            config.unlink()
            shutil.rmtree(packs)
        yamllint = shutil.which("yamllint")
        if yamllint:
            counts["yamllint -d default (the same plan)"] = instructions([yamllint, "-d", "default", plan], cwd)
        print(f"plan: {plan}")
        for label, count in counts.items():
            print(f"{count / 1e6:10.1f} M instructions  {label}")
        floor = counts[f'python -c "{IMPORT_FLOOR}"']
        interpreter = counts["python -c pass"]
        ours = counts[pre_commit]
        print(f"aiplan / import floor: {ours / floor:.2f}x; aiplan's own share: {(ours - floor) / 1e6:.1f} M "
              f"({(ours - floor) / (ours - interpreter):.0%} of what runs after the interpreter starts)")
        print(f"with a configuration file: {counts[configured] / floor:.2f}x the import floor, "
              f"{(counts[configured] - ours) / 1e6:+.1f} M over the case without")
        print(f"with two policy packs: {counts[with_packs] / floor:.2f}x the import floor, "
              f"{(counts[with_packs] - ours) / 1e6:+.1f} M over the case without")
        if args.importtime:
            print("aiplan's own modules by cumulative import time (a ranking; times vary with load):")
            print("\n".join(own_imports(plan, cwd)))


def raise_missing() -> str:
    raise SystemExit("aiplan is not on PATH: activate the environment it is installed in")


if __name__ == "__main__":
    main()
