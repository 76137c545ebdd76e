"""GitHub Actions annotations, checked against the toolkit's published escaping
(a reference implementation written from its description, and literal lines)
and against a parser written from the runner's side."""

import os
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from aiplan.core.findings import FileResult, Severity
from aiplan.reporters import github, github_summary
from aiplan.reporters import neutralise, neutralise_hashes
from aiplan.reporters.sources import Paths

from ci_support import finding, rules, run_of


# -- reference implementation, from @actions/core src/command.ts as published:
# escapeData: % -> %25, CR -> %0D, LF -> %0A (in that order); escapeProperty
# also : -> %3A and , -> %2C; properties title, file, line, endLine, col,
# endColumn in that order, falsy ones left out; "::" name [" " props] "::" data.

def toolkit_escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def toolkit_escape_property(value: str) -> str:
    return toolkit_escape_data(value).replace(":", "%3A").replace(",", "%2C")


def toolkit_issue(command: str, message: str, title=None, file=None, start_line=None, end_line=None,
                  start_column=None, end_column=None) -> str:
    properties = {"title": title, "file": file, "line": start_line, "endLine": end_line,
                  "col": start_column, "endColumn": end_column}
    text = "::" + command
    given_ = [f"{key}={toolkit_escape_property(str(value))}" for key, value in properties.items() if value]
    text += " " + ",".join(given_)
    return text + "::" + toolkit_escape_data(message)


# -- the runner's side (actions/runner ActionCommand.TryParseV2 + Unescape*).

def runner_parse(line: str):
    trimmed = line.lstrip()
    assert trimmed.startswith("::")
    end = trimmed.index("::", 2)
    info, data = trimmed[2:end], trimmed[end + 2:]
    name, _, raw_properties = info.partition(" ")
    properties = {}
    for pair in raw_properties.split(",") if raw_properties else ():
        key, _, value = pair.partition("=")
        properties[key] = (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
                           .replace("%2C", ",").replace("%25", "%"))
    data = data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    return name, properties, data


NASTY_NAME = "100% sure,\r\n::set-output name=leak::owned, a:b"
NASTY_FILE = "100%,a:b.aiplan.yaml"


@pytest.fixture
def nasty_plan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / NASTY_FILE).write_text('aiplan: 1\nname: "100% sure,\\r\\n::set-output name=leak::owned, a:b"\n')
    return tmp_path / NASTY_FILE


EXPECTED_NASTY = (
    "::warning title=ECHO001 plan-name,file=100%25%2Ca%3Ab.aiplan.yaml,line=2,endLine=2,col=7,endColumn=57"
    "::the plan is called 100%25 sure,%0D%0A::set-output name=leak::owned, a:b"
    "%0Afix: Rename it, e.g. `name: Support copilot, v2`.\n"
)


def test_annotation_for_hostile_plan_name_is_byte_for_byte_the_toolkits(cli, nasty_plan):
    result = cli("lint", "--plugin", "name_echo_plugin", "--select", "ECHO", "--format", "github", ".")
    assert result.exit_code == 0  # a warning, under the default --fail-on error
    assert result.output == EXPECTED_NASTY
    assert result.output == toolkit_issue(
        "warning", f"the plan is called {NASTY_NAME}\nfix: Rename it, e.g. `name: Support copilot, v2`.",
        title="ECHO001 plan-name", file=NASTY_FILE, start_line=2, end_line=2, start_column=7, end_column=57,
    ) + "\n"


def test_hostile_annotation_is_one_command_that_round_trips(cli, nasty_plan):
    output = cli("lint", "--plugin", "name_echo_plugin", "--select", "ECHO", "--format", "github", ".").output
    [line] = output.splitlines()
    name, properties, data = runner_parse(line)
    assert name == "warning"
    assert properties == {"title": "ECHO001 plan-name", "file": NASTY_FILE, "line": "2", "endLine": "2",
                          "col": "7", "endColumn": "57"}
    assert data.startswith(f"the plan is called {NASTY_NAME}\nfix: ")


@given(st.text())
def test_escaping_matches_reference_and_round_trips(value):
    assert github.escape_data(value) == toolkit_escape_data(value)
    assert github.escape_property(value) == toolkit_escape_property(value)
    line = github.command("error", {"title": value, "file": value}, value)
    assert "\n" not in line and "\r" not in line
    name, properties, data = runner_parse(line)
    # What comes back is the value itself, except that a "##[" or "##vso[" in it
    # (a command for older runners and Azure Pipelines) arrives made visible.
    arrives = neutralise_hashes(value)
    assert name == "error" and data == arrives
    if value:
        assert properties == {"title": arrives, "file": arrives}


