"""What one ``aiplan lint FILE`` imports (issue 17, the pre-commit case): not
OpenSSL (the cache's SHA-256 and HMAC use CPython's built-in hash for small
inputs, aiplan.core.digest), not pickle or signal (only worker processes need them) and not
the other commands (aiplan.cli.commands); for a clean plan, nor what only findings
or schema errors need, nor the process pool."""

import json
import os
import subprocess
import sys

from conftest import GAPS_AND_APPROACH

PROBE = """
import json, sys
from aiplan.cli.main import main
try:
    main(["lint", *sys.argv[1:]], prog_name="aiplan")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in ("hashlib", "hmac", "_hashlib", "pickle", "signal", "aiplan.cli.commands") if m in sys.modules)), file=sys.stderr)
"""

PLAN = """\
aiplan: 1
name: Ticket formatter
owner: support-tools@example.com
""" + GAPS_AND_APPROACH


def test_linting_one_plan_with_the_cache_loads_neither_openssl_nor_pickle_nor_other_commands(tmp_path):
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN)
    env = {name: value for name, value in os.environ.items() if name != "AIPLAN_NO_CACHE"}
    for _ in range(2):  # writing the cache, then reading it
        done = subprocess.run([sys.executable, "-c", PROBE, "--cache-dir", str(tmp_path / "cache"), "plan.aiplan.yaml"],
                              capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env)
        assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    assert any((tmp_path / "cache").rglob("*"))


def test_the_lazily_built_commands_are_the_ones_the_group_names():
    from aiplan.cli.commands import COMMANDS
    from aiplan.cli.main import LAZY_COMMANDS, main

    assert sorted(COMMANDS) == sorted(LAZY_COMMANDS)
    assert all(main.get_command(None, name) is COMMANDS[name] for name in LAZY_COMMANDS)
    assert main.get_command(None, "lint") is main.commands["lint"] and main.get_command(None, "nope") is None


# The schema error lister too (aiplan.schemas.fast): a plan the committed checks pass needs none.
FINDINGS_ONLY = ("aiplan.core.fingerprint", "aiplan.lint.edits", "aiplan.reporters.sources", "aiplan.schemas.fast",
                 "aiplan.schemas.repair")
# Line tables for positions (shared libraries): a clean plan asks for none. Nor SHA-256: the
# cache's keys are BLAKE2b, the module its MAC loads; findings' fingerprints are SHA-256.
POSITIONS = ("array", "bisect")
SHA256 = ("_sha2", "_sha256")
BUILT_IN_SHA256 = ("_sha2",) if sys.version_info >= (3, 12) else ("_sha256",)  # CPython's, by version
CLEAN_PROBE = PROBE.replace(
    '("hashlib", "hmac", "_hashlib", "pickle", "signal", "aiplan.cli.commands")',
    repr(FINDINGS_ONLY + POSITIONS + SHA256 + ("aiplan.run.pool",)))


def imported_linting(tmp_path, plan: str) -> list[str]:
    (tmp_path / "plan.aiplan.yaml").write_text(plan)
    done = subprocess.run([sys.executable, "-c", CLEAN_PROBE, "--cache-dir",
                           str(tmp_path / "cache"), "plan.aiplan.yaml"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_a_clean_plan_imports_nothing_findings_or_repairs_need_nor_the_pool(tmp_path):
    assert imported_linting(tmp_path, PLAN) == []


def test_a_clean_plan_with_a_configuration_file_imports_nothing_findings_need_either(tmp_path):
    # The configuration's generated checks (uniqueItems among them) come from aiplan.schemas.
    (tmp_path / ".aiplan.toml").write_text('select = ["BASE", "FT", "RAG"]\nignore = ["GAP001"]\n')
    assert imported_linting(tmp_path, PLAN) == []


def test_a_plan_with_a_schema_error_imports_what_its_finding_needs(tmp_path):
    # The same plan with a misspelt key: a fixable PLAN002 finding, and a reading to repair.
    assert imported_linting(tmp_path, PLAN + "sumary: x\n") == sorted(FINDINGS_ONLY + BUILT_IN_SHA256)


# The plan schema is read before (when a plan's schema check needs the schema's JSON, reading it
# imports json): what is pinned is that nothing else on the way, the cache key included, does.
JSON_PROBE = """
import sys
import aiplan.schemas as schemas
schemas.load(schemas.PLAN_SCHEMA)
for name in [name for name in sys.modules if name == "json" or name.startswith("json.")]:
    del sys.modules[name]
from aiplan.cli.main import main
try:
    main(["lint", *sys.argv[1:]], prog_name="aiplan")
except SystemExit:
    pass
print("json" in sys.modules, file=sys.stderr)
"""


def imports_json(tmp_path, *options: str) -> bool:
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN)
    done = subprocess.run([sys.executable, "-c", JSON_PROBE, "--cache-dir",
                           str(tmp_path / "cache"), *options, "plan.aiplan.yaml"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1].lower())


def test_a_clean_plan_with_the_cache_imports_json_only_to_read_the_schema(tmp_path):
    assert [imports_json(tmp_path), imports_json(tmp_path)] == [False, False]  # writing the cache, then reading it
    assert imports_json(tmp_path, "--format", "json")  # a JSON report does
