import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES

CLEAN = EXAMPLES / "support-copilot.aiplan.yaml"
FLAWED = EXAMPLES / "ticket-formatter.aiplan.yaml"


def test_lint_clean_plan_exits_0(cli):
    result = cli("lint", CLEAN)
    assert result.exit_code == 0, result.output
    assert "Linted 1 file: no findings." in result.output


def test_lint_flawed_plan_text_output(cli, tmp_path):
    plan = tmp_path / "aiplan.yaml"
    plan.write_text(FLAWED.read_text())
    os.chdir(tmp_path)
    result = cli("lint")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:7] == [
        "aiplan.yaml",
        "  16:13 error BASE001 missing-prompt-baseline",
        "     |",
        "  16 |     status: in_progress        # the team skipped ahead to training",
        "     |             ^^^^^^^^^^^",
        "     = approach is `fine_tuning` but the prompt-engineering baseline is `in_progress`, not `done`",
        "     = fix: Finish the prompt-engineering baseline and record its results before committing to "
        "`fine_tuning`; then, under `baseline.prompt_engineering`, set `status: done`.",
    ]
    assert lines[-1] == "Linted 1 file: 2 errors, 0 warnings, 0 info; 2 fail the run (fail-on: error)."


def test_json_output_contract(cli):
    result = cli("lint", "--format", "json", FLAWED)
    assert result.exit_code == 1
    document = json.loads(result.output)
    finding = document["findings"][0]
    for key in ("rule", "name", "severity", "message", "fix", "path", "line", "column"):
        assert key in finding
    assert (finding["rule"], finding["line"], finding["column"]) == ("BASE001", 16, 13)
    assert finding["severity"] == "error" and finding["name"] == "missing-prompt-baseline"
    assert document["summary"]["by_severity"]["error"] == 2


def test_fail_on_and_select_ignore(cli):
    assert cli("lint", "--ignore", "BASE,FT", FLAWED).exit_code == 0
    assert cli("lint", "--select", "FT001", FLAWED).exit_code == 1
    result = cli("lint", "--select", "FT", "--ignore", "FT001", "--format", "json", FLAWED)
    assert json.loads(result.output)["findings"] == []


@pytest.mark.parametrize("name", ["json", "github", "sarif", "junit", "gitlab"])
def test_statistics_with_a_format_for_programs_is_refused_not_dropped(cli, name):
    result = cli("lint", "--statistics", "--format", name, FLAWED)
    assert result.exit_code == 2
    assert f"cannot shape --format {name}" in result.output and "--output-file" in result.output


@pytest.mark.parametrize("name", ["text", "concise"])
def test_statistics_shape_the_text_formats(cli, name):
    result = cli("lint", "--statistics", "--format", name, FLAWED)
    assert result.exit_code == 1 and "BASE001" in result.output and "-:" not in result.output
    assert "Finish the prompt-engineering baseline" not in result.output  # counts, not the findings


def test_statistics_print_beside_a_report_written_to_a_file(cli, tmp_path):
    report = tmp_path / "report.json"
    result = cli("lint", "--statistics", "--format", "json", "--output-file", report, FLAWED)
    assert result.exit_code == 1 and "BASE001" in result.output
    assert json.loads(report.read_text())["findings"]


def test_unknown_selector_is_usage_error(cli):
    result = cli("lint", "--select", "FTX", CLEAN)
    assert result.exit_code == 2
    assert "matches no rule" in result.output


def test_unknown_selector_is_echoed_as_typed_and_visibly(cli):
    assert "'it's' matches no rule" in cli("lint", "--select", "it's", CLEAN).output
    assert "'FT\\u202e1' matches no rule" in cli("lint", "--ignore", "FT\u202e1", CLEAN).output
    assert cli("lint", "--select", "ft001", CLEAN).exit_code == 0  # matching still ignores case


@pytest.mark.parametrize("command", [("lint", "--select"), ("report", "--select"), ("rules", "--family")])
def test_an_unknown_selector_is_the_same_usage_error_in_every_command(cli, command):
    paths = () if command[0] == "rules" else (CLEAN,)
    unknown = cli(*command, "XYZ", *paths)
    assert unknown.exit_code == 2
    assert f"{command[1]}: 'XYZ' matches no rule; rule families are ACC, BASE," in unknown.output
    close = cli(*command, "FTT", *paths)
    assert close.exit_code == 2 and "'FTT' matches no rule; did you mean FT?" in close.output