@pytest.mark.parametrize("value", ["##[error]x", "a ##vso[task.complete]b", "##[add-mask]s"])
def test_legacy_commands_in_an_annotation_arrive_visible(value):
    _, properties, data = runner_parse(github.command("error", {"title": value}, value))
    assert "##[" not in data.lower() and "##vso[" not in data.lower()
    assert data == properties["title"] == value.replace("##", "#\\x23")


def test_command_layout_follows_toolkit():
    assert github.command("error", {}, "m") == "::error::m"
    # toolkit adds the space as soon as a property object is given, even if all are empty
    assert github.command("error", {"title": "", "file": None}, "m") == "::error ::m"
    assert github.command("notice", {"title": "t", "line": 0, "col": 3}, "") == "::notice title=t,col=3::"
    assert github.command("error", {"file": "a\ud800b"}, "x") == "::error file=a\ufffdb::x"


def test_severity_maps_to_command_and_columns_only_on_one_line():
    paths = Paths("/repo", "/repo")
    lines = github.annotations([
        finding(severity=Severity.INFO, line=4, column=3, end_line=6, end_column=2),
        finding(severity=Severity.WARNING),
    ], paths)
    assert lines[0] == toolkit_issue(
        "notice", "approach is `rag` but the plan has no `baseline.prompt_engineering`\n"
                  "fix: Add `baseline.prompt_engineering` with `status: done`.",
        title="BASE001 missing-prompt-baseline", file="plan.aiplan.yaml", start_line=4, end_line=6)
    assert lines[1].startswith("::warning title=BASE001 missing-prompt-baseline,file=plan.aiplan.yaml,"
                               "line=3,endLine=3,col=11,endColumn=14::")


