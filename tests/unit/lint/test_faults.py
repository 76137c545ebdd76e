"""Faults and isolation: broken plugins and rules are reported by name with
exit 3 while every other finding stays; Ctrl-C exits 130 without a traceback
or a partial file."""

import itertools
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import EXAMPLES

from aiplan import fileio
from aiplan.lint.engine import run_rule
from aiplan.lint.isolation import MAX_VIOLATIONS
from aiplan.parse.loader import load_text
from aiplan.core.rule import make_rule
from aiplan.core.budget import Budget, Watchdog

FLAWED = EXAMPLES / "ticket-formatter.aiplan.yaml"
FLAWED_FINDINGS = [("BASE001", 16, 13), ("FT001", 19, 1)]

HEADER = """\
import time
from aiplan.api import Severity, Violation, hookimpl, rule
"""


def rule_module(*bodies, ids=None):
    """Source of a plugin module with one rule per body (the body of its check)."""
    parts = [HEADER]
    names = []
    for number, body in enumerate(bodies, start=1):
        rule_id = (ids or [])[number - 1] if ids else f"ACME{number:03d}"
        name = f"rule_{number}"
        names.append(name)
        parts.append(
            f'@rule("{rule_id}", "acme-rule-{number}", Severity.WARNING)\n'
            f"def {name}(plan, options):\n"
            f'    """An ACME rule."""\n'
            + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n"
        )
    parts.append(f"@hookimpl\ndef aiplan_rules():\n    return [{', '.join(names)}]\n")
    return "\n".join(parts)


