"""Inline suppressions: `# aiplan: ignore[RULE] -- reason` and `ignore-file`."""

import json

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_text
from aiplan.plugins.manager import load_rule_set
from aiplan.testing import codes, lint_yaml
from conftest import GAPS_AND_APPROACH

FT_PLAN = """\
aiplan: 1
name: Ticket formatter
approach: fine_tuning
fine_tuning:{comment}
  purpose: behavior
"""


def _lint(text, **config):
    rules = load_rule_set(entry_points=False).rules
    return lint_text(text, build_context(rules, LintConfig(**config)), "plan.aiplan.yaml")


def test_trailing_comment_suppresses_the_finding_on_its_line_and_keeps_the_reason():
    text = FT_PLAN.format(comment="  # aiplan: ignore[FT001] -- the eval team owns the held-out set")
    result = _lint(text, select=("FT001", "PLAN"))
    assert result.findings == ()
    [waived] = result.suppressed
    assert (waived.rule, waived.line) == ("FT001", 4)
    assert waived.justification == "the eval team owns the held-out set"


def test_without_the_comment_the_finding_is_reported():
    assert codes(lint_yaml(FT_PLAN.format(comment=""), select=["FT001"])) == [("FT001", 4, 1)]


def test_comment_alone_on_the_line_above_applies_to_the_next_line():
    text = """\
    aiplan: 1
    name: Ticket formatter
    approach: fine_tuning
    # aiplan: ignore[FT001] -- held-out set pending
    # (a second comment line between is fine)
    fine_tuning:
      purpose: behavior
    """
    assert lint_yaml(text, select=["FT001", "PLAN"]) == []


def test_comment_above_does_not_reach_past_a_blank_line_or_the_next_statement():
    text = """\
    aiplan: 1
    name: Ticket formatter
    # aiplan: ignore[FT001] -- not here
    approach: fine_tuning
    fine_tuning:
      purpose: behavior
    """
    assert codes(lint_yaml(text, select=["FT001", "PLAN"])) == [("PLAN006", 3, 1), ("FT001", 5, 1)]


def test_several_rules_in_one_comment_and_one_unused():
    # BASE001 is about the missing `baseline`: it is reported at the document's start.
    text = """\
    aiplan: 1  # aiplan: ignore[BASE001, PLAN002] -- pilot
    name: x
    approach: fine_tuning
    fine_tuning: {purpose: behavior}
    """
    findings = lint_yaml(text, select=["BASE", "PLAN"])
    assert codes(findings) == [("PLAN006", 1, 12)]
    assert "PLAN002 matched no finding on line 1" in findings[0].message
    assert "Remove `PLAN002` from the list" in findings[0].fix


def test_ignore_file_applies_to_its_own_document_only():
    text = """\
    aiplan: 1
    name: one
    approach: rag
    ---
    # aiplan: ignore-file[BASE001] -- second plan reuses the first one's baseline
    aiplan: 1
    name: two
    approach: rag
    """
    findings = lint_yaml(text, select=["BASE", "PLAN"])
    assert [(f.rule, f.document) for f in findings] == [("BASE001", 0)]


def test_ignore_file_in_a_later_document_after_an_explicit_start():
    text = "---\naiplan: 1\nname: one\napproach: rag\n...\n---\naiplan: 1\nname: two\napproach: rag\n# aiplan: ignore-file[BASE001] -- x\n"
    result = _lint(text, select=("BASE", "PLAN"))
    assert [(f.rule, f.document) for f in result.findings] == [("BASE001", 0)]
    assert [(f.rule, f.document) for f in result.suppressed] == [("BASE001", 1)]


def test_directive_inside_a_quoted_string_is_not_a_suppression():
    text = 'aiplan: 1\nname: "# aiplan: ignore[BASE001] -- no"\napproach: rag\n'
    assert codes(lint_yaml(text, select=["BASE", "PLAN"])) == [("BASE001", 1, 1)]
    text = 'aiplan: 1\nname: x\napproach: "rag # aiplan: ignore[BASE001] -- no"\n'
    findings = lint_yaml(text, select=["BASE", "PLAN"])
    assert [f.rule for f in findings] == ["PLAN002"]   # not a suppression, and not an approach either


def test_hash_without_space_before_it_is_not_a_comment():
    text = "aiplan: 1\nname: x\napproach: rag#aiplan:ignore[BASE001] -- no\n"
    assert [f.rule for f in lint_yaml(text, select=["PLAN"])] == ["PLAN002"]


