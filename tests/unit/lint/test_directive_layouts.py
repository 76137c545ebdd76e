"""Where the directive scan finds waivers, over multi-line and block-scalar
layouts and document markers (surviving mutants of issue 13): a waiver applies
to the line or document a reader would say it does, and text that only looks
like a waiver (inside a scalar) waives nothing and is not reported."""

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_text
from aiplan.plugins.manager import load_rule_set


@pytest.fixture(scope="module")
def ctx():
    rules = load_rule_set(entry_points=False).rules
    return build_context(rules, LintConfig(select=("BASE001", "GAP001", "FT001", "PLAN")))


def _lint(ctx, text):
    result = lint_text(text, ctx, "plan.aiplan.yaml")
    return ([(f.rule, f.line, f.document) for f in result.findings],
            [(f.rule, f.line, f.document) for f in result.suppressed])


NO_BASELINE = [("BASE001", 1, 0), ("GAP001", 1, 0)]


@pytest.mark.parametrize("style", ["|", "|-", ">", "|2"])
@pytest.mark.parametrize("directive", ["ignore-file[BASE001] -- text", "ignore[BASE001] -- text"])
def test_a_directive_inside_a_block_scalar_is_text(ctx, style, directive):
    text = f"aiplan: 1\nname: {style}\n  Plan\n  # aiplan: {directive}\napproach: rag\n"
    assert _lint(ctx, text) == (NO_BASELINE, [])


def test_a_directive_inside_a_multi_line_quoted_scalar_is_text(ctx):
    text = 'aiplan: 1\nname: "Plan\n  # aiplan: ignore-file[BASE001] -- text"\napproach: rag\n'
    assert _lint(ctx, text) == (NO_BASELINE, [])


def test_a_comment_after_a_block_scalar_is_a_waiver(ctx):
    text = "aiplan: 1\nname: |\n  Plan\n# aiplan: ignore-file[BASE001] -- pilot\napproach: rag\n"
    assert _lint(ctx, text) == ([("GAP001", 1, 0)], [("BASE001", 1, 0)])


def test_a_waiver_above_a_flow_mapping_over_two_lines_applies_to_its_first_line(ctx):
    text = ("aiplan: 1\nname: x\napproach: fine_tuning\n# aiplan: ignore[FT001] -- pilot\n"
            "# a second comment line\nfine_tuning: {purpose:\n    behavior}\n")
    assert _lint(ctx, text) == (NO_BASELINE, [("FT001", 6, 0)])


def test_a_trailing_waiver_inside_a_flow_mapping_over_two_lines(ctx):
    text = "aiplan: 1\nname: x\napproach: fine_tuning\nfine_tuning: {purpose:  # aiplan: ignore[FT001] -- pilot\n    behavior}\n"
    assert _lint(ctx, text) == (NO_BASELINE, [("FT001", 4, 0)])


def test_a_waiver_on_the_start_marker_belongs_to_the_document_it_starts(ctx):
    text = "aiplan: 1\nname: x\napproach: rag\n--- # aiplan: ignore-file[BASE001] -- second\naiplan: 1\nname: y\napproach: rag\n"
    assert _lint(ctx, text) == (NO_BASELINE + [("GAP001", 5, 1)], [("BASE001", 5, 1)])


def test_a_document_after_an_end_marker_without_a_start_marker(ctx):
    text = "aiplan: 1\nname: x\napproach: rag\n...\naiplan: 1\nname: y\napproach: rag\n# aiplan: ignore-file[BASE001] -- second\n"
    assert _lint(ctx, text) == (NO_BASELINE + [("GAP001", 5, 1)], [("BASE001", 5, 1)])


def test_three_dashes_followed_by_text_is_not_a_marker(ctx):
    # `---x: 1` is a key of the first document, not the start of a second.
    text = "aiplan: 1\nname: x\napproach: rag\n---x: 1\n# aiplan: ignore-file[BASE001] -- first\n"
    findings, suppressed = _lint(ctx, text)
    assert suppressed == [("BASE001", 1, 0)]
    assert ("GAP001", 1, 0) in findings and all(document == 0 for _, _, document in findings)


def test_a_directive_after_a_tab_is_a_comment(ctx):
    text = "aiplan: 1\t# aiplan: ignore[BASE001] -- pilot\nname: x\napproach: rag\n"
    assert _lint(ctx, text) == ([("GAP001", 1, 0)], [("BASE001", 1, 0)])