_counter = itertools.count()


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """Write a module importable by ``--plugin NAME``; returns the name."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def make(source):
        name = f"acme_fault_{os.getpid()}_{next(_counter)}"
        (folder / f"{name}.py").write_text(source)
        monkeypatch.delitem(sys.modules, name, raising=False)
        return name

    return make


def lint(cli, *args):
    result = cli("lint", "--format", "json", *args, FLAWED)
    document = json.loads(result.stdout)
    found = [(f["rule"], f["line"], f["column"]) for f in document["findings"]]
    return result.exit_code, found, document["errors"]


# ---------------------------------------------------------------------------
# Plugins that fail to load

@pytest.mark.parametrize("source, expected", [
    ("import acme_sdk_that_is_not_installed\n", "ModuleNotFoundError"),
    ("def broken(:\n", "SyntaxError"),
    ("raise RuntimeError('plugin refuses to start')\n", "plugin refuses to start"),
    (HEADER + "@hookimpl\ndef aiplan_rules():\n    raise ValueError('no rules today')\n", "no rules today"),
    (HEADER + "@hookimpl\ndef aiplan_rules():\n    return ['not a rule']\n", "not a Rule"),
    (HEADER + "@hookimpl\ndef aiplan_rule():\n    return []\n", "unknown hook"),
])
def test_plugin_that_fails_to_load(cli, plugin, source, expected):
    name = plugin(source)
    code, found, errors = lint(cli, "--plugin", name)
    assert code == 3
    assert found == FLAWED_FINDINGS  # the built-in rules still ran
    [error] = errors
    assert error["plugin"] == name and expected in error["message"]


def test_missing_plugin_module_is_reported_by_name(cli):
    code, found, errors = lint(cli, "--plugin", "acme_no_such_plugin")
    assert code == 3 and found == FLAWED_FINDINGS
    assert errors[0]["plugin"] == "acme_no_such_plugin"


def test_text_output_names_the_broken_plugin(cli, plugin):
    name = plugin("raise RuntimeError('boom')\n")
    result = cli("lint", "--plugin", name, FLAWED)
    assert result.exit_code == 3
    assert f"internal error: plugin '{name}' failed: failed to load: RuntimeError: boom" in result.output
    assert "BASE001" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------------------
# Rules that raise, return garbage or never return

GOOD = "yield Violation('the ACME check found this plan', 'Do the ACME thing.', path=('name',))"


@pytest.mark.parametrize("body, expected", [
    ("raise KeyError('gaps')", "raised KeyError: 'gaps' at acme_fault_"),
    ("return 5", "returned int 5, not an iterable of Violations"),
    ("return 'oops'", "returned str 'oops', not an iterable"),
    ("return {'message': 'x'}", "returned dict"),
    ("yield 'a string'", "yielded str 'a string', not a Violation"),
    ("yield Violation(None, 'fix')", "whose message is NoneType None, not a string"),
    ("yield Violation('m', 'f', path=[['unhashable']])", "whose path is list"),
    ("yield Violation('m', 'f', path=('ok', True))", "whose path is tuple"),
    ("yield Violation('m', 'f', at='middle')", "at='middle'"),
    ("yield Violation('m', 'f', span=(1, 2))", "whose span is tuple"),
    ("import sys\nsys.exit(0)", "called sys.exit(0)"),
    ("def deep(n):\n    return deep(n + 1)\nreturn deep(0)", "nested too deeply"),
])
def test_failing_rule_is_named_and_the_rest_survives(cli, plugin, body, expected):
    name = plugin(rule_module(GOOD, body))
    code, found, errors = lint(cli, "--plugin", name)
    assert code == 3
    assert ("ACME001", 3, 7) in found  # the plugin's healthy rule still reports
    assert [f for f in found if f[0] != "ACME001"] == FLAWED_FINDINGS
    [error] = errors
    assert (error["plugin"], error["rule"]) == (name, "ACME002")
    assert expected in error["message"], error["message"]
    assert error["path"].endswith("ticket-formatter.aiplan.yaml")


@pytest.mark.parametrize("body, expected", [
    ("plan.data.clear()", "raised PlanIsReadOnly: the plan is read-only"),
    ("del plan.data['baseline']", "raised PlanIsReadOnly"),
    ("plan.data['approach'] = 'prompt_engineering'", "raised PlanIsReadOnly"),
    ("plan.data['fine_tuning'].pop('dataset')", "raised PlanIsReadOnly"),
    ("plan.data['evaluation']['metrics'].append({'name': 'x'})", "raised PlanIsReadOnly"),
    ("plan.data['evaluation']['metrics'][0]['target'] = 0", "raised PlanIsReadOnly"),
    ("plan.data = {}", "raised FrozenInstanceError"),
    ("plan.value_spans[('baseline',)] = None", "raised TypeError"),
])
def test_a_rule_that_changes_the_plan_is_named_and_later_rules_see_it_unchanged(cli, plugin, body, expected):
    name = plugin(rule_module(GOOD, body + "\nyield from ()"))
    code, found, errors = lint(cli, "--plugin", name)
    assert code == 3
    assert [f for f in found if f[0] != "ACME001"] == FLAWED_FINDINGS  # the built-in rules, run after it
    [error] = errors
    assert (error["plugin"], error["rule"]) == (name, "ACME002")
    assert expected in error["message"] and f"at {name}.py:" in error["message"], error["message"]


@pytest.mark.parametrize("body", [
    "dict.clear(plan.data)",  # round the read-only view: changes the rule's own copy only
    "object.__setattr__(plan, 'data', {})",
    "mine = copy.deepcopy(plan.data)\nmine.clear()\nplan.data.copy().clear()",  # its own copies are its own
])
def test_a_rule_that_gets_round_the_read_only_view_changes_only_its_copy(cli, plugin, body):
    name = plugin("import copy\n" + rule_module(body + "\nyield Violation('seen', 'f', path=('name',))",
                                                 "yield Violation(str(len(plan.data)), 'f', path=('name',))"))
    result = cli("lint", "--format", "json", "--plugin", name, FLAWED)
    document = json.loads(result.stdout)
    assert result.exit_code == 1 and document["errors"] == []
    found = {(f["rule"], f["line"], f["column"], f["message"]) for f in document["findings"]}
    assert {f[:3] for f in found} == {*FLAWED_FINDINGS, ("ACME001", 3, 7), ("ACME002", 3, 7)}
    assert ("ACME002", 3, 7, "9") in found  # the next rule saw all 9 top-level keys


def test_endless_generator_is_cut_with_a_note(cli, plugin):
    from aiplan.core.findings import Violation

    endless = make_rule("ACME009", "endless", "warning",
                        lambda plan, options: itertools.repeat(Violation("again", "f")), "Endless.", plugin="acme")
    violations, failure = run_rule(endless, load_text("aiplan: 1\n").documents[0], {})
    assert failure is None and len(violations) == MAX_VIOLATIONS + 1
    assert f"more than {MAX_VIOLATIONS:,} problems" in violations[-1].message

    name = plugin(rule_module(GOOD, "while True:\n    yield Violation('again', 'f', path=('name',))"))
    result = cli("lint", "--format", "json", "--plugin", name, FLAWED)
    document = json.loads(result.stdout)
    assert result.exit_code == 1 and document["errors"] == []
    rules = [f["rule"] for f in document["findings"]]
    assert len(rules) == 10_001 and rules[0] == "PLAN007"  # the file's own cap, first: a root cause


@pytest.mark.parametrize("body", [
    "while True:\n    pass",
    "time.sleep(60)",
    "while True:\n    try:\n        time.sleep(60)\n    except Exception:\n        pass",
    "import re\nre.match(r'(a+)+$', 'a' * 64 + 'b')",
])
def test_rule_that_never_returns_is_stopped(cli, plugin, body):
    name = plugin(rule_module(GOOD, body))
    code, found, errors = lint(cli, "--plugin", name, "--rule-timeout", "0.2")
    assert code == 3 and ("ACME001", 3, 7) in found
    # On a loaded machine another rule may also overrun a 0.2 s budget: the hung one must be named.
    [error] = [e for e in errors if e["rule"] == "ACME002"]
    assert "time budget of 0.2 s" in error["message"]
    assert ("PLAN007", 1, 1) in found  # the file says its check is incomplete


def test_a_rule_that_swallows_being_stopped_is_still_reported_as_stopped(cli, plugin):
    # A bare except catches OutOfTime; the rule then finishes and yields, but it was stopped.
    body = ("try:\n    time.sleep(60)\nexcept BaseException:\n    pass\n"
            "yield Violation('after the stop', 'f', path=('name',))")
    name = plugin(rule_module(GOOD, body))
    code, found, errors = lint(cli, "--plugin", name, "--rule-timeout", "0.2")
    assert code == 3 and ("ACME001", 3, 7) in found and ("ACME002", 3, 7) not in found
    [error] = [e for e in errors if e["rule"] == "ACME002"]
    assert "time budget of 0.2 s" in error["message"]


def test_time_budget_in_the_engine():
    slow = make_rule("SLOW001", "slow", "warning", lambda plan, options: time.sleep(60), "Slow.", plugin="acme")
    plan = load_text("aiplan: 1\n").documents[0]
    with Watchdog(tick=0.01) as watchdog:
        assert watchdog.enforced
        clock = Budget(rule_seconds=0.05, watchdog=watchdog).for_file()
        violations, failure = run_rule(slow, plan, {}, clock)
    assert violations == [] and "time budget of 0.05 s" in failure
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# ---------------------------------------------------------------------------
# Ctrl-C

def test_ctrl_c_exits_130_without_traceback(tmp_path):
    started = tmp_path / "started"
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "acme_slow.py").write_text(rule_module(
        f"open({str(started)!r}, 'w').close()\ntime.sleep(60)\nyield from ()"))
    plans = tmp_path / "plans"
    plans.mkdir()
    for number in range(20):
        (plans / f"p{number}.aiplan.yaml").write_text(FLAWED.read_text())
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(tmp_path / "plugins"))
    proc = subprocess.Popen([sys.executable, "-m", "aiplan", "lint", "--plugin", "acme_slow", "--rule-timeout", "0",
                             str(plans)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert started.exists(), proc.communicate(timeout=5)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "aiplan: interrupted" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "plan.aiplan.yaml"
    target.write_text("original\n")

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        fileio.atomic_write(str(target), b"new content\n")
    assert target.read_text() == "original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.aiplan.yaml"]


def test_interrupted_init_exits_130_and_writes_nothing(cli, tmp_path, monkeypatch):
    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", interrupt)
    result = cli("init", tmp_path / "aiplan.yaml")
    assert result.exit_code == 130 and "interrupted" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("span, expected", [
    ("Span(10**30, 1, 10**30, 2)", "yielded a Violation at line 100000000000…"),
    ("Span(5, 1, 3, 1)", "which is not in the file"),
])
def test_a_finding_at_an_impossible_position_is_the_plugins_error(cli, plugin, span, expected):
    name = plugin("from aiplan.core.findings import Span\n" + rule_module(
        GOOD, f"yield Violation('somewhere', 'f', span={span})"))
    code, found, errors = lint(cli, "--plugin", name)
    assert code == 3 and ("ACME001", 3, 7) in found
    [error] = errors
    assert error["rule"] == "ACME002" and expected in error["message"]


def test_an_enormous_message_is_cut(cli, plugin):
    name = plugin(rule_module("yield Violation('x' * 5_000_000, 'y' * 5_000_000, path=('name',))"))
    result = cli("lint", "--format", "json", "--plugin", name, FLAWED)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "ACME001"]
    assert len(finding["message"]) < 5_000 and finding["message"].endswith("characters cut)")
    assert len(finding["fix"]) < 5_000


def run_aiplan(tmp_path, *args, stdin=None):
    """``python -m aiplan ARGS`` with the ``plugin`` fixture's modules importable: a
    real process, for what only a real process shows (its worker's output, its crash)."""
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(tmp_path / "plugins"))
    return subprocess.run([sys.executable, "-m", "aiplan", *map(str, args)], capture_output=True, text=True,
                          env=env, input=stdin, timeout=120)


