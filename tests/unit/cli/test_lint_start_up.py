"""What one ``aiplan lint FILE`` imports (issue 17, the pre-commit case): not
OpenSSL (the cache's SHA-256 and HMAC use CPython's built-in hash for small
inputs, aiplan.core.digest), not pickle or signal (only worker processes need them) and not
the other commands (aiplan.cli.commands)."""

import json
import os
import subprocess
import sys

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
approach: prompt_engineering
"""


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
