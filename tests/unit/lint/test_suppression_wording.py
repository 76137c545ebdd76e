"""What suppressions waive, exactly, and the exact words of every PLAN005/PLAN006
branch (surviving mutants of issue 13: a waiver naming one rule must not waive
another on the same line; each alternative message and hint is pinned)."""

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_text
from aiplan.lint.suppressions import scan
from aiplan.parse.loader import load_bytes
from aiplan.plugins.manager import load_rule_set

# BASE001 and GAP001 are both reported at 1:1 of this plan (no baseline, no gaps).
PLAN = "aiplan: 1{comment}\nname: x\napproach: fine_tuning\nfine_tuning: {{purpose: behavior}}\n"


@pytest.fixture(scope="module")
def rules():
    return load_rule_set(entry_points=False).rules


def _lint(rules, text, select=("BASE001", "GAP001", "PLAN")):
    return lint_text(text, build_context(rules, LintConfig(select=select)), "plan.aiplan.yaml")


def _seen(findings):
    return [(f.rule, f.line) for f in findings]


def test_both_rules_fire_on_the_same_line_without_a_waiver(rules):
    assert _seen(_lint(rules, PLAN.format(comment="")).findings) == [("BASE001", 1), ("GAP001", 1)]


@pytest.mark.parametrize("kind", ["ignore", "ignore-file"])
def test_a_waiver_naming_one_rule_leaves_another_rule_on_the_same_line(rules, kind):
    result = _lint(rules, PLAN.format(comment=f"  # aiplan: {kind}[BASE001] -- pilot"))
    assert _seen(result.findings) == [("GAP001", 1)]
    assert [(f.rule, f.justification) for f in result.suppressed] == [("BASE001", "pilot")]


def test_a_waiver_naming_both_rules_waives_both(rules):
    result = _lint(rules, PLAN.format(comment="  # aiplan: ignore[GAP001, BASE001] -- pilot"))
    assert result.findings == ()
    assert _seen(result.suppressed) == [("BASE001", 1), ("GAP001", 1)]


def test_a_line_waiver_does_not_reach_the_same_rule_on_another_line(rules):
    text = "aiplan: 1\nname: x  # aiplan: ignore[BASE001] -- pilot\napproach: fine_tuning\n"
    result = _lint(rules, text, select=("BASE001", "PLAN"))
    assert _seen(result.findings) == [("BASE001", 1), ("PLAN006", 2)]
    assert result.suppressed == ()