def test_plugin_output_never_reaches_the_report_stream(plugin, tmp_path):
    # A real process: a plugin's rules run in a forked worker, whose standard error is the process's own.
    name = plugin("print('printed at import')\n" + rule_module(
        "print('printed by a rule')\nyield Violation('x', 'y', path=('name',))"))
    proc = run_aiplan(tmp_path, "lint", "--format", "json", "--plugin", name, FLAWED)
    document = json.loads(proc.stdout)  # still one JSON document
    assert "ACME001" in [f["rule"] for f in document["findings"]]
    assert "printed by a rule" in proc.stderr and "printed at import" in proc.stderr


@pytest.mark.parametrize("body, how", [
    ("import ctypes\nctypes.string_at(0)", "was killed by SIGSEGV"),
    ("import posix\nposix._exit(0)", "ended with exit status 0"),  # round the os._exit guard
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "was killed by SIGKILL"),
])
@pytest.mark.parametrize("stdin", [False, True])
def test_a_plugin_that_kills_the_interpreter_in_a_serial_run_ends_in_a_report(plugin, tmp_path, body, how, stdin):
    # It kills the process on the ticket formatter only: the other plan is linted as usual.
    name = plugin(rule_module(GOOD, "if plan.get('name') == 'Ticket formatter':\n"
                              + textwrap.indent(body, "    ") + "\nyield from ()"))
    other = tmp_path / "other.aiplan.yaml"
    other.write_text(FLAWED.read_text().replace("name: Ticket formatter", "name: Other"))
    target = "-" if stdin else FLAWED
    proc = run_aiplan(tmp_path, "lint", "-j", "1", "--no-cache", "--format", "json", "--plugin", name, target, other,
                      stdin=FLAWED.read_text() if stdin else None)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and "Fatal Python error" not in proc.stderr
    document = json.loads(proc.stdout)
    [error] = document["errors"]
    assert error["path"] == "-" if stdin else error["path"].endswith("ticket-formatter.aiplan.yaml")
    assert (error["plugin"], error["rule"]) == (name, "ACME002")
    assert f"the process linting this file {how} while running rule ACME002" in error["message"]
    crashed = [(f["rule"], f["message"]) for f in document["findings"] if f["path"] == error["path"]]
    assert [rule for rule, _ in crashed] == ["PLAN007"] and "could not check this file" in crashed[0][1]
    linted = {(f["rule"], f["line"]) for f in document["findings"] if f["path"].endswith("other.aiplan.yaml")}
    assert linted == {("ACME001", 3), ("BASE001", 16), ("FT001", 19)}


