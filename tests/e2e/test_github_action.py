"""The composite GitHub Action (action.yml): its interface, and its lint step run
for real with bash the way the runner runs it."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLES, ROOT, copy_clean_plan

ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))


def step(name: str) -> dict:
    [found] = [s for s in ACTION["runs"]["steps"] if s.get("name") == name]
    return found


def test_interface():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert inputs["paths"]["default"] == "."
    assert inputs["fail-on"]["default"] == ""   # the configuration's fail-on, else error
    assert inputs["sarif-file"]["default"] == ""
    # aiplan is not on a package index: the action installs its own checkout, nothing else.
    assert "version" not in inputs
    assert all(spec.get("description") for spec in inputs.values())
    assert step("Set up Python")["uses"].startswith("actions/setup-python@")
    install = step("Install aiplan")
    assert install["env"]["AIPLAN_ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$AIPLAN_ACTION_PATH"' in install["run"]
    assert "aiplan==" not in install["run"] and "install aiplan" not in install["run"]


def test_no_expression_is_pasted_into_a_script():
    # ${{ }} in `run:` is substituted into the script text before bash sees it:
    # an input holding `"; curl ... #` would run. Inputs go through `env:` only.
    for item in ACTION["runs"]["steps"]:
        if "run" in item:
            assert "${{" not in item["run"], item["name"]
            assert item["shell"] == "bash"


def _aiplan_bin() -> str:
    here = pathlib.Path(sys.executable).parent
    if (here / "aiplan").exists():
        return str(here)
    found = shutil.which("aiplan")
    if not found:
        pytest.fail("the aiplan command is not installed next to this Python (pip install -e '.[test]')")
    return str(pathlib.Path(found).parent)


def run_lint_step(workspace: pathlib.Path, **inputs) -> subprocess.CompletedProcess:
    script = workspace.parent / "lint-step.sh"
    script.write_text(step("Lint plans")["run"])
    summary = workspace.parent / "summary.md"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "INPUT_"))}
    env.update({
        "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "NO_COLOR": "1",
        "AIPLAN_BIN": _aiplan_bin(),
        "INPUT_PATHS": inputs.get("paths", "."), "INPUT_FAIL_ON": inputs.get("fail_on", ""),
        "INPUT_SARIF_FILE": inputs.get("sarif_file", ""), "INPUT_ARGS": inputs.get("args", ""),
    })
    # How the runner runs `shell: bash`.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                          env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "workspace"
    (root / "plans" / "team a").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(EXAMPLES / "ticket-formatter.aiplan.yaml", root / "plans" / "flawed.aiplan.yaml")
    copy_clean_plan(root / "plans" / "team a")
    return root


def test_lint_step_annotates_and_writes_sarif(workspace):
    proc = run_lint_step(workspace, sarif_file="reports/aiplan.sarif")
    assert proc.returncode == 1, proc.stderr
    assert "plans/flawed.aiplan.yaml\n  16:13 error BASE001 missing-prompt-baseline\n" in proc.stdout
    assert ("::error title=BASE001 missing-prompt-baseline,file=plans/flawed.aiplan.yaml,"
            "line=16,endLine=16,col=13,endColumn=24::") in proc.stdout
    document = json.loads((workspace / "reports" / "aiplan.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris == {"plans/flawed.aiplan.yaml"}
    assert "## aiplan" in (workspace.parent / "summary.md").read_text()


def test_lint_step_paths_globs_args_and_fail_on(workspace):
    clean = run_lint_step(workspace, paths="plans/team a", fail_on="warning")
    assert clean.returncode == 2 and "plans/team: no such file" in clean.stderr + clean.stdout  # split on spaces
    globbed = run_lint_step(workspace, paths="plans/**/clean.aiplan.yaml\nplans/flawed.*", args="--select FT")
    assert globbed.returncode == 1, globbed.stderr
    assert "Linted 2 files: 1 error" in globbed.stdout and "BASE001" not in globbed.stdout
    passing = run_lint_step(workspace, paths="plans/flawed.aiplan.yaml", args="--ignore BASE,FT")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    missing = run_lint_step(workspace, paths="nothing/*.aiplan.yaml")
    assert missing.returncode == 2 and "nothing/*.aiplan.yaml: no such file" in missing.stdout + missing.stderr


def test_lint_step_leaves_fail_on_and_exclude_to_the_configuration(workspace):
    (workspace / "pyproject.toml").write_text(
        '[tool.aiplan]\nfail-on = "warning"\nexclude = ["plans/flawed.aiplan.yaml"]\n')
    team = workspace / "plans" / "team a"
    (team / "warned.aiplan.yaml").write_text(   # FT004: no quality review, a warning
        (team / "clean.aiplan.yaml").read_text().replace("quality_review: two reviewers per example, disagreements dropped",
                                                         "quality_review: false"))
    # the glob names flawed.aiplan.yaml too, which the configuration excludes
    proc = run_lint_step(workspace, paths="plans/**/*.aiplan.yaml")
    assert "flawed.aiplan.yaml" not in proc.stdout
    assert "Linted 2 files: 0 errors, 1 warning, 0 info; 1 fails the run (fail-on: warning)." in proc.stdout, \
        proc.stdout + proc.stderr
    assert proc.returncode == 1   # fail-on = "warning" from pyproject.toml
    assert run_lint_step(workspace, paths="plans/**/*.aiplan.yaml", fail_on="error").returncode == 0
