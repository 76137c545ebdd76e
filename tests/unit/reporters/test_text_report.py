"""The text report a person reads: grouped by file, errors first, the source
line with carets, message and hint beneath, [*] on what --fix repairs; and the
concise, --statistics and --exit-zero variants."""

import os
import re

import pytest

from aiplan.core.findings import FileResult, Finding, Severity
from aiplan.reporters import text
from aiplan.run.runner import RunResult

from conftest import EXAMPLES

RESTRICTED_PLAN = """\
aiplan: 1
name: Support copilot
approach: finetuning
gaps:
  knowledge: {present: true}
"""


def finding(path, line, column, rule="FT003", severity=Severity.WARNING, end_column=None, **kwargs):
    return Finding(rule=rule, name=kwargs.pop("name", "small-dataset"), severity=severity,
                   message=kwargs.pop("message", f"message of {rule}"), fix=kwargs.pop("fix", f"fix for {rule}"),
                   path=str(path), line=line, column=column, end_line=line,
                   end_column=end_column or column + 1, **kwargs)


def run_of(*findings):
    by_file = {}
    for item in findings:
        by_file.setdefault(item.path, []).append(item)
    return RunResult(files=[FileResult(path=p, findings=tuple(f)) for p, f in by_file.items()])


def test_errors_come_before_warnings_and_root_causes_first():
    findings = [
        finding("a.yaml", 2, 1, "EVAL001", Severity.WARNING),
        finding("a.yaml", 9, 1, "FT001", Severity.ERROR),
        finding("a.yaml", 30, 1, "GAP001", Severity.ERROR),
        finding("a.yaml", 1, 1, "FIT003", Severity.INFO),
        finding("a.yaml", 40, 1, "PLAN002", Severity.ERROR),
        finding("a.yaml", 3, 1, "ACME001", Severity.ERROR),   # a plugin's family: after the built-in ones
        finding("b.yaml", 1, 1, "GAP002", Severity.WARNING),
    ]
    order = [(f.path, f.rule) for f in text.reading_order(findings)]
    assert order == [("a.yaml", "PLAN002"), ("a.yaml", "GAP001"), ("a.yaml", "FT001"), ("a.yaml", "ACME001"),
                     ("a.yaml", "EVAL001"), ("a.yaml", "FIT003"), ("b.yaml", "GAP002")]


def test_each_document_is_ordered_on_its_own():
    second = finding("a.yaml", 20, 1, "PLAN002", Severity.ERROR, document=1)
    first = finding("a.yaml", 2, 1, "EVAL001", Severity.WARNING, document=0)
    assert text.reading_order([second, first]) == [first, second]


