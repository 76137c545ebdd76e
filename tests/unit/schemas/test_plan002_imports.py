"""PLAN002 finds and words a plan's schema errors without importing jsonschema
(issue 17: about 270 M instructions, 7% of linting 480 short plans, went on
importing it for the first plan that might be invalid)."""

import json
import subprocess
import sys

PROBE = """
import json, sys
from aiplan.cli.main import main
try:
    main(["lint", "--no-cache", "--format", "json", *sys.argv[1:]], prog_name="aiplan")
except SystemExit:
    pass
print(json.dumps("jsonschema" in sys.modules), file=sys.stderr)
"""

PLAN = """\
aiplan: 1
name: Ticket formatter
owner: support-tools@example.com
approach: finetuning
gaps:
  behaviour:
    present: yes
targets:
  latency_p95_ms: -5
"""


def test_an_invalid_plan_is_explained_without_jsonschema(tmp_path):
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN)
    done = subprocess.run([sys.executable, "-c", PROBE, "plan.aiplan.yaml"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    findings = json.loads(done.stdout)["findings"]
    schema_findings = [finding for finding in findings if finding["rule"] == "PLAN002"]
    assert len(schema_findings) >= 3, done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) is False
