"""Output safety: nothing a plan (or a file name, or a plugin message) contains
can inject CI commands or terminal escapes, or break a machine-read document.

Parametrized over every registered format; formats other branches add
(github, sarif, junit, gitlab) get their own validity check as soon as they
are registered, and are skipped until then.
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from aiplan import reporters
from aiplan.lint.engine import lint_text
from aiplan.core.findings import FileResult, Finding, InternalError, Severity
from aiplan.run.runner import RunResult
from aiplan.plugins.manager import load_rule_set
from aiplan.testing import build_context

HOSTILE = [
    "\x1b[31mred\x1b[0m and \x1b]0;window title\x07",
    "carriage\rreturn", "two\nlines", "\r\n::error file=x.py::injected", "\n::set-output name=x::y",
    "%0A::error::percent-encoded", "::add-mask::secret", "::stop-commands::token", "##[error]old style",
    "]]> <![CDATA[ x ]]>", "&amp; <tag attr=\"x\"> 'q'", "nul\x00byte", "del\x7f and nel\x85",
    "line\u2028and paragraph\u2029separators", "\u202eevil\u202c bidi \u2066x\u2069", "zero\u200bwidth\ufeff",
    "lone \ud800 surrogate", "escaped \udcff byte", "emoji 😀 and café",
    "comma, colon: and = signs", "x" * 1_000_000,
    "##vso[task.setvariable variable=x]y", "mid-line ##[add-mask]secret", "  ##vso[task.complete result=Failed]",
    "##VSO[task.logissue type=error]upper case", "###[three hashes", "#\n#[split", "\n  ::warning::indented",
]

KNOWN_FORMATS = ("text", "concise", "json", "github", "sarif", "junit", "gitlab")


def hostile_run() -> RunResult:
    findings = []
    for number, text in enumerate(HOSTILE, start=1):
        findings.append(Finding(
            rule="PLAN002", name="schema-violation", severity=Severity.ERROR, message=f"message {text}",
            fix=f"fix {text}", path=f"dir/{text[:200]}.aiplan.yaml", line=number, column=1, end_line=number,
            end_column=5, yaml_path=(text[:100], 0), url="https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#plan002-schema-violation",
        ))
    files = [FileResult(path=f.path, findings=(f,)) for f in findings]
    errors = [InternalError(plugin=f"acme {HOSTILE[3]}", rule="ACME001", message=HOSTILE[0] + HOSTILE[16], path=HOSTILE[1])]
    return RunResult(files=files, errors=errors)


def plan_run() -> RunResult:
    """A real plan whose keys and values are hostile (YAML escapes can spell any character)."""
    text = (
        'aiplan: 1\n'
        'name: "\\e[2J\\e[31mpwned\\r\\n::error::from a value"\n'
        'approach: "]]>\\0\\x7f\\u202e\\u2028::warning::x"\n'
        '"\\e]0;title\\a::set-output name=a::b": 1\n'
        '"##[group]key": {"\\r\\n::error::nested": "\\x85"}\n'
        '# a comment: ::error::comments are never output\n'
    )
    result = lint_text(text, build_context(), display_path="::error::plan.aiplan.yaml")
    assert result.findings and not result.errors
    return RunResult(files=[result])


RULES = load_rule_set(entry_points=False).rules

_TEXT_FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
_GITHUB_COMMAND = re.compile(r"::(error|warning|notice|debug|group|endgroup)(?: ([^:\r\n]*))?::(.*)\Z")
_GITHUB_PROPERTIES = {"file", "line", "col", "endLine", "endColumn", "title"}


def azure_agent_command(line: str) -> bool:
    """The Azure Pipelines agent's rule (azure-pipelines-agent, `Command.TryParse`): `##vso[`
    anywhere in a line, then a `]` closing the command; we also treat other letter cases as
    commands, to be stricter than the agent."""
    start = line.lower().find("##vso[")
    return start >= 0 and "]" in line[start:]


def github_runner_command(line: str) -> bool:
    """The GitHub Actions runner's rules: `::` at the start of a line after white space
    (`ActionCommand.TryParseV2`), `##[` anywhere (the legacy `ActionCommand.TryParse`)."""
    return line.lstrip().startswith("::") or "##[" in line


def no_command_lines(output: str, ours=lambda line: False) -> None:
    """No line is a CI log command, except ``ours`` (aiplan's own annotations)."""
    assert "\r" not in output
    for line in output.split("\n"):
        assert not azure_agent_command(line), line[:200]
        if not ours(line):
            assert not github_runner_command(line), line[:200]


def check_text(output: str, run: RunResult) -> None:
    assert not _TEXT_FORBIDDEN.search(output), _TEXT_FORBIDDEN.search(output)
    no_command_lines(output)


def check_json(output: str, run: RunResult) -> None:
    document = json.loads(output)
    messages = sorted(f["message"] for f in document["findings"])
    assert messages == sorted(f.message for f in run.findings)  # escaping loses nothing
    no_command_lines(output)


def check_github(output: str, run: RunResult) -> None:
    assert "\r" not in output
    commands = 0
    for line in output.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("::"):
            match = _GITHUB_COMMAND.match(stripped)
            assert match, f"not one of aiplan's annotation lines: {stripped[:200]!r}"
            commands += 1
            for prop in filter(None, (match.group(2) or "").split(",")):
                key, equals, value = prop.partition("=")
                assert equals and key in _GITHUB_PROPERTIES, f"injected property {prop[:100]!r}"
    assert commands <= len(run.findings) + len(run.internal_errors) + 2
    no_command_lines(output, ours=lambda line: line.startswith(("::error ", "::warning ", "::notice ")))
    assert "##[" not in output   # not even inside an annotation's message


def check_sarif(output: str, run: RunResult) -> None:
    document = json.loads(output)
    assert document["version"] == "2.1.0"
    no_command_lines(output)


def check_junit(output: str, run: RunResult) -> None:
    ElementTree.fromstring(output.encode("utf-8"))
    no_command_lines(output)


def check_gitlab(output: str, run: RunResult) -> None:
    document = json.loads(output)
    assert isinstance(document, list)
    no_command_lines(output)


CHECKERS = {"text": check_text, "concise": check_text, "json": check_json, "github": check_github, "sarif": check_sarif,
            "junit": check_junit, "gitlab": check_gitlab}


def render(name: str, run: RunResult) -> str:
    if name not in reporters.FORMATS:
        pytest.skip(f"format {name!r} is not registered in this build")
    output = reporters.get(name).render(run, RULES)
    assert isinstance(output, str)
    output.encode("utf-8")  # lone surrogates would raise here, and in every writer
    return output


@pytest.mark.parametrize("name", sorted(set(reporters.FORMATS) | set(KNOWN_FORMATS)))
@pytest.mark.parametrize("make_run", [hostile_run, plan_run], ids=["hostile-findings", "hostile-plan"])
def test_every_format_stays_valid(name, make_run):
    run = make_run()
    output = render(name, run)
    checker = CHECKERS.get(name)
    if checker is not None:
        checker(output, run)


@pytest.mark.parametrize("name", ["text", "concise"])
def test_text_renders_control_characters_visibly(name):
    output = render(name, hostile_run())
    assert "\\x1b[31mred\\x1b[0m" in output
    assert "\\u202eevil\\u202c" in output and "lone \\ud800 surrogate" in output
    assert "carriage\\rreturn" in output and "two\\nlines" in output


def test_colour_codes_come_only_from_aiplan():
    output = reporters.get("text").render(plan_run(), RULES, colour=True)
    # Every ESC is followed by an SGR colour sequence click emits, never by plan content.
    assert all(re.match(r"\x1b\[[0-9;]*m", output[i:]) for i in range(len(output)) if output[i] == "\x1b")


@pytest.mark.parametrize("environment", [
    {"PYTHONIOENCODING": "ascii"},
    {"PYTHONIOENCODING": "latin-1"},
    {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
], ids=["ascii", "latin-1", "C-locale"])
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_narrow_terminal_encodings_do_not_crash(tmp_path, environment, output_format):
    plan = tmp_path / "café ☕.aiplan.yaml"
    plan.write_text('aiplan: 1\nname: "café ☕ \\e[31m"\napproach: "ràg ☕"\n', encoding="utf-8")
    raw = os.fsencode(tmp_path) + b"/bad\xff.aiplan.yaml"
    with open(raw, "wb") as handle:
        handle.write("aiplan: 1\napproach: rag\n".encode())
    env = dict(os.environ, NO_COLOR="1", **environment)
    proc = subprocess.run([sys.executable, "-m", "aiplan", "lint", "--format", output_format, str(tmp_path)],
                          capture_output=True, env=env, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stdout
    if output_format == "json":
        document = json.loads(proc.stdout)
        assert any("ràg ☕" in f["message"] for f in document["findings"])
    else:
        assert b"\x1b" not in proc.stdout and b"PLAN002" in proc.stdout
        assert b"bad\\udcff.aiplan.yaml" in proc.stdout


HOSTILE_PLAN = (
    'aiplan: 1\n'
    'name: "##[add-mask]x ##vso[task.setvariable variable=a]b\\n::error::from the name\\n##[set-output name=o;]v"\n'
    'approach: "\\n::warning::x ##VSO[task.complete result=Failed]"\n'
    '"##vso[build.addbuildtag]k": 1\n'
)


@pytest.mark.parametrize("environment", [{}, {"GITHUB_ACTIONS": "true"}, {"TF_BUILD": "True"}],
                         ids=["container-log", "github-actions", "azure-pipelines"])
@pytest.mark.parametrize("output_format", [None, *KNOWN_FORMATS])
def test_no_format_prints_a_command_line_whatever_the_environment(cli, tmp_path, monkeypatch, environment,
                                                                  output_format):
    """The command as a user runs it, printed to a log: hostile plan names, values and file names."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "##vso[task.complete]x.aiplan.yaml").write_text(HOSTILE_PLAN)
    (tmp_path / "##[error]y.aiplan.yaml").write_text(HOSTILE_PLAN)
    summary = tmp_path / "summary.md"
    env = dict(environment, GITHUB_STEP_SUMMARY=str(summary) if environment.get("GITHUB_ACTIONS") else "")
    args = ["lint", "--plugin", "name_echo_plugin", "--extend-select", "ECHO001", "--sarif-include-suppressed"]
    result = cli(*args, *(["--format", output_format] if output_format else []), ".", env=env)
    assert result.exit_code == 1, result.output
    annotations = output_format == "github" or (output_format is None and environment.get("GITHUB_ACTIONS"))
    ours = (lambda line: line.startswith(("::error ", "::warning ", "::notice "))) if annotations else (lambda line: False)
    no_command_lines(result.output, ours=ours)
    assert "##[" not in result.output and "##vso[" not in result.output.lower()
    if summary.exists():
        no_command_lines(summary.read_text(encoding="utf-8"))
