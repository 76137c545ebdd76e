"""Exact output of the github and sarif reporters in the branches the mutation run of
issue 13 found unpinned: findings without a fix hint, the paths a caller passes, more than
one kind of annotation over GitHub's limit, and the descriptor of a rule the run does not know."""

from aiplan.core.findings import FileResult, Severity
from aiplan.reporters import github, sarif
from aiplan.reporters.sources import Paths

from ci_support import finding, rules, run_of

PATHS = Paths("/work/sub", "/work")


def test_an_annotation_without_a_fix_hint_is_the_message_alone():
    assert github.annotation(finding(fix=""), "plan.aiplan.yaml") == (
        "::error title=BASE001 missing-prompt-baseline,file=plan.aiplan.yaml,line=3,endLine=3,col=11,endColumn=14"
        "::approach is `rag` but the plan has no `baseline.prompt_engineering`")


def test_render_places_files_by_the_paths_it_is_given():
    run = run_of(FileResult("plans/p.aiplan.yaml", findings=(finding(path="plans/p.aiplan.yaml", severity=Severity.INFO),)))
    assert github.render(run, rules(), paths=PATHS) == (
        "::notice title=BASE001 missing-prompt-baseline,file=sub/plans/p.aiplan.yaml,line=3,endLine=3,col=11,"
        "endColumn=14::approach is `rag` but the plan has no `baseline.prompt_engineering`"
        "%0Afix: Add `baseline.prompt_engineering` with `status: done`.\n")


def test_each_kind_over_the_limit_gets_its_own_line():
    over = github.ANNOTATION_LIMIT + 1
    findings = [finding(line=i, severity=severity) for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                for i in range(1, over + 1)]
    findings += [finding(line=i, severity=Severity.INFO) for i in range(over + 1, over + 3)]
    run = run_of(FileResult("p.aiplan.yaml", findings=tuple(findings)))
    assert github.overflow_note(run) == (
        f"GitHub shows the first 10 error annotations of a step; all {over} error findings are listed in the log above.\n"
        f"GitHub shows the first 10 warning annotations of a step; all {over} warning findings are listed in the log above.\n"
        f"GitHub shows the first 10 notice annotations of a step; all {over + 2} info findings are listed in the log above.\n")


def test_a_rule_the_run_does_not_know_is_described_by_the_finding():
    named = finding(rule="ZZZ001", name="mystery", severity=Severity.WARNING)
    nameless = finding(rule="ZZZ002", name="", severity=Severity.INFO)
    run = run_of(FileResult("p", findings=(named, nameless)))
    descriptors = {d["id"]: d for d in sarif.payload(run, {}, paths=PATHS)["runs"][0]["tool"]["driver"]["rules"]}
    assert descriptors == {
        "ZZZ001": {"id": "ZZZ001", "name": "mystery", "shortDescription": {"text": "mystery"},
                   "fullDescription": {"text": "mystery"}, "help": {"text": "ZZZ001", "markdown": "ZZZ001"},
                   "defaultConfiguration": {"level": "warning"}, "properties": {"tags": ["aiplan"]}},
        "ZZZ002": {"id": "ZZZ002", "name": "ZZZ002", "shortDescription": {"text": "ZZZ002"},
                   "fullDescription": {"text": "ZZZ002"}, "help": {"text": "ZZZ002", "markdown": "ZZZ002"},
                   "defaultConfiguration": {"level": "note"}, "properties": {"tags": ["aiplan"]}},
    }


def test_values_become_command_text_as_the_toolkits_to_command_value_makes_them():
    # toCommandValue: null/undefined as "", booleans and numbers as JSON, strings as they are.
    assert [github.escape_data(value) for value in (None, True, False, 0, 12, "12", "")] == [
        "", "true", "false", "0", "12", "12", ""]
    assert [github.escape_property(value) for value in (None, True, False, 7)] == ["", "true", "false", "7"]


def test_sarif_is_written_indented_in_ascii_without_what_was_waived():
    waived = finding(line=5, end_line=5, message="qqwaivedqq", justification="qqknownqq")
    counted = finding(path="plans/p.aiplan.yaml", message="counted caf\u00e9 \U0001f600")
    run = run_of(FileResult("plans/p.aiplan.yaml", findings=(counted,), suppressed=(waived,)))
    text = sarif.render(run, rules(), paths=PATHS)
    assert text.startswith('{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n'
                           '  "version": "2.1.0",\n  "runs": [\n    {\n      "tool": {\n')
    assert text.endswith("\n}\n") and text.isascii()
    assert '"text": "counted caf\\u00e9 \\ud83d\\ude00\\nFix: ' in text
    assert '"uri": "sub/plans/p.aiplan.yaml"' in text
    assert "qqwaivedqq" not in text and "qqknownqq" not in text


def test_a_region_spanning_lines_keeps_its_end_column():
    spanning = finding(line=2, column=5, end_line=4, end_column=1)
    assert sarif.region(spanning) == {"startLine": 2, "startColumn": 5, "endLine": 4, "endColumn": 1}
    assert sarif.region(finding(line=2, column=5, end_line=4, end_column=0))["endColumn"] == 1


def test_the_console_note_counts_waived_findings_only_when_the_report_holds_them():
    run = run_of(FileResult("p", findings=(finding(),), suppressed=(finding(line=5, end_line=5),)))
    assert sarif.overflow(run, limit=1) is None
    assert sarif.overflow(run, include_suppressed=True, limit=1) == (
        "SARIF report capped: 1 of 2 results left out, because GitHub code scanning rejects a run with more than "
        "25,000 results; kept the 1 most severe. The text or JSON report lists every finding.")
    assert sarif.overflow(run, include_suppressed=True) is None
