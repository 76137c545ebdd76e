"""The static checks the project holds its code to, run with the suite so CI runs them:
mypy with ``[tool.mypy]`` and ruff with ``[tool.ruff]`` (pyproject.toml). Each is
skipped, with the reason, where its tool is not installed (both are in the
``test`` extra)."""

import subprocess

import pytest

from conftest import ROOT


def test_mypy_finds_no_type_errors(monkeypatch):
    api = pytest.importorskip("mypy.api", reason="mypy is not installed (pip install -e '.[test]')")
    # The incremental cache lives in the checkout (.mypy_cache, ignored by git):
    # a second run checks only what changed.
    monkeypatch.chdir(ROOT)  # [tool.mypy] names the files relative to the repository root
    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                      "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary"])
    assert status == 0, stdout + stderr


def test_ruff_finds_nothing():
    ruff = pytest.importorskip("ruff.__main__", reason="ruff is not installed (pip install -e '.[test]')")
    done = subprocess.run([ruff.find_ruff_bin(), "check", "--no-cache", "--quiet", "src", "tests"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
