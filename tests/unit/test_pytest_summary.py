"""CI reads the closing "N passed" line of `pytest -q`: the project's pytest
configuration must not make it quieter than that."""

import subprocess
import sys

from conftest import ROOT


def test_pytest_q_keeps_the_summary_line(tmp_path):
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
