"""Under pre-commit's parallel batches: a short console, and one step summary
section per pre-commit run, however many aiplan processes it starts."""

import os
import subprocess
import sys

from aiplan.cli import outputs
from aiplan.core.findings import FileResult
from aiplan.reporters import github_summary

from conftest import EXAMPLES
from ci_support import finding, rules, run_of


def _environ(tmp_path, summary, **extra):
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    return {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(runner_temp),
            "PRE_COMMIT": "1", **extra}


def _batch(name: str, count: int):
    path = f"{name}.aiplan.yaml"
    return run_of(FileResult(path, documents=1,
                             findings=tuple(finding(path=path, line=i + 1, end_line=i + 1) for i in range(count))))


def test_batches_of_one_run_share_one_section(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("# An earlier command's output\n")
    environ = _environ(tmp_path, summary)
    for name, count in (("a", 1), ("b", 2), ("c", 0)):
        outputs.emit(_batch(name, count), rules(), output_format=None, output_file=None, colour=False, environ=environ)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# An earlier command's output\n")   # what others wrote stays
    assert text.count("## aiplan") == 1
    assert "Linted 3 files: 3 errors, 0 warnings, 0 info." in text
    assert all(f"`{name}.aiplan.yaml:" in text for name in ("a", "b"))


def test_another_run_gets_its_own_section(tmp_path):
    summary = tmp_path / "summary.md"
    environ = _environ(tmp_path, summary)
    assert github_summary.write_section(str(summary), _batch("a", 1), rules(), "pre-commit:1", environ)
    assert github_summary.write_section(str(summary), _batch("b", 1), rules(), "pre-commit:2", environ)
    text = summary.read_text(encoding="utf-8")
    assert text.count("## aiplan") == 2 and text.count("Linted 1 file:") == 2


def test_a_summary_someone_replaced_starts_a_new_section(tmp_path):
    summary = tmp_path / "summary.md"
    environ = _environ(tmp_path, summary)
    github_summary.write_section(str(summary), _batch("a", 1), rules(), "k", environ)
    summary.write_text("")   # the step's file was emptied meanwhile
    github_summary.write_section(str(summary), _batch("b", 1), rules(), "k", environ)
    text = summary.read_text(encoding="utf-8")
    assert text.count("## aiplan") == 1 and "Linted 1 file:" in text and "`b.aiplan.yaml:" in text


def test_without_pre_commit_each_run_appends_its_own_section(tmp_path):
    summary = tmp_path / "summary.md"
    environ = _environ(tmp_path, summary)
    del environ["PRE_COMMIT"]
    for name in ("a", "b"):
        outputs.emit(_batch(name, 1), rules(), output_format=None, output_file=None, colour=False, environ=environ)
    assert summary.read_text(encoding="utf-8").count("## aiplan") == 2


def test_the_console_is_short_under_pre_commit(tmp_path):
    environ = {"PRE_COMMIT": "1"}
    outcome = outputs.emit(_batch("a", 1), rules(), output_format=None, output_file=None, colour=False,
                           environ=environ)
    assert "BASE001" in outcome.console and "Linted" not in outcome.console
    clean = outputs.emit(_batch("b", 0), rules(), output_format=None, output_file=None, colour=False, environ=environ)
    assert clean.console == ""


def test_parallel_processes_write_one_section(tmp_path):
    """Processes started together by one parent, as pre-commit starts its batches."""
    summary = tmp_path / "summary.md"
    environ = dict(os.environ, NO_COLOR="1", AIPLAN_NO_CACHE="1", **_environ(tmp_path, summary))
    plans = []
    for index in range(4):
        plan = tmp_path / f"p{index}.aiplan.yaml"
        plan.write_text((EXAMPLES / "ticket-formatter.aiplan.yaml").read_text())
        plans.append(plan)
    processes = [subprocess.Popen([sys.executable, "-m", "aiplan", "lint", "--select", "BASE001", str(plan)],
                                  env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for plan in plans]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1, err
        assert b"Linted" not in out
    text = summary.read_text(encoding="utf-8")
    assert text.count("## aiplan") == 1
    assert "Linted 4 files: 4 errors, 0 warnings, 0 info." in text
