"""Waivers at the edges of a file (surviving mutants of issue 13): a last line without
a final line break, a file that holds only comments, and the fast path that leaves a
file without `# aiplan:` unscanned."""

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint import suppressions
from aiplan.lint.engine import lint_text
from aiplan.plugins.manager import load_rule_set


@pytest.fixture(scope="module")
def ctx():
    rules = load_rule_set(entry_points=False).rules
    return build_context(rules, LintConfig(select=("BASE001", "GAP001", "FT001", "PLAN")))


def _lint(ctx, text):
    result = lint_text(text, ctx, "plan.aiplan.yaml")
    return [(f.rule, f.line) for f in result.findings], [(f.rule, f.line) for f in result.suppressed]


@pytest.mark.parametrize("end", ["", "\n"])
def test_a_waiver_above_the_last_line_applies_to_it_with_or_without_a_final_line_break(ctx, end):
    text = "aiplan: 1\nname: x\napproach: fine_tuning\n# aiplan: ignore[FT001] -- pilot\nfine_tuning: {purpose: behavior}"
    assert _lint(ctx, text + end) == ([("BASE001", 1), ("GAP001", 1)], [("FT001", 5)])


def test_a_line_waiver_in_a_file_of_comments_has_no_line_to_waive(ctx):
    result = lint_text("# aiplan: ignore[PLAN003] -- nothing here\n", ctx, "plan.aiplan.yaml")
    assert [(f.rule, f.line, f.message) for f in result.findings] == [
        ("PLAN003", 1, "the file holds no YAML document (it is empty or only comments), so no plan"),
        ("PLAN006", 1, "suppression of PLAN003 has no line to waive: it is alone on its line and no content follows it")]
    assert result.suppressed == ()


def test_a_document_waiver_in_a_file_of_comments_waives_the_empty_document(ctx):
    assert _lint(ctx, "# a plan to come\n# aiplan: ignore-file[PLAN003] -- nothing here yet\n") == (
        [], [("PLAN003", 1)])


def test_a_file_without_a_directive_is_not_scanned(monkeypatch):
    def scan(text, documents):
        raise AssertionError("scanned a file without `# aiplan:`")

    monkeypatch.setattr(suppressions, "scan", scan)
    findings = ["kept"]
    assert suppressions.apply("aiplan: 1  # a comment\n", [], findings, (), ()) == (findings, [], [])
    assert suppressions.apply(None, [], findings, (), ()) == (findings, [], [])


def _documents(ctx, text):
    findings, suppressed = _lint(ctx, text)
    return suppressed, [finding for finding in findings if finding[0].startswith("PLAN")]


def test_after_an_end_marker_a_blank_line_starts_no_document(ctx):
    text = "aiplan: 1\nname: x\napproach: rag\n...\n\n# aiplan: ignore-file[GAP001] -- closing note\n"
    assert _documents(ctx, text) == ([("GAP001", 1)], [])


def test_a_directives_line_between_documents_starts_no_document_of_its_own(ctx):
    text = ("aiplan: 1\nname: x\napproach: rag\n...\n%YAML 1.2\n---\naiplan: 1\nname: y\napproach: rag\n"
            "# aiplan: ignore-file[GAP001] -- second\n")
    assert _documents(ctx, text) == ([("GAP001", 7)], [])


def test_each_end_marker_without_a_start_marker_counts_one_more_document(ctx):
    plan = "aiplan: 1\nname: {}\napproach: rag\n"
    text = plan.format("a") + "...\n" + plan.format("b") + "...\n" + plan.format("c") + \
        "# aiplan: ignore-file[GAP001] -- third\n"
    assert _documents(ctx, text) == ([("GAP001", 9)], [])


@pytest.mark.parametrize("line", [
    'name: [a, "b # aiplan: c"]  # aiplan: ignore[PLAN002] -- r',   # text in a scalar before the comment
    "name: [a#aiplan:x]  # aiplan: ignore[PLAN002] -- r",            # no blank before the first `#`
    "name: [a]  #aiplan:ignore[PLAN002] -- r",                       # no blanks inside the directive
])
def test_the_waiver_on_a_line_is_its_comment_whatever_precedes_it(ctx, line):
    assert _documents(ctx, f"aiplan: 1\n{line}\napproach: rag\n") == ([("PLAN002", 2)], [])


def test_a_line_waiver_after_an_end_marker_waives_the_next_documents_line(ctx):
    # The scan counts the comment in the document `...` closed; the line it waives is in the next one.
    text = "aiplan: 1\nname: x\napproach: rag\n...\n# aiplan: ignore[GAP001] -- r\naiplan: 1\nname: y\napproach: rag\n"
    findings, suppressed = _lint(ctx, text)
    assert suppressed == [("GAP001", 6)]
    assert findings == [("BASE001", 1), ("GAP001", 1), ("BASE001", 6)]
