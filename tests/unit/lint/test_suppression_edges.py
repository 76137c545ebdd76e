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