# (comment on line 1, selection) -> the findings about the comment, exactly:
# (rule, line, column, end column, message, fix).
COMMENT = "  # aiplan: "
AT = len("aiplan: 1") + 3   # the comment's `#` column
WORDING = {
    "no reason, two rules": (
        "ignore[BASE001, GAP001]",
        [("PLAN005", "suppression of BASE001, GAP001 gives no reason",
          "Say why the finding is acceptable here: `# aiplan: ignore[BASE001, GAP001] -- <reason>`; "
          "reviewers and auditors read it.")]),
    "placeholder reason": (
        "ignore[BASE001] --TBD",
        [("PLAN005", "suppression of BASE001 gives the placeholder `TBD` instead of a reason",
          "Replace `TBD` with why the finding is acceptable here; reviewers and auditors read it.")]),
    "reason without the separator": (
        "ignore-file[BASE001] pilot dataset",
        [("PLAN005", "suppression of BASE001 gives its reason without ` -- ` (found 'pilot dataset'), so it has no reason",
          "Separate the reason with ` -- `: `# aiplan: ignore-file[BASE001] -- pilot dataset`.")]),
    "reason without the separator, holding a quote": (
        "ignore[BASE001] it's a pilot",
        [("PLAN005", "suppression of BASE001 gives its reason without ` -- ` (found 'it's a pilot'), so it has no reason",
          "Separate the reason with ` -- `: `# aiplan: ignore[BASE001] -- it's a pilot`.")]),
    "misspelt directive": (
        "ignor[BASE001] -- pilot",
        [("PLAN006", "`# aiplan: ignor[BASE001] -- pilot` is not a suppression aiplan understands, so it suppresses nothing",
          "Did you mean `ignore`? Write `# aiplan: ignore[BASE001] -- pilot`.")]),
    "misspelt directive without rules or reason": (
        "ignore-fil",
        [("PLAN006", "`# aiplan: ignore-fil` is not a suppression aiplan understands, so it suppresses nothing",
          "Did you mean `ignore-file`? Write `# aiplan: ignore-file[RULE] -- reason`.")]),
    "directive a third spelt": (
        "ign[BASE001] -- pilot",
        [("PLAN006", "`# aiplan: ign[BASE001] -- pilot` is not a suppression aiplan understands, so it suppresses nothing",
          "Did you mean `ignore`? Write `# aiplan: ignore[BASE001] -- pilot`.")]),
    "unknown directive": (
        "skip[BASE001] -- pilot",
        [("PLAN006", "`# aiplan: skip[BASE001] -- pilot` is not a suppression aiplan understands, so it suppresses nothing",
          "Write `# aiplan: ignore[RULE] -- reason` for the line, or "
          "`# aiplan: ignore-file[RULE] -- reason` for the whole document.")]),
    "no rule named": (
        "ignore[] -- pilot",
        [("PLAN006", "`# aiplan: ignore[] -- pilot` names no rule, so it suppresses nothing; blanket suppressions are not supported",
          "Name the rules it waives: `# aiplan: ignore[FT003] -- reason` (`aiplan explain` shows their IDs).")]),
    "unused, alone": (
        "ignore[FT001] -- pilot",
        [("PLAN006", "suppression of FT001 matched no finding on line 1",
          "Remove the comment. Unused suppressions hide future problems silently.")]),
    "unused, among others": (
        "ignore[BASE001, FT001] -- pilot",
        [("PLAN006", "suppression of FT001 matched no finding on line 1",
          "Remove `FT001` from the list. Unused suppressions hide future problems silently.")]),
    "unused in the document": (
        "ignore-file[ACC001] -- pilot",
        [("PLAN006", "suppression of ACC001 matched no finding in this document",
          "Remove the comment. Unused suppressions hide future problems silently.")]),
    "unknown rule, near a known one": (
        "ignore[BASE001, ACC] -- pilot",
        [("PLAN006", "suppression names ACC, which is not a rule aiplan knows, so it suppresses nothing",
          "Did you mean ACC001? Name rules by ID (`aiplan rules` lists them), or remove `ACC` from the list.")]),
    "unknown rule, near none": (
        "ignore[ZZZ999] -- pilot",
        [("PLAN006", "suppression names ZZZ999, which is not a rule aiplan knows, so it suppresses nothing",
          "Name rules by ID (`aiplan rules` lists them), or remove the comment.")]),
    "a waiver of a waiver": (
        "ignore[PLAN006, BASE001] -- pilot",
        [("PLAN006", "PLAN006 cannot be suppressed inline (a waiver for a waiver would be circular)",
          "Remove `PLAN006` from the list. To turn PLAN006 off, add it to `ignore` in the configuration.")]),
}


@pytest.mark.parametrize("case", sorted(WORDING))
def test_every_branch_of_the_suppression_findings_word_for_word(rules, case):
    directive, expected = WORDING[case]
    comment = COMMENT + directive
    result = _lint(rules, PLAN.format(comment=comment), select=("BASE001", "FT001", "ACC001", "PLAN"))
    about_comment = [(f.rule, f.line, f.column, f.end_line, f.end_column, f.message, f.fix)
                     for f in result.findings if f.rule in ("PLAN005", "PLAN006")]
    end = AT + len(comment.strip())
    assert about_comment == [(rule, 1, AT, 1, end, message, fix) for rule, message, fix in expected]


def test_trailing_whitespace_is_not_part_of_the_comment(rules):
    result = _lint(rules, PLAN.format(comment="  # aiplan: ignor[BASE001] -- pilot \t "), select=("BASE001", "PLAN"))
    [problem] = [f for f in result.findings if f.rule == "PLAN006"]
    assert problem.message.startswith("`# aiplan: ignor[BASE001] -- pilot` is not")
    assert (problem.column, problem.end_column) == (AT, AT + len("# aiplan: ignor[BASE001] -- pilot"))