def test_unused_suppression_of_a_rule_turned_off_is_not_reported():
    text = FT_PLAN.format(comment="  # aiplan: ignore[FT001] -- x")
    assert lint_yaml(text, select=["PLAN"]) == []


def test_plan005_and_plan006_can_be_turned_off_in_configuration():
    text = "aiplan: 1\nname: x  # aiplan: ignore[BASE001]\n" + GAPS_AND_APPROACH
    assert codes(lint_yaml(text)) == [("PLAN005", 2, 10), ("PLAN006", 2, 10)]
    assert lint_yaml(text, ignore=["PLAN005", "PLAN006"]) == []


def test_suppression_without_reason_still_suppresses():
    text = "aiplan: 1  # aiplan: ignore[BASE001]\nname: x\napproach: rag\n"
    result = _lint(text, select=("BASE", "PLAN005"))
    assert [f.rule for f in result.findings] == ["PLAN005"]
    assert [(f.rule, f.justification) for f in result.suppressed] == [("BASE001", "")]


def test_crlf_line_endings():
    text = "# aiplan: ignore[BASE001] -- pilot\r\naiplan: 1\r\nname: x\r\napproach: rag\r\n"
    result = _lint(text, select=("BASE", "PLAN"))
    assert result.findings == () and len(result.suppressed) == 1


def test_loader_findings_can_be_suppressed_on_their_line():
    text = "aiplan: 1\nname: x\nname: y  # aiplan: ignore[PLAN004] -- generated file, first value wins\n" + GAPS_AND_APPROACH
    result = _lint(text)
    assert result.findings == () and [f.rule for f in result.suppressed] == ["PLAN004"]


def test_cli_counts_suppressed_findings(cli, tmp_path):
    plan = tmp_path / "p.aiplan.yaml"
    plan.write_text("aiplan: 1  # aiplan: ignore[BASE001] -- pilot\nname: x\napproach: rag\n")
    result = cli("lint", "--select", "BASE,PLAN", plan)
    assert result.exit_code == 0
    assert result.output.strip().endswith("no findings; 1 suppressed.")
    document = json.loads(cli("lint", "--format", "json", "--select", "BASE,PLAN", plan).output)
    assert document["findings"] == [] and document["summary"]["suppressed"] == 1
    [waived] = document["suppressed"]
    assert waived["rule"] == "BASE001" and waived["justification"] == "pilot"


@pytest.mark.parametrize("placeholder", ["<reason>", "TBD", "none"])
def test_a_placeholder_is_not_a_reason(placeholder):
    text = f"aiplan: 1  # aiplan: ignore[BASE001] -- {placeholder}\nname: x\napproach: rag\n"
    result = _lint(text, select=("BASE", "PLAN005"))
    assert [f.rule for f in result.findings] == ["PLAN005"]
    assert f"placeholder `{placeholder}`" in result.findings[0].message
    assert [f.rule for f in result.suppressed] == ["BASE001"]


def test_a_reason_that_mentions_the_placeholder_is_a_reason():
    text = "aiplan: 1  # aiplan: ignore[BASE001] -- <reason> filled in by the pilot team\nname: x\napproach: rag\n"
    result = _lint(text, select=("BASE", "PLAN005"))
    assert result.findings == ()
    assert [(f.rule, f.justification) for f in result.suppressed] == [
        ("BASE001", "<reason> filled in by the pilot team")]


def _calls_to_lint(text) -> int:
    """Python and C function calls made while linting ``text``: a count of work
    that does not depend on the machine's speed."""
    import sys

    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        _lint(text, select=("FT001", "PLAN"))
    finally:
        sys.setprofile(None)
    return calls


def _directive_flood(lines: int) -> str:
    # Waivers alone on their lines (each looks ahead for the line it waives) and
    # lookalikes inside a block scalar (each must be told apart from a comment).
    return (FT_PLAN.format(comment="")
            + "".join(f"# aiplan: ignore[FT00{i % 9 + 1}] -- reason {i}\n" for i in range(lines))
            + "".join(f'  key{i}: "value #aiplan: ignore[FT001] -- not a comment"\n' for i in range(lines))
            + "  data: |\n"
            + "".join(f"    text #aiplan: ignore[FT001] -- not a comment {i}\n" for i in range(lines)))


def test_scanning_suppressions_is_linear_in_their_number():
    # Quadratic scanning made 600 KB of directives take over a minute; doubling
    # them must about double the work, not quadruple it.
    _calls_to_lint(_directive_flood(10))  # imports and caches out of the count
    small, large = _calls_to_lint(_directive_flood(1000)), _calls_to_lint(_directive_flood(2000))
    assert large < 2.4 * small, (small, large)