def test_rules_family_selects_as_select_does(cli):
    ids = [line.split()[0] for line in cli("rules", "--family", "ft,rag00").output.splitlines()]
    assert ids and {i.rstrip("0123456789") for i in ids} == {"FT", "RAG"}
    assert all(i.startswith(("FT", "RAG00")) for i in ids) and "RAG010" not in ids


def test_explain_a_family_lists_its_rules_as_rules_does(cli):
    family = cli("explain", "ft")
    assert family.exit_code == 0
    assert family.stdout == cli("rules", "--family", "FT").stdout
    assert "FT is a rule family" in family.stderr and "aiplan explain FT001" in family.stderr
    unknown = cli("explain", "XYZ")
    assert unknown.exit_code == 2 and "Rule families are ACC, BASE," in unknown.output


def test_explain_shows_invisible_characters_and_backslashes_unambiguously(cli):
    assert "unknown rule 'FT\\u200b001'" in cli("explain", "FT\u200b001").output
    typed, control = cli("explain", "FT\\x01").output, cli("explain", "FT\x01").output
    assert "unknown rule 'FT\\\\x01'" in typed
    assert "unknown rule 'FT\\x01'" in control


def test_missing_path_is_usage_error(cli, tmp_path):
    result = cli("lint", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_bad_option_is_usage_error(cli):
    assert cli("lint", "--fail-on", "fatal", CLEAN).exit_code == 2


def test_directory_discovery_skips_vendor_dirs(cli, tmp_path):
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "aiplan.yaml").write_text("name: no version\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "aiplan.yaml").write_text("name: no version\n")
    venv = tmp_path / "env"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("")
    (venv / "aiplan.yml").write_text("name: no version\n")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "search.aiplan.yml").write_text(CLEAN.read_text())
    (tmp_path / "notes.yaml").write_text("name: not a plan\n")
    result = cli("lint", "--format", "json", tmp_path)
    document = json.loads(result.output)
    assert document["summary"]["files"] == 1
    assert result.exit_code == 0


def test_explicit_yaml_without_aiplan_key(cli, tmp_path):
    other = tmp_path / "config.yaml"
    other.write_text("name: not a plan\n")
    result = cli("lint", other)
    assert result.exit_code == 1
    assert "PLAN003" in result.output and "no `aiplan` key" in result.output


def test_multi_document_file(cli, tmp_path):
    plan = tmp_path / "two.aiplan.yaml"
    plan.write_text("aiplan: 1\nname: one\n---\naiplan: 1\nname: two\napproach: rag\n")
    result = cli("lint", "--format", "json", "--select", "BASE001", plan)
    [finding] = json.loads(result.output)["findings"]
    assert finding["rule"] == "BASE001" and finding["document"] == 1 and finding["line"] == 4


def test_json_plan_named_explicitly(cli, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"aiplan": 1, "name": "json", "approach": "rag"}, indent=2))
    result = cli("lint", "--format", "json", "--select", "BASE001", plan)
    [finding] = json.loads(result.output)["findings"]
    assert finding["rule"] == "BASE001"


def test_stdin(cli):
    result = cli("lint", "--format", "concise", "-", input="aiplan: 1\nname: x\napproach: rag\n")
    assert result.exit_code == 1 and result.output.startswith("-:1:1: BASE001")


def test_stdin_shows_the_code_frame_as_a_file_does(cli, tmp_path):
    plan = tmp_path / "x.aiplan.yaml"
    plan.write_text(FLAWED.read_text())
    from_file = cli("lint", plan).output.splitlines()
    from_stdin = cli("lint", "-", input=FLAWED.read_text()).output.splitlines()
    assert from_stdin[0] == "-" and from_stdin[1:] == from_file[1:]
    assert "  16 |     status: in_progress        # the team skipped ahead to training" in from_stdin


def test_fixing_stdin_shows_the_frame_of_what_remains(cli):
    plan = "aiplan: 1\nname: x\napproach: rag\n"
    result = cli("lint", "--fix", "-", input=plan)
    assert result.stdout == plan  # nothing to fix: the plan as it came
    assert "\n  1 | aiplan: 1\n" in result.stderr