def test_an_empty_directive_name_gets_the_general_hint(rules):
    result = _lint(rules, PLAN.format(comment="  # aiplan: [BASE001] -- pilot"), select=("BASE001", "PLAN"))
    [problem] = [f for f in result.findings if f.rule == "PLAN006"]
    assert problem.fix.startswith("Write `# aiplan: ignore[RULE] -- reason` for the line")


@pytest.mark.parametrize("file_first", [True, False])
def test_when_a_line_waiver_and_a_document_waiver_both_cover_a_finding_the_first_in_the_file_waives_it(
        rules, file_first):
    # BASE001 is reported at the document's first line, line 2 here.
    line_waiver = "aiplan: 1  # aiplan: ignore[BASE001] -- line reason\n"
    file_waiver = "# aiplan: ignore-file[BASE001] -- document reason\n"
    body = "name: x\napproach: fine_tuning\nfine_tuning: {purpose: behavior}\n"
    if file_first:
        text = file_waiver + line_waiver + body
        reason, unused = "document reason", "suppression of BASE001 matched no finding on line 2"
    else:
        text = "# a comment\n" + line_waiver + body + file_waiver
        reason, unused = "line reason", "suppression of BASE001 matched no finding in this document"
    result = _lint(rules, text, select=("BASE001", "PLAN"))
    assert [(f.rule, f.line, f.justification) for f in result.suppressed] == [("BASE001", 2, reason)]
    assert [f.message for f in result.findings] == [unused]


def test_a_waived_finding_is_no_longer_fixable(rules):
    # PLAN002 proposes a fix for `approach: finetuning`; waived, --fix must leave it alone.
    text = "aiplan: 1\nname: x\napproach: finetuning  # aiplan: ignore[PLAN002] -- legacy spelling\n"
    result = _lint(rules, text, select=("PLAN",))
    [waived] = result.suppressed
    assert waived.rule == "PLAN002" and waived.justification == "legacy spelling"
    assert waived.edits == () and waived.fix_available is False
    assert waived.to_dict()["fix_available"] is False


def test_the_scan_records_each_waiver_as_written():
    text = "aiplan: 1  # aiplan: ignore[base001, GAP001] -- pilot \nname: x\n# aiplan: ignore-file[FT001] -- later\n"
    [item, document_wide] = scan(text, load_bytes(text.encode(), "plan.aiplan.yaml").documents).suppressions
    assert (item.kind, item.rules, item.reason, item.text) == (
        "ignore", ("BASE001", "GAP001"), "pilot", "# aiplan: ignore[base001, GAP001] -- pilot")
    assert (item.line, item.column, item.end_column, item.target_line, item.document) == (1, 12, 54, 1, 0)
    # Alone on the last line: no line follows it (an ignore-file waiver needs none).
    assert (document_wide.kind, document_wide.rules, document_wide.target_line) == ("ignore-file", ("FT001",), 0)


@pytest.mark.parametrize("ending", ["", "\n", "\r\n", "\n\n# the end\n", "\n   \n"])
def test_a_waiver_with_no_line_after_it_says_so_and_names_no_line_beyond_the_file(rules, ending):
    text = PLAN + "# aiplan: ignore[BASE001] -- pilot" + ending
    [unused] = [f for f in _lint(rules, text).findings if f.rule == "PLAN006"]
    assert (unused.line, unused.column) == (5, 1)
    assert unused.message == "suppression of BASE001 has no line to waive: it is alone on its line and no content follows it"
    assert unused.fix == ("Put it at the end of the line it is about, or alone on the line above it; "
                          "or remove the comment.")


def test_a_waiver_with_content_after_it_still_names_that_line(rules):
    text = "aiplan: 1\nname: x\n# aiplan: ignore[GAP001] -- pilot\n# note\napproach: rag\n"
    unused = [f.message for f in _lint(rules, text).findings if f.rule == "PLAN006"]
    assert unused == ["suppression of GAP001 matched no finding on line 5"]