def test_paths_are_relative_to_the_repository_root(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    paths = Paths.for_run(cwd=str(tmp_path / "sub"))
    [line] = github.annotations([finding(path="plans/x.aiplan.yaml")], paths)
    assert ",file=sub/plans/x.aiplan.yaml," in line
    [stdin] = github.annotations([finding(path="-")], paths)
    assert stdin.startswith("::error title=BASE001 missing-prompt-baseline::")


def test_internal_errors_become_error_annotations():
    from aiplan.core.findings import InternalError

    run = run_of(FileResult("p.aiplan.yaml", errors=(InternalError("acme", "ACME001", "raised KeyError: 'x'", "p.aiplan.yaml"),)))
    output = github.render(run, rules())
    assert output == "::error title=aiplan internal error::plugin 'acme' rule ACME001 failed on p.aiplan.yaml: raised KeyError: 'x'\n"


# -- under GitHub Actions, without --format

def test_actions_mode_prints_neutralised_log_then_annotations(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = "::set-output name=x::y.aiplan.yaml"
    (tmp_path / evil).write_text('aiplan: 1\nname: "##[set-output name=x;]y ::error::z"\napproach: rag\n')
    # One finding about the file (BASE001) and one quoting the plan's name (ECHO001).
    result = cli("lint", "--plugin", "name_echo_plugin", "--select", "BASE001,ECHO001", ".",
                 env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    lines = result.output.splitlines()
    log = [line for line in lines if not line.startswith(("::error ", "::warning ", "::notice "))]
    annotations = [line for line in lines if line.startswith(("::error ", "::warning ", "::notice "))]
    assert len(annotations) == 2
    for line in log:
        assert not line.lstrip().startswith("::") and "##[" not in line
    # the text report shows a file name that would start a command line as ./::..., so it stays inert
    assert log[0] == "./::set-output name=x::y.aiplan.yaml" and log[1].startswith("  1:1 error BASE001 ")
    assert "#\\x23[set-output name=x;]y ::error::z" in result.output
    # annotations carry the plan text as the toolkit would (only %, CR, LF escaped in data),
    # except "##[", which older runners and Azure Pipelines read anywhere in a line
    assert any("::the plan is called #\\x23[set-output name=x;]y ::error::z%0Afix:" in a for a in annotations)
    assert all(",file=%3A%3Aset-output name=x%3A%3Ay.aiplan.yaml," in a for a in annotations)
    # every annotation comes after the whole human-readable log
    assert lines.index(annotations[0]) > lines.index(log[-1])


def test_explicit_format_under_actions_prints_only_that_format(cli):
    import json

    from conftest import EXAMPLES

    result = cli("lint", "--format", "json", EXAMPLES / "ticket-formatter.aiplan.yaml", env={"GITHUB_ACTIONS": "true"})
    json.loads(result.output)
    text = cli("lint", "--format", "text", EXAMPLES / "ticket-formatter.aiplan.yaml", env={"GITHUB_ACTIONS": "true"})
    assert "::error" not in text.output and "error BASE001 missing-prompt-baseline" in text.output
    concise = cli("lint", "--format", "concise", EXAMPLES / "ticket-formatter.aiplan.yaml",
                  env={"GITHUB_ACTIONS": "true"})
    assert "::error" not in concise.output and ":16:13: BASE001 [error]" in concise.output


def test_neutralise():
    assert neutralise("::a\n  ::b\nx::c\n##[d ##[e\n") == "\\x3a:a\n  \\x3a:b\nx::c\n#\\x23[d #\\x23[e\n"
    assert neutralise("a\r::b\u2028::c") == "a\r\\x3a:b\u2028\\x3a:c"
    assert neutralise("###[x") == "##\\x23[x"


def test_overflow_note_when_github_would_drop_annotations():
    many = FileResult("p.aiplan.yaml", findings=tuple(finding(line=i) for i in range(1, 13)))
    note = github.overflow_note(run_of(many))
    assert note == ("GitHub shows the first 10 error annotations of a step; all 12 error findings "
                    "are listed in the log above.\n")
    assert github.overflow_note(run_of(FileResult("p", findings=(finding(),)))) == ""


# -- the step summary

def test_step_summary_is_appended_with_counts_and_linked_rules(cli, tmp_path):
    from conftest import EXAMPLES

    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step output\n")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = cli("lint", EXAMPLES / "ticket-formatter.aiplan.yaml", env=env)
    assert result.exit_code == 1
    text = summary.read_text()
    assert text.startswith("# Earlier step output\n\n## aiplan\n")
    assert "| \N{CROSS MARK} error | 2 |" in text
    assert "| [BASE001 missing-prompt-baseline](https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#base001-missing-prompt-baseline) |" in text
    assert "| [FT001 fine-tuning-without-held-out](https://github.com/aiplan-dev/aiplan/blob/main/docs/rules.md#ft001-fine-tuning-without-held-out) |" in text
    cli("lint", EXAMPLES / "ticket-formatter.aiplan.yaml", env=env)
    assert summary.read_text().count("## aiplan") == 2  # appended again, never overwritten


def test_step_summary_says_what_the_baseline_hid(cli, tmp_path, monkeypatch):
    from conftest import EXAMPLES

    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text((EXAMPLES / "ticket-formatter.aiplan.yaml").read_text())
    cli("lint", "--write-baseline", "b.json")
    # BASE001 fixed; finishing the baseline without results is a new finding (BASE002, an error),
    # and so is finishing it without naming its model (BASE006, a warning)
    plan.write_text(plan.read_text().replace("status: in_progress", "status: done"))
    summary = tmp_path / "summary.md"
    result = cli("lint", "--baseline", "b.json",
                 env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1, result.output
    text = summary.read_text()
    assert "Linted 1 file: 1 error, 1 warning, 0 info." in text and "BASE002" in text and "BASE006" in text
    assert ("Baseline `b.json`: 1 known finding not shown. 1 entry no longer matches; shrink it with "
            "`aiplan lint --write-baseline b.json`.") in text


def test_step_summary_only_under_actions(cli, tmp_path):
    from conftest import EXAMPLES

    summary = tmp_path / "summary.md"
    cli("lint", EXAMPLES / "ticket-formatter.aiplan.yaml", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert not summary.exists()


def test_step_summary_cells_cannot_break_the_table_or_inject_markup():
    hostile = "a | b <script>x</script> [l](javascript:x) `c` **d** \n e &amp; #1 $x$ \\"
    run = run_of(FileResult("p|q.aiplan.yaml", findings=(finding(message=hostile, path="p|q.aiplan.yaml"),)))
    markdown = github_summary.render(run, rules())
    [row] = [line for line in markdown.splitlines() if line.startswith("| \N{CROSS MARK} | [")]
    unescaped_pipes = [i for i, ch in enumerate(row) if ch == "|" and row[i - 1] != "\\"]
    assert len(unescaped_pipes) == 6  # five cells
    # plan content is one inline code span (fenced by more backticks than it holds): no HTML, link,
    # emphasis, entity or math; the message's line break stayed inside the row
    assert "| ``a \\| b <script>x</script> [l](javascript:x) `c` **d** \\n e &amp; #1 $x$ \\`` |" in row
    assert "| `p\\|q.aiplan.yaml:3:11` |" in row


@pytest.mark.parametrize("text", ["see https://evil.example/x_y_ and www.evil.example", "``", "` x `", " a ", ""])
def test_step_summary_code_spans_hold_any_text(text):
    span = github_summary.code(text)
    if not text:
        assert span == ""
        return
    fence = span[:len(span) - len(span.lstrip("`"))]
    assert span.endswith(fence) and "`" * len(fence) not in span[len(fence):-len(fence)]
    inner = span[len(fence):-len(fence)]
    # CommonMark strips one space from each end when both are spaces: what remains is the text
    shown = inner[1:-1] if inner.startswith(" ") and inner.endswith(" ") and inner.strip() else inner
    assert shown == text


def test_step_summary_truncates_with_a_note_under_its_budget():
    many = FileResult("p.aiplan.yaml", findings=tuple(finding(line=i, message="x" * 500) for i in range(1, 2001)))
    run = run_of(many)
    markdown = github_summary.render(run, rules())
    assert len(markdown.encode()) <= github_summary.BUDGET < github_summary.STEP_SUMMARY_LIMIT
    assert "more findings not shown: GitHub limits the size of a step summary" in markdown
    small = github_summary.render(run, rules(), budget=4096)
    assert len(small.encode()) <= 4096 and "not shown" in small


def test_step_summary_budget_accounts_for_what_the_file_holds(tmp_path):
    path = tmp_path / "s.md"
    path.write_bytes(b"x" * (github_summary.STEP_SUMMARY_LIMIT - 10_000))
    assert github_summary.budget_for(str(path)) == 10_000 - 4096
    github_summary.append(str(path), "y" * 20_000)  # would pass the limit: left out
    assert os.path.getsize(path) == github_summary.STEP_SUMMARY_LIMIT - 10_000


def test_repository_root_falls_back_to_the_actions_workspace(tmp_path):
    (tmp_path / "sub").mkdir()
    cwd = str(tmp_path / "sub")
    assert Paths.for_run(cwd=cwd, environ={"GITHUB_WORKSPACE": str(tmp_path)}).root == str(tmp_path)
    assert Paths.for_run(cwd=cwd, environ={"GITHUB_WORKSPACE": "/elsewhere"}).root == cwd
    assert Paths.for_run(cwd=cwd, environ={}).root == cwd


def test_actions_mode_keeps_annotation_bytes_and_shows_escapes_visibly_in_the_log(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.aiplan.yaml").write_text('aiplan: 1\nname: "red \\e[31mtext"\n')
    result = cli("lint", "--plugin", "name_echo_plugin", "--select", "ECHO", "p.aiplan.yaml",
                 env={"GITHUB_ACTIONS": "true"})
    [log] = [line for line in result.output.splitlines() if line.lstrip().startswith("= the plan")]
    annotation = result.output.splitlines()[-1]
    assert log.endswith("the plan is called red \\x1b[31mtext")
    assert annotation.startswith("::warning ") and "::the plan is called red \x1b[31mtext%0Afix: " in annotation


def test_step_summary_whatever_the_format(cli, tmp_path):
    from conftest import EXAMPLES

    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = cli("lint", "--format", "sarif", EXAMPLES / "ticket-formatter.aiplan.yaml", env=env)
    assert result.output.startswith("{")
    assert "| \N{CROSS MARK} error | 2 |" in summary.read_text()


# GitHub's escaping as /work/shared/vendor-specs/README.md states it (the toolkit's command.ts):
# message data escapes these, property values these and `:` and `,` too.
ROOT = Path(__file__).resolve().parents[3]
VENDOR_SPEC = Path("/work/shared/vendor-specs/README.md")
DATA_ESCAPES = {"%": "%25", "\r": "%0D", "\n": "%0A"}
PROPERTY_ESCAPES = {**DATA_ESCAPES, ":": "%3A", ",": "%2C"}


def test_escapes_are_the_vendor_specs():
    if VENDOR_SPEC.exists():  # the published statement, where this checkout has it
        spec = " ".join(VENDOR_SPEC.read_text().split())
        assert "escapes `%` as `%25`, CR as `%0D`, LF as `%0A`" in spec
        assert "also `:` as `%3A` and `,` as `%2C`" in spec
    for raw, escaped in DATA_ESCAPES.items():
        assert github.escape_data(f"a{raw}b") == f"a{escaped}b"
    for raw, escaped in PROPERTY_ESCAPES.items():
        assert github.escape_property(f"a{raw}b") == f"a{escaped}b"


def test_the_docs_describe_the_escaping_the_reporter_does():
    """One review read `\\n` in the docs where annotations carry `%0A`: ci.md names each escape."""
    ci = (ROOT / "docs" / "ci.md").read_text()
    row = next(line for line in ci.splitlines() if line.startswith("| `github` |"))
    for raw, escaped in PROPERTY_ESCAPES.items():
        assert f"`{escaped}`" in row, escaped
    assert "\\n" not in row
    assert "%0Afix: " in github.annotation(finding(), "p.aiplan.yaml")

