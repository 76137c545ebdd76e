"""`aiplan server` from the command line's side: the linter never loads pygls, and
without the extra the command says how to install it."""

import subprocess
import sys

from conftest import EXAMPLES


def test_linting_does_not_import_the_language_server():
    code = ("import sys\n"
            "from aiplan.cli.main import main\n"
            "try:\n"
            f"    main(['lint', '--no-cache', {str(EXAMPLES / 'support-copilot.aiplan.yaml')!r}])\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
            " or m.startswith('aiplan.server')))\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip().splitlines()[-1] == "[]"


def test_without_the_extra_the_command_says_how_to_install_it(cli, monkeypatch):
    import aiplan.server

    monkeypatch.setattr(aiplan.server, "server_available", lambda: False)
    result = cli("server")
    assert result.exit_code == 2
    assert "pip install 'pygls>=2,<3'" in result.output
