"""Parallel linting gives exactly the serial results, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from aiplan.run import pool as parallel
from aiplan.run.pool import run_ordered, workers_for
from conftest import ROOT

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="parallel linting forks (Linux)")


def _generator():
    spec = importlib.util.spec_from_file_location("generate_plans", ROOT / "bench" / "generate_plans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """120 realistic plans, clean and flawed, plus a few broken files."""
    out = tmp_path_factory.mktemp("corpus")
    _generator().write_plans(out, 120, seed=7)
    (out / "team-000" / "broken.aiplan.yaml").write_text("aiplan: 1\nname: [unclosed\n")
    (out / "team-000" / "empty.aiplan.yaml").write_text("")
    (out / "team-001" / "binary.aiplan.yaml").write_bytes(b"aiplan: 1\x00\x01")
    return out


@needs_fork
def test_run_ordered_uses_several_processes_and_keeps_order():
    def work(index):
        time.sleep(0.001)  # long enough that every worker gets chunks
        return index, os.getpid()

    results = run_ordered(work, 300, 3)
    assert [index for index, _ in results] == list(range(300))
    assert len({pid for _, pid in results}) > 1


@needs_fork
@pytest.mark.parametrize("crash, how", [("exit", "ended with exit status 9"), ("segfault", "was killed by SIGSEGV")])
def test_a_job_that_kills_its_worker_is_reported_and_the_rest_completes(crash, how):
    state = {}

    def init(trace):
        state["trace"] = trace

    def work(index):
        if state.get("trace"):
            state["trace"](f"job {index}")
        if index == 150:
            if crash == "exit":
                os._exit(9)
            import ctypes
            ctypes.string_at(0)  # a segfault, as in a broken C extension
        return index * index

    results = run_ordered(work, 300, 2, init=init, on_crash=lambda index, how, last: ("crashed", index, how, last))
    assert results[150] == ("crashed", 150, how, "job 150")
    assert [r for i, r in enumerate(results) if i != 150] == [i * i for i in range(300) if i != 150]


@needs_fork
def test_a_failing_job_raises_in_the_parent_as_it_would_serially():
    def work(index):
        if index == 250:
            raise ValueError("job 250")
        return index

    with pytest.raises(ValueError, match="job 250"):
        run_ordered(work, 300, 2)


@needs_fork
@pytest.mark.parametrize("crash, how", [("exit", "ended with exit status 0"), ("segfault", "was killed by SIGSEGV")])
def test_isolated_serial_jobs_run_in_one_child_and_a_crash_is_reported(crash, how):
    """One worker, isolated (a run with a plugin's rules): no pool, one forked child
    in turn; a job that kills it is reported with its trace and the rest go on."""
    state = {}

    def init(trace):
        state["trace"] = trace

    def work(index):
        state["trace"](f"job {index}")
        if index == 3:
            if crash == "exit":
                os._exit(0)  # what a plugin calling posix._exit does: exit status 0, no result
            import ctypes
            ctypes.string_at(0)
        return index, os.getpid()

    results = run_ordered(work, 8, 1, init=init, isolate=True,
                          on_crash=lambda index, how, last: ("crashed", index, how, last))
    assert results[3] == ("crashed", 3, how, "job 3")
    rest = [r for i, r in enumerate(results) if i != 3]
    assert [index for index, _ in rest] == [0, 1, 2, 4, 5, 6, 7]
    pids = {pid for _, pid in rest}
    assert os.getpid() not in pids and len(pids) == 2  # one child before the crash, one after
    assert run_ordered(lambda index: index, 5, 1) == list(range(5))  # not isolated: here, serially


@needs_fork
def test_a_failing_isolated_job_raises_in_the_parent():
    def work(index):
        if index == 2:
            raise ValueError("job 2")
        return index

    with pytest.raises(ValueError, match="job 2"):
        run_ordered(work, 5, 1, isolate=True)


def test_small_runs_stay_serial(monkeypatch):
    assert workers_for(parallel.PARALLEL_MIN_JOBS - 1, 8) == 1
    assert workers_for(10_000, 1) == 1
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert workers_for(10_000, 8) == 1


@needs_fork
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_parallel_output_is_identical_to_serial(cli, corpus, monkeypatch, output_format):
    monkeypatch.chdir(corpus)
    serial = cli("lint", "--no-cache", "-j", "1", "--format", output_format, ".")
    used: list[int] = []
    original = parallel.run_ordered
    monkeypatch.setattr(parallel, "run_ordered",
                        lambda work, count, workers, **kw: used.append(workers) or original(work, count, workers, **kw))
    fanned = cli("lint", "--no-cache", "-j", "2", "--format", output_format, ".")
    assert used == [2]  # the parallel path really ran
    assert fanned.exit_code == serial.exit_code == 1
    assert fanned.output == serial.output
    assert "PLAN001" in serial.output and "PLAN008" in serial.output


@needs_fork
def test_parallel_with_cache_matches_serial(cli, corpus, monkeypatch, tmp_path):
    monkeypatch.chdir(corpus)
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)
    serial = cli("lint", "--no-cache", "-j", "1", "--format", "json", ".").output
    cold = cli("lint", "--cache-dir", tmp_path / "c", "-j", "2", "--format", "json", ".").output
    warm = cli("lint", "--cache-dir", tmp_path / "c", "-j", "2", "--format", "json", ".").output
    assert serial == cold == warm


@needs_fork
def test_ctrl_c_in_parallel_mode_exits_130_without_tracebacks(tmp_path):
    slow = tmp_path / "slow_rules.py"
    slow.write_text(textwrap.dedent('''
        import time
        from aiplan.api import Severity, hookimpl, rule

        @rule("SLOW001", "slow", Severity.INFO)
        def slow(plan, options):
            """Takes its time.

            ## Why
            To be interrupted.
            """
            time.sleep(0.02)
            return ()

        @hookimpl
        def aiplan_rules():
            return [slow]
    '''))
    plans = tmp_path / "plans"
    plans.mkdir()
    text = (ROOT / "examples" / "support-copilot.aiplan.yaml").read_text()
    for index in range(400):
        (plans / f"p{index:03d}.aiplan.yaml").write_text(text)
    env = {**os.environ, "PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "aiplan", "lint", "--no-cache", "-j", "2", "--plugin", "slow_rules", str(plans)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
    )
    time.sleep(1.5)  # well into the run (400 plans x 20 ms over 2 processes: 4 s)
    os.killpg(process.pid, signal.SIGINT)  # like a terminal: the whole process group
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert b"Traceback" not in err and b"interrupted" in err
    time.sleep(0.2)
    leftover = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True).stdout
    assert leftover.strip() == ""


@needs_fork
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_the_parent(tmp_path, how):
    marks = tmp_path / "marks"
    marks.mkdir()
    (tmp_path / "stuck_rules.py").write_text(textwrap.dedent(f'''
        import os, time
        from aiplan.api import Severity, hookimpl, rule

        @rule("STUCK001", "stuck", Severity.INFO)
        def stuck(plan, options):
            """Never finishes."""
            open(os.path.join({str(marks)!r}, str(os.getpid())), "w").close()
            while True:
                time.sleep(0.01)
            return ()

        @hookimpl
        def aiplan_rules():
            return [stuck]
    '''))
    plans = tmp_path / "plans"
    plans.mkdir()
    text = (ROOT / "examples" / "support-copilot.aiplan.yaml").read_text()
    for index in range(60):
        (plans / f"p{index:03d}.aiplan.yaml").write_text(text)
    env = {**os.environ, "PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "aiplan", "lint", "--no-cache", "-j", "2", "--rule-timeout", "0", "--file-timeout", "0",
         "--plugin", "stuck_rules", str(plans)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )
    try:
        while len(list(marks.iterdir())) < 2 and process.poll() is None:  # both workers are stuck in the rule
            time.sleep(0.02)
        workers = [int(mark.name) for mark in marks.iterdir()]
        assert process.pid not in workers
        process.send_signal(how)
        process.wait(timeout=30)
        alive = workers
        for _ in range(500):  # the kernel delivers the parent-death signal; wait for it, at most 10 s
            alive = [pid for pid in workers if _alive(pid)]
            if not alive:
                break
            time.sleep(0.02)
        assert alive == []
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


@needs_fork
def test_a_job_that_killed_its_worker_and_then_raises_alone_raises_in_the_parent():
    """A suspect job runs again in a child of its own (the same model as an isolated serial
    run): what it raises there reaches the parent, as serially, rather than passing for a crash."""
    state = {}

    def init(trace):
        state["trace"] = trace

    def work(index):
        if index == 150:
            if state.get("trace") is None:  # in a pool worker: kill it
                os._exit(9)
            raise ValueError("job 150, alone")
        return index

    with pytest.raises(ValueError, match="job 150, alone"):
        run_ordered(work, 300, 2, init=init, on_crash=lambda index, how, last: ("crashed", index, how, last))