def test_stdin_filename_names_the_plan_for_settings_data_paths_and_reports(cli, tmp_path, monkeypatch):
    from conftest import copy_clean_plan

    plan = copy_clean_plan(tmp_path / "team")
    (tmp_path / "team" / ".aiplan.toml").write_text('severity = {EVAL003 = "error"}\n')
    monkeypatch.chdir(tmp_path)
    text = plan.read_text()
    named = cli("lint", "--format", "concise", "--stdin-filename", "team/clean.aiplan.yaml", input=text)
    assert named.exit_code == 0 and named.output == "Linted 1 file: no findings.\n"
    # The same plan unnamed: its data paths start from here, where they do not exist.
    unnamed = cli("lint", "--format", "concise", "-", input=text)
    assert unnamed.exit_code == 0 and "-:" in unnamed.output and "EVAL003 [warning]" in unnamed.output
    broken = text.replace("approach: hybrid", "approach: rag", 1)
    shown = cli("lint", "--format", "concise", "--stdin-filename", "team/clean.aiplan.yaml", "-", input=broken)
    assert shown.output.startswith("team/clean.aiplan.yaml:") and plan.read_text() == text
    fixed = cli("lint", "--fix", "--stdin-filename", "team/clean.aiplan.yaml", input=text)
    assert fixed.stdout == text and plan.read_text() == text


def test_stdin_filename_reports_hash_and_frame_the_text_given_not_the_file_saved(cli, tmp_path, monkeypatch):
    # An editor's unsaved buffer: PATH on disk holds other text (here, lines shifted by a comment).
    monkeypatch.chdir(tmp_path)
    buffer = FLAWED.read_text().replace("# the team skipped ahead to training",
                                        "# aiplan: ignore[BASE001] -- baseline in review", 1)
    saved = tmp_path / "plans" / "ticket.aiplan.yaml"
    saved.parent.mkdir()
    saved.write_text("# an older version\n" + FLAWED.read_text())
    options = ("lint", "--no-cache", "--format", "sarif", "--sarif-include-suppressed")
    piped = cli(*options, "--stdin-filename", "plans/ticket.aiplan.yaml", "-", input=buffer)
    framed = cli("lint", "--no-cache", "--stdin-filename", "plans/ticket.aiplan.yaml", "-", input=buffer)
    saved.write_text(buffer)  # the buffer saved: what the piped run must have reported
    on_disk = cli(*options, "plans/ticket.aiplan.yaml")
    assert piped.output == on_disk.output
    results = json.loads(piped.output)["runs"][0]["results"]
    assert {r["ruleId"] for r in results if r.get("suppressions")} == {"BASE001"}
    assert all(r["partialFingerprints"]["primaryLocationLineHash"] for r in results)
    assert "\n  19 | fine_tuning:\n" in framed.output  # on disk, line 19 is `approach: fine_tuning`


def test_stdin_filename_without_standard_input_is_a_usage_error(cli, tmp_path):
    result = cli("lint", "--stdin-filename", "x.aiplan.yaml", tmp_path)
    assert result.exit_code == 2 and "add - to the paths" in result.output


def test_report_stdin_filename_reads_the_plan_as_that_file_would_be_read(cli, tmp_path, monkeypatch):
    from conftest import copy_clean_plan

    plan = copy_clean_plan(tmp_path / "team")
    (tmp_path / "team" / "evals" / "support-v1.jsonl").unlink()  # one data path that does not resolve
    (tmp_path / "team" / ".aiplan.toml").write_text('severity = {EVAL003 = "error"}\n')
    monkeypatch.chdir(tmp_path)
    text = plan.read_text()
    plan.write_text(text.replace("Support copilot", "An older copilot"))  # the saved file is not what is read
    named = cli("report", "--stdin-filename", "team/clean.aiplan.yaml", input=text)
    assert named.exit_code == 0 and "`team/clean.aiplan.yaml`" in named.output
    assert "An older copilot" not in named.output
    # PATH's configuration (EVAL003 an error) and PATH's folder (only the removed file is missing).
    missing = [line for line in named.output.splitlines() if "**EVAL003**" in line]
    assert missing and all(line.startswith("- ❌ **EVAL003**") and "`evals/support-v1.jsonl`" in line
                           for line in missing)
    # Unnamed: the working directory's settings, and data paths from here, where none exist.
    unnamed = cli("report", "-", input=text)
    flagged = [line for line in unnamed.output.splitlines() if "**EVAL003**" in line]
    assert len(flagged) > len(missing) and all(line.startswith("- ⚠️ **EVAL003**") for line in flagged)


