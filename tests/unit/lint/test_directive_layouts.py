"""Where the directive scan finds waivers, over multi-line and block-scalar
layouts and document markers (surviving mutants of issue 13): a waiver applies
to the line or document a reader would say it does, and text that only looks
like a waiver (inside a scalar) waives nothing and is not reported."""

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_text
from aiplan.lint.suppressions import has_directives
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


@pytest.mark.parametrize("text", ["|\n  # aiplan: ignore-file[PLAN003] -- text\n",
                                  '"Plan\n  # aiplan: ignore-file[PLAN003] -- text"\n'])
def test_a_directive_inside_a_document_that_is_one_scalar_is_text(ctx, text):
    assert _lint(ctx, text) == ([("PLAN003", 1, 0)], [])


def test_an_indented_waiver_alone_on_its_line_applies_to_the_next_line(ctx):
    text = "aiplan: 1\nname: x\napproach: fine_tuning\n    # aiplan: ignore[FT001] -- pilot\nfine_tuning:\n  purpose: behavior\n"
    assert _lint(ctx, text) == (NO_BASELINE, [("FT001", 5, 0)])


def test_a_waiver_on_the_last_line_without_a_line_break_applies_to_no_line(ctx):
    text = "aiplan: 1\nname: x\napproach: RAG\n# aiplan: ignore[PLAN002] -- legacy"
    result = lint_text(text, ctx, "plan.aiplan.yaml")
    assert [(f.rule, f.line, f.message) for f in result.findings if f.rule.startswith("PLAN")] == [
        ("PLAN002", 3, "`approach` is 'RAG'; expected one of prompt_engineering, rag, fine_tuning, hybrid"),
        ("PLAN006", 4, "suppression of PLAN002 has no line to waive: it is alone on its line and no content follows it")]
    assert result.suppressed == ()


def test_a_document_waiver_in_the_third_document(ctx):
    plan = "aiplan: 1\nname: {}\napproach: rag\n"
    text = plan.format("a") + "---\n" + plan.format("b") + "---\n" + plan.format("c") + \
        "# aiplan: ignore-file[BASE001] -- third\n"
    findings, suppressed = _lint(ctx, text)
    assert suppressed == [("BASE001", 9, 2)]
    assert ("BASE001", 5, 1) in findings and ("BASE001", 1, 0) in findings


@pytest.mark.parametrize("before", ["---\n---\n", "---\n...\n---\n"])
def test_an_empty_document_first_counts_as_a_document(ctx, before):
    text = before + "aiplan: 1\nname: b\napproach: rag\n# aiplan: ignore-file[BASE001] -- second\n"
    findings, suppressed = _lint(ctx, text)
    first = before.count("\n") + 1
    assert suppressed == [("BASE001", first, 1)]
    assert findings == [("PLAN003", 2, 0), ("GAP001", first, 1)]


def test_the_quick_check_for_directives():
    assert not has_directives(None) and not has_directives("")
    assert not has_directives("aiplan: 1\nname: aiplan\n")
    assert has_directives("aiplan: 1  # aiplan: ignore[BASE001] -- x\n")
    assert has_directives("aiplan: 1  #\taiplan\t: ignore[BASE001] -- x\n")
