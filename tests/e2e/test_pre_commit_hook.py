"""The pre-commit hook, run for real with ``pre-commit try-repo``.

pre-commit installs the hook from a git repository, so the test commits the
current state of this checkout (uncommitted changes included) to a temporary
repository, then tries the hook in another temporary repository holding one
clean and one flawed plan. Building the hook's environment installs aiplan
and its dependencies with pip (from the package index or pip's cache); it
takes about ten seconds, and try-repo builds it afresh on each call.
"""

import os
import shutil
import subprocess
import sys

import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLES, ROOT, copy_clean_plan

GIT_IDENTITY = ["-c", "user.name=aiplan tests", "-c", "user.email=tests@aiplan.invalid", "-c", "commit.gpgsign=false"]
JUNK = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info", ".pytest_cache",
                              ".hypothesis", "build", "dist", ".aiplan_cache")


def git(*args, cwd, env):
    return subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, env=env, check=True,
                          capture_output=True, text=True, timeout=60)


def test_hook_definition():
    [hook] = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "aiplan-lint" and hook["language"] == "python"
    # pre-commit names every staged file: the configured `exclude` must still apply
    assert hook["entry"] == "aiplan lint --force-exclude"
    assert hook["types_or"] == ["yaml", "json"]
    import re

    files = re.compile(hook["files"])
    for name in ("aiplan.yaml", "aiplan.yml", "x.aiplan.yaml", "dir/sub/y.aiplan.yml", ".aiplan.yaml"):
        assert files.search(name), name
    for name in ("notaiplan.yaml", "aiplan.yaml.bak", "x.aiplan.json", "aiplan.yaml/other.yaml"):
        assert not files.search(name), name


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """This checkout, committed as it is now."""
    env = _clean_env(tmp_path_factory.mktemp("home"))
    source = tmp_path_factory.mktemp("aiplan-src") / "aiplan"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            env=env, capture_output=True, timeout=60)
    if listed.returncode == 0:
        source.mkdir()
        for name in sorted(set(listed.stdout.decode().split("\0")) - {""}):
            if (ROOT / name).is_file():  # skip files deleted but not yet committed
                (source / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, source / name)
    else:  # not a git checkout (an unpacked source archive)
        shutil.copytree(ROOT, source, ignore=JUNK)
    git("init", "-q", cwd=source, env=env)
    git("add", "-A", cwd=source, env=env)
    git("commit", "-q", "-m", "aiplan as under test", cwd=source, env=env)
    return source, env


def _clean_env(home) -> dict:
    # Nothing from the calling shell or CI may steer git or aiplan: no GIT_DIR from
    # a hook we run under, no GitHub step summary to append to.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "PRE_COMMIT"))}
    # An empty file of our own, not /dev/null: a git that writes its config by rename (as root) would replace the device.
    empty_config = home / "empty.gitconfig"
    empty_config.parent.mkdir(parents=True, exist_ok=True)
    empty_config.write_text("")
    env.update({"PRE_COMMIT_HOME": str(home / "pre-commit"), "NO_COLOR": "1", "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_GLOBAL": str(empty_config), "HOME": env.get("HOME", str(home))})
    return env


@pytest.mark.slow
def test_try_repo_fails_on_a_flawed_plan_and_passes_on_a_clean_one(hook_repo, tmp_path):
    source, env = hook_repo
    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", cwd=project, env=env)
    copy_clean_plan(project)
    shutil.copy(EXAMPLES / "ticket-formatter.aiplan.yaml", project / "flawed.aiplan.yaml")
    (project / "notes.yaml").write_text("name: not a plan, not linted\n")
    # pre-commit names this staged plan, but the configuration excludes it
    (project / "drafts").mkdir()
    shutil.copy(EXAMPLES / "ticket-formatter.aiplan.yaml", project / "drafts" / "idea.aiplan.yaml")
    (project / ".aiplan.toml").write_text('exclude = ["drafts"]\n')

    def try_repo(*args):
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(source), "aiplan-lint",
                               "--color", "never", *args], cwd=project, env=env, capture_output=True,
                              text=True, timeout=300)

    git("add", "-A", cwd=project, env=env)
    both = try_repo()
    assert both.returncode == 1, both.stdout + both.stderr
    assert "aiplan lint" in both.stdout and "Failed" in both.stdout
    assert "\nflawed.aiplan.yaml\n  16:13 error BASE001 " in both.stdout
    assert "\n  19:1 error FT001 " in both.stdout
    # notes.yaml was not passed to the hook, drafts/idea.aiplan.yaml was but is excluded
    assert "drafts/idea.aiplan.yaml" not in both.stdout
    # each of pre-commit's batches prints its findings, not a summary of its own
    assert "Linted" not in both.stdout

    git("rm", "-q", "--cached", "flawed.aiplan.yaml", cwd=project, env=env)
    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout and "BASE001" not in clean.stdout


def test_results_do_not_depend_on_how_files_are_batched(cli, tmp_path, monkeypatch):
    """pre-commit may split the files into parallel batches: each file's findings
    must be the same whichever files share its batch. Each file alone, and two
    interleaved halves, against all of them at once (every partition of the
    examples would be 2**17 runs)."""
    import json

    shutil.copytree(EXAMPLES, tmp_path / "examples")   # with the files the plans reference
    monkeypatch.chdir(tmp_path / "examples")
    names = sorted(path.name for path in (tmp_path / "examples").glob("*.aiplan.yaml"))
    assert len(names) > 10

    def findings(*files):
        document = json.loads(cli("lint", "--format", "json", *files).output)
        return sorted(json.dumps(f, sort_keys=True) for f in document["findings"])

    whole = findings(*names)
    assert whole
    assert sorted(finding for name in names for finding in findings(name)) == whole
    assert sorted(findings(*names[::2]) + findings(*names[1::2])) == whole