def test_report_and_lint_share_stdin_filename_and_its_checks(cli, tmp_path):
    from aiplan.cli.commands import report
    from aiplan.cli.main import main

    [in_lint] = [p for p in main.get_command(None, "lint").params if p.name == "stdin_filename"]
    [in_report] = [p for p in report.params if p.name == "stdin_filename"]
    assert (in_lint.opts, in_lint.help, in_lint.metavar) == (in_report.opts, in_report.help, in_report.metavar)
    for command in ("lint", "report"):
        without_stdin = cli(command, "--stdin-filename", "x.aiplan.yaml", tmp_path)
        assert without_stdin.exit_code == 2 and "add - to the paths" in without_stdin.output
        unnamed = cli(command, "--stdin-filename", "", "-", input="aiplan: 1\n")
        assert unnamed.exit_code == 2 and "needs the path the plan stands for, not ''" in unnamed.output


def test_rules_explain_schema(cli):
    listing = cli("rules")
    assert listing.exit_code == 0 and "FT001" in listing.output and "PLAN001" in listing.output
    rows = json.loads(cli("rules", "--format", "json", "--family", "PLAN").output)
    assert rows and all(r["id"].startswith("PLAN") for r in rows)
    explained = cli("explain", "FT001")
    assert explained.exit_code == 0 and "held-out" in explained.output and "Passes:" in explained.output
    assert cli("explain", "fine-tuning-without-held-out").exit_code == 0
    unknown = cli("explain", "FT0001")
    assert unknown.exit_code == 2 and "Did you mean" in unknown.output
    schema = json.loads(cli("schema").output)
    assert schema["$schema"].endswith("2020-12/schema")


def test_init_writes_clean_plan_and_never_overwrites(cli, tmp_path):
    target = tmp_path / "aiplan.yaml"
    assert cli("init", target).exit_code == 0
    text = target.read_text()
    assert "# AI project plan" in text and text.splitlines()[1].startswith("# yaml-language-server: $schema=")
    assert cli("lint", target).exit_code == 0
    target.write_text("my own content\n")
    again = cli("init", target)
    assert again.exit_code == 2 and "already exists" in again.output
    assert target.read_text() == "my own content\n"
    assert cli("init", tmp_path).exit_code == 2  # the directory already holds aiplan.yaml


def test_python_dash_m_in_a_real_subprocess(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("aiplan: 1\nname: x\napproach: fine_tuning\nfine_tuning: {purpose: behavior}\n")
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "aiplan", "lint", str(plan)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "FT001" in proc.stdout and "BASE001" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_colour_only_when_asked(cli):
    plain = cli("lint", FLAWED)
    assert "\x1b[" not in plain.output
    coloured = cli("lint", "--color", "always", FLAWED)
    assert "\x1b[" in coloured.output


def test_control_characters_in_plan_are_rendered_visibly(cli, tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text('aiplan: 1\nname: x\napproach: "\\e[31mRAG\\u202e"\n')
    result = cli("lint", plan)
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b[31mRAG\\u202e" in result.output


def test_top_level_help_shows_each_command_description_whole(cli):
    from aiplan.cli.main import main

    output = " ".join(cli("--help").output.split("Commands:")[1].split())
    assert "..." not in output
    for name in main.list_commands(None):
        command = main.get_command(None, name)
        described = command.get_short_help_str(limit=1000)
        assert described.endswith(".") and described in output, name


def test_option_hints_are_toml_whatever_the_plans_notation(cli, tmp_path):
    """A JSON plan gets its plan snippets as JSON, but a rule option lives in the TOML
    configuration: EVAL003 once told a JSON plan to set `"check_paths": false`."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"aiplan": 1, "name": "x", "approach": "fine_tuning",
                                "fine_tuning": {"purpose": "behavior", "dataset": {"path": "data/missing.jsonl"}}}))
    result = cli("lint", "--select", "EVAL003", "--format", "json", plan)
    fixes = [finding["fix"] for finding in json.loads(result.output)["findings"]]
    assert fixes and all("`check_paths = false`" in fix and '"check_paths"' not in fix for fix in fixes)
    assert all("`[tool.aiplan.rules.EVAL003]`" in fix for fix in fixes)