@pytest.mark.parametrize("body, expected", [
    ("class Boom(BaseException):\n    pass\nraise Boom('custom')", "raised Boom: custom"),
    ("class Evil(str):\n    def __str__(self):\n        raise RuntimeError('no')\nyield Violation(Evil('m'), 'f', path=('name',))",
     None),
])
def test_odd_failures_of_a_rule_end_in_a_report(cli, plugin, body, expected):
    name = plugin(rule_module(GOOD, body))
    result = cli("lint", "--format", "json", "--plugin", name, FLAWED)
    document = json.loads(result.stdout)
    assert "Traceback" not in result.output
    assert ("ACME001", 3, 7) in [(f["rule"], f["line"], f["column"]) for f in document["findings"]]
    if expected:
        assert result.exit_code == 3 and expected in document["errors"][0]["message"]


@pytest.mark.parametrize("source", [
    "import sys\nsys.exit(0)\n",
    HEADER + "import sys\n@hookimpl\ndef aiplan_rules():\n    sys.exit(0)\n",
])
def test_a_plugin_calling_sys_exit_while_loading_is_reported(cli, plugin, source):
    name = plugin(source)
    code, found, errors = lint(cli, "--plugin", name)
    assert code == 3 and found == FLAWED_FINDINGS
    [error] = errors
    assert error["plugin"] == name and "called sys.exit(0)" in error["message"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_rule_calling_os_exit_is_reported_not_a_silent_exit_0(cli, plugin, tmp_path, jobs):
    name = plugin(rule_module(GOOD, "import os\nos._exit(0)\nyield from ()"))
    plans = tmp_path / "many"
    plans.mkdir()
    for number in range(50 if jobs == "2" else 1):  # -j 2 forks workers from 48 files
        (plans / f"p{number:02d}.aiplan.yaml").write_text(FLAWED.read_text())
    result = cli("lint", "--format", "json", "--no-cache", "-j", jobs, "--plugin", name, plans)
    document = json.loads(result.stdout)
    assert result.exit_code == 3
    assert {e["rule"] for e in document["errors"]} == {"ACME002"}
    assert "called os._exit(0)" in document["errors"][0]["message"]
    assert len({f["path"] for f in document["findings"]}) == (50 if jobs == "2" else 1)


def test_a_plugin_that_crashes_the_interpreter_in_aiplan_report_ends_in_a_report(plugin, tmp_path):
    name = plugin(rule_module(GOOD, "if plan.get('name') == 'Ticket formatter':\n"
                              "    import ctypes\n    ctypes.string_at(0)\nyield from ()"))
    other = tmp_path / "other.aiplan.yaml"
    other.write_text(FLAWED.read_text().replace("name: Ticket formatter", "name: Other"))
    proc = run_aiplan(tmp_path, "report", "--plugin", name, FLAWED, other)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr and "Fatal Python error" not in proc.stderr
    assert (f"internal error: plugin '{name}' rule ACME002 failed on " in proc.stderr
            and "killed by SIGSEGV while running rule ACME002" in proc.stderr)
    assert "## `Other`" in proc.stdout and "**ACME001**" in proc.stdout  # the other plan is reported in full
    assert "aiplan could not check this file: the process linting this file was killed by SIGSEGV" in proc.stdout
