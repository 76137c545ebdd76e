"""``aiplan lint`` without click (issue 17, the pre-commit case): a command line the fast path
parses runs from :func:`aiplan.cli.run` without importing click, with click's output and exit
code byte for byte; the pieces of click it replaces are pinned against click's own."""

import io
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from aiplan.cli import terminal
from aiplan.reporters import FORMATS
from aiplan.reporters.text import style

ROOT = Path(__file__).resolve().parents[3]


class _Stream(io.TextIOWrapper):
    def __init__(self, tty: bool, encoding: str = "utf-8"):
        super().__init__(io.BytesIO(), encoding=encoding, errors="strict")
        self._tty = tty

    def isatty(self):
        return self._tty

    def written(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("color", [None, False, True])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
@pytest.mark.parametrize("message", ["", "plain", "a \x1b[31mred\x1b[0m word", "\x1b[1m", "x\x1bz é"])
def test_echo_writes_what_click_echo_writes(monkeypatch, tty, color, encoding, message):
    for nl in (True, False):
        for err in (True, False):
            written = []
            for write in (click.echo, terminal.echo):
                streams = _Stream(tty, encoding), _Stream(tty, encoding)
                monkeypatch.setattr(sys, "stdout", streams[0])
                monkeypatch.setattr(sys, "stderr", streams[1])
                write(message, nl=nl, err=err, color=color)
                written.append((streams[0].written(), streams[1].written()))
            assert written[0] == written[1], (message, nl, err, color, tty)


def test_streams_click_would_rewrap_are_left_to_click(monkeypatch):
    monkeypatch.setattr(sys, "stdout", _Stream(False))
    monkeypatch.setattr(sys, "stderr", _Stream(False))
    assert terminal.streams_are_plain()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert not terminal.streams_are_plain()
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # no buffer: not a standard stream
    assert not terminal.streams_are_plain()


@pytest.mark.parametrize("fg", [None, "red", "green", "yellow", "blue", "cyan"])
def test_style_gives_click_styles_codes(fg):
    for bold in (None, True, False):
        for underline in (None, True, False):
            assert style("t:x", fg=fg, bold=bold, underline=underline) == click.style(
                "t:x", fg=fg, bold=bold, underline=underline)


# The same command line through click (aiplan.cli.main.run) or as the console script runs it
# (aiplan.cli.run); the last line of standard error says whether click was imported.
PROBE = """
import atexit, sys
through_click = sys.argv.pop(1) == "click"
atexit.register(lambda: sys.stderr.write(f"click imported: {'click' in sys.modules}\\n"))
sys.argv[0] = "aiplan"
if through_click:
    from aiplan.cli.main import run
else:
    from aiplan.cli import run
run()
"""


def _run(how: str, argv: list[str], cwd: Path, env: dict | None = None):
    done = subprocess.run([sys.executable, "-c", PROBE, how, "lint", *argv], capture_output=True, cwd=cwd,
                          timeout=180, env=env)
    *stderr, imported = done.stderr.splitlines(keepends=True)
    return (done.returncode, done.stdout, b"".join(stderr)), imported.strip() == b"click imported: True"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    for name in ("claims-triage.aiplan.yaml", "faq-deflection.aiplan.yaml"):
        shutil.copy(ROOT / "examples" / name, root / name)
    (root / "folder").mkdir()
    (root / "broken").mkdir()
    (root / "broken" / ".aiplan.toml").write_text("[tool.aiplan\n")
    shutil.copy(ROOT / "examples" / "claims-triage.aiplan.yaml", root / "broken" / "aiplan.yaml")
    return root


PLAN = "claims-triage.aiplan.yaml"
# Command lines the fast path takes: every format, colour choice, flag and value shape, errors
# found during the run (a missing path, a broken configuration, usage errors lint raises).
FAST_LINES = [
    ["--ignore", "EVID", "--cache-dir", "cache", PLAN],
    ["--no-cache", "."],
    *(["--no-cache", f"--format={name}", PLAN] for name in FORMATS),
    ["--no-cache", "--color", "always", PLAN], ["--no-cache", "--color=never", PLAN], ["--no-cache", "--color", "auto", PLAN],
    ["--no-cache", "--output-file", "out.sarif", "--format", "sarif", PLAN],
    ["--no-cache", "--statistics", "--exit-zero", "--no-fix-hints", "--", PLAN, "faq-deflection.aiplan.yaml"],
    ["--no-cache", "--fail-on", "info", "--select=FT,PE", "--extend-select", "RAG", "--isolated", PLAN],
    ["--no-cache", "--no-plugins", "--force-exclude", "--sarif-include-suppressed", PLAN],
    ["--no-cache", "--diff", PLAN],
    ["--no-cache", "missing.yaml"], ["--no-cache", "folder"],
    ["--no-cache", "broken"],
    ["--no-cache", "--diff", "--write-baseline", "base.json", PLAN],
    ["--no-cache", "--output-file", PLAN, PLAN],
    ["--no-cache", "--config", "missing.toml", PLAN],
    ["--no-cache", "--ignore", "NOPE999", PLAN],
    ["--no-cache", "--statistics", "--format", "sarif", PLAN],
    ["-j", "1", "--no-cache", "--ignore", "EVID", "."], ["--no-cache", "-j2", "--jobs=0", PLAN],
]


@pytest.mark.parametrize("argv", FAST_LINES, ids=" ".join)
def test_the_fast_path_runs_without_click_as_click_runs_it(project, argv):
    through_click, imported = _run("click", argv, project)
    assert imported
    directly, imported = _run("direct", argv, project)
    assert directly == through_click
    # Click is imported only to show a usage error found during the run.
    assert imported == (through_click[0] == 2 and b"Usage: aiplan lint" in through_click[2])


@pytest.mark.parametrize("argv", [["-j=1", PLAN], ["--rule-timeout", "5", PLAN], ["--help"], ["--color=sometimes", PLAN],
                                  ["--output-file", "folder", PLAN], ["--cache-dir", PLAN, PLAN], ["--bogus"]])
def test_other_command_lines_go_to_click(project, argv):
    through_click, _ = _run("click", argv, project)
    directly, imported = _run("direct", argv, project)
    assert imported and directly == through_click


def test_completion_debugging_and_ascii_streams_go_to_click(project):
    import os

    for extra in ({"_AIPLAN_COMPLETE": "bash_complete", "COMP_WORDS": "aiplan lint --ign", "COMP_CWORD": "2"},
                  {"AIPLAN_DEBUG": "1"}, {"PYTHONIOENCODING": "ascii"}):
        env = {**os.environ, **extra}
        through_click, _ = _run("click", ["--no-cache", PLAN], project, env)
        directly, imported = _run("direct", ["--no-cache", PLAN], project, env)
        assert imported and directly == through_click
