"""Evidence checks cost nothing when a plan names no data files (issue 17): a
whole ``aiplan lint`` run imports neither :mod:`aiplan.evidence` nor
datasketch; a plan that names a data file does (so the check can fail)."""

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from aiplan.cli.main import main
try:
    main(["lint", "--no-cache", *sys.argv[1:]], prog_name="aiplan")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("aiplan.evidence", "datasketch")))), file=sys.stderr)
"""

NO_DATA = """\
aiplan: 1
name: Ticket formatter
owner: support-tools@example.com
approach: prompt_engineering
"""

WITH_DATA = NO_DATA.replace("prompt_engineering", "fine_tuning") + """\
fine_tuning:
  dataset:
    path: data/train.jsonl
    examples: 2
"""


def imported_by_lint(tmp_path, plan: str, *options: str) -> list[str]:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "train.jsonl").write_text('{"input": "a", "output": "b"}\n' * 2)
    target = tmp_path / "plan.aiplan.yaml"
    target.write_text(plan)
    done = subprocess.run([sys.executable, "-c", PROBE, *options, str(target)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("options", [(), ("--format", "json")], ids=["text", "json"])
def test_a_plan_naming_no_data_files_imports_no_evidence_code(tmp_path, options):
    assert imported_by_lint(tmp_path, NO_DATA, *options) == []


def test_a_plan_naming_a_data_file_reads_it(tmp_path):
    imported = imported_by_lint(tmp_path, WITH_DATA)
    assert "aiplan.evidence.reader" in imported and "aiplan.evidence.profile" in imported