def test_full_report_groups_by_file_with_snippet_carets_and_hints(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("aiplan: 1\napproach: finetuning\n")
    other = tmp_path / "q.aiplan.yaml"
    other.write_text("aiplan: 1\n")
    run = run_of(finding(plan, 2, 11, "PLAN002", Severity.ERROR, end_column=21, fix_available=True,
                         name="schema-violation", message="`approach` is 'finetuning'", fix="Write `fine_tuning`."),
                 finding(other, 1, 1, "GAP001", Severity.ERROR, end_column=7, name="missing-gap-analysis"))
    assert text.render(run, {}).splitlines() == [
        str(plan),
        "  2:11 error PLAN002 [*] schema-violation",
        "    |",
        "  2 | approach: finetuning",
        "    |           ^^^^^^^^^^",
        "    = `approach` is 'finetuning'",
        "    = fix: Write `fine_tuning`.",
        "",
        str(other),
        "  1:1 error GAP001 missing-gap-analysis",
        "    |",
        "  1 | aiplan: 1",
        "    | ^^^^^^",
        "    = message of GAP001",
        "    = fix: fix for GAP001",
        "",
        "Linted 2 files: 2 errors, 0 warnings, 0 info; 1 fixable with --fix [*].",
    ]


def test_carets_sit_under_the_column_past_tabs_and_wide_characters(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("name: \"漢字\"\tx: bad\n", encoding="utf-8")
    run = run_of(finding(plan, 1, 12, end_column=13))
    lines = text.render(run, {}, show_fix=False).splitlines()
    source, carets = lines[3], lines[4]
    assert source == '  1 | name: "漢字"\\tx: bad'
    # 漢字 takes four cells and the tab is shown as two characters: the caret is under `x`.
    assert carets.index("^") == source.index("x: bad") + 2 and carets.count("^") == 1


def test_a_node_over_several_lines_is_marked_to_the_end_of_its_first_line(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("fine_tuning:   \n  a: 1\n")
    item = Finding(rule="FT001", name="n", severity=Severity.ERROR, message="m", fix="", path=str(plan),
                   line=1, column=1, end_line=2, end_column=7)
    lines = text.render(run_of(item), {}).splitlines()
    assert lines[4] == "    | ^^^^^^^^^^^^" and "= fix" not in "\n".join(lines)


def test_a_very_long_line_is_shown_as_a_window_around_the_column(tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("x: " + "a" * 5000 + "BAD" + "b" * 5000 + "\n")
    lines = text.render(run_of(finding(plan, 1, 5004, end_column=5007)), {}).splitlines()
    source, carets = lines[3], lines[4]
    assert len(source) < 200 and source.startswith("  1 | ...") and source.endswith("...")
    assert source[carets.index("^"):carets.index("^") + 3] == "BAD" and carets.count("^") == 3


def test_no_snippet_for_standard_input_a_missing_line_or_a_fifo(tmp_path):
    gone = finding(tmp_path / "gone.aiplan.yaml", 3, 1)
    stdin = finding("-", 1, 1)
    short = tmp_path / "short.aiplan.yaml"
    short.write_text("aiplan: 1\n")
    past = finding(short, 9, 1)
    fifo = tmp_path / "pipe.aiplan.yaml"
    os.mkfifo(fifo)   # opening it would block until a writer came: the reporter must not
    piped = finding(fifo, 1, 1)
    output = text.render(run_of(gone, stdin, past, piped), {})
    assert " | " not in output and output.count("= message of FT003") == 4


def test_messages_never_start_a_line(tmp_path):
    """A message is written after `= `, so plan content (a policy pack's {value})
    never begins a line, where a CI runner would read it as a command."""
    run = run_of(finding(tmp_path / "x.aiplan.yaml", 1, 1, message="::error::injected", fix="##[group]x"))
    for line in text.render(run, {}).splitlines():
        assert not line.lstrip().startswith(("::", "##["))


def test_wrapping_happens_only_at_word_boundaries_when_a_width_is_given(tmp_path):
    message = " ".join(["word"] * 40) + " `a.very.long.yaml.path.that.must.not.be.split`"
    run = run_of(finding(tmp_path / "x.aiplan.yaml", 1, 1, message=message))
    unwrapped = text.render(run, {}, show_fix=False)
    assert f"= {message}\n" in unwrapped
    wrapped = text.render(run, {}, show_fix=False, wrap=60).splitlines()
    body = [line for line in wrapped if line.startswith("    ") and "word" in line or "a.very" in line]
    assert len(body) > 2 and all(len(line) <= 60 for line in body[:-1])
    assert any(line.strip() == "`a.very.long.yaml.path.that.must.not.be.split`" or
               line.endswith("`a.very.long.yaml.path.that.must.not.be.split`") for line in body)
    assert " ".join(line.strip().lstrip("= ") for line in body) == message


def test_concise_keeps_one_line_per_finding_in_file_order():
    run = run_of(finding("a.yaml", 2, 1, "EVAL001"), finding("a.yaml", 9, 3, "FT001", Severity.ERROR,
                                                                   fix_available=True))
    assert text.render(run, {}, concise=True).splitlines() == [
        "a.yaml:2:1: EVAL001 [warning] message of EVAL001",
        "a.yaml:9:3: FT001 [error] [*] message of FT001",
        "Linted 1 file: 1 error, 1 warning, 0 info; 1 fixable with --fix [*].",
    ]


def test_summary_counts_what_fails_the_gate():
    run = run_of(finding("a.yaml", 1, 1, "FT001", Severity.ERROR), finding("a.yaml", 2, 1),
                 finding("b.yaml", 2, 1, "RAG008", Severity.INFO))
    assert "; 1 fails the run (fail-on: error)" in text.summary_line(run, gate=lambda path: Severity.ERROR)
    assert "; 2 fail the run (fail-on: warning)" in text.summary_line(run, gate=lambda path: Severity.WARNING)
    per_path = text.summary_line(run, gate=lambda path: Severity.INFO if path == "b.yaml" else Severity.ERROR)
    assert "; 2 fail the run (fail-on set per path)" in per_path
    clean = run_of(finding("a.yaml", 2, 1))
    assert "; none fails the run (fail-on: error)" in text.summary_line(clean, gate=lambda path: Severity.ERROR)


def test_statistics_count_findings_and_fixable_per_rule():
    run = run_of(finding("a.yaml", 1, 1, "PLAN002", Severity.ERROR, name="schema-violation", fix_available=True),
                 finding("a.yaml", 2, 1, "PLAN002", Severity.ERROR, name="schema-violation"),
                 finding("b.yaml", 2, 1, "FT003"))
    assert text.statistics_lines(run) == [
        "2  PLAN002  error    schema-violation  [*] 1 fixable",
        "1  FT003    warning  small-dataset",
    ]


def test_cli_statistics_exit_zero_and_concise(cli):
    plan = EXAMPLES / "policy-search.aiplan.yaml"
    stats = cli("lint", "--statistics", plan)
    assert stats.exit_code == 1 and "PLAN002  error    schema-violation  [*] 2 fixable" in stats.output
    assert " | " not in stats.output   # the counts replace the findings
    zero = cli("lint", "--exit-zero", plan)
    # Nothing fails a run with --exit-zero: the summary says what would, not "4 fail the run".
    assert zero.exit_code == 0 and "; 4 would fail the run without --exit-zero (fail-on: error);" in zero.output
    assert "; 4 fail the run (fail-on: error);" in cli("lint", plan).output
    concise = cli("lint", "--format", "concise", plan)
    lines = concise.output.splitlines()
    assert all(re.match(r"\S+:\d+:\d+: [A-Z]+\d{3} \[(error|warning|info)\] ", line) for line in lines[:-1])
    assert sum(" [*] " in line for line in lines) == 2


def test_exit_zero_keeps_usage_and_internal_errors(cli, tmp_path):
    assert cli("lint", "--exit-zero", tmp_path / "missing.aiplan.yaml").exit_code == 2
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("aiplan: 1\nname: x\n")
    broken = cli("lint", "--exit-zero", "--plugin", "no_such_module_for_aiplan", plan)
    assert broken.exit_code == 3


@pytest.mark.parametrize("env,choice,coloured", [
    ({}, "always", True), ({"NO_COLOR": "1"}, "always", True), ({"NO_COLOR": "1"}, "auto", False),
    ({}, "never", False),
])
def test_an_explicit_colour_choice_wins_over_no_color(cli, env, choice, coloured):
    result = cli("lint", "--color", choice, EXAMPLES / "ticket-formatter.aiplan.yaml", env={"NO_COLOR": "", **env})
    assert ("\x1b[" in result.output) is coloured
