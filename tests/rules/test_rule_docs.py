"""Every rule's documentation is true: its `## Bad` example triggers the rule,
its `## Good` example does not, and docs/rules.md is generated from the code.
"""

import pathlib
import re
import sys

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from aiplan.docs import main as docs_main, render_reference
from aiplan.core.rule import split_doc
from aiplan.plugins.manager import load_rule_set
from aiplan.rules import FAMILY_TITLES, builtin_rules
from aiplan.testing import lint_yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)

# Files the documentation examples may name as existing next to the plan (EVAL003).
EXAMPLE_FILES = frozenset({
    "evals/support-v1.jsonl", "evals/retrieval-v1.jsonl", "evals/coverage-questions.jsonl",
    "data/ft/train.jsonl", "data/ft/held_out.jsonl", "data/clauses/train.jsonl",
})

# The data files the EVID rules' examples name, relative to this folder.
EVIDENCE_EXAMPLES = ROOT / "tests" / "fixtures" / "evidence" / "docs"

RULES = builtin_rules()


def _blocks(rule, section):
    return YAML_BLOCK.findall(split_doc(rule.doc).get(section, ""))


def _lint_example(rule, text):
    if rule.family == "EVID":
        return lint_yaml(text, select=[rule.id], base_dir=str(EVIDENCE_EXAMPLES))
    return lint_yaml(text, select=[rule.id], file_exists=lambda path: path in EXAMPLE_FILES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docstring_has_every_section(rule):
    sections = split_doc(rule.doc)
    assert sections["summary"] and sections["what"], rule.id
    assert sections.get("why"), f"{rule.id} has no ## Why"
    assert sections.get("bad") and sections.get("good"), f"{rule.id} needs ## Bad and ## Good"
    assert _blocks(rule, "good"), f"{rule.id}: ## Good has no yaml example"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_bad_example_triggers_the_rule(rule):
    blocks = _blocks(rule, "bad")
    if rule.id == "PLAN008":  # an undecodable file cannot be shown as YAML text
        assert not blocks
        return
    assert blocks, f"{rule.id}: ## Bad has no yaml example"
    for text in blocks:
        found = _lint_example(rule, text)
        assert found and {f.rule for f in found} == {rule.id}, (rule.id, text)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_good_example_does_not_trigger_the_rule(rule):
    for text in _blocks(rule, "good"):
        assert _lint_example(rule, text) == [], (rule.id, text)


@pytest.mark.parametrize("rule", [r for r in RULES if r.family != "PLAN"], ids=lambda r: r.id)
def test_policy_examples_are_valid_plans(rule):
    """The policy rules' examples are well-formed plans: no syntax, schema, version or duplicate finding."""
    for section in ("bad", "good"):
        for text in _blocks(rule, section):
            found = lint_yaml(text, select=["PLAN"])
            assert found == [], (rule.id, section, [(f.rule, f.line, f.message) for f in found])


def test_every_builtin_family_has_a_title():
    assert {r.family for r in RULES} <= set(FAMILY_TITLES)


def _github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation other
    than hyphens and underscores dropped, spaces turned into hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_rule_urls_point_at_their_section_of_the_reference_in_the_repository():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    repository = project["urls"]["Repository"]
    headings = re.findall(r"^#+ (.+)$", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), re.MULTILINE)
    anchors = {_github_anchor(h) for h in headings}
    for rule in load_rule_set(entry_points=False).rules.values():
        page, _, anchor = rule.url.partition("#")
        assert page == f"{repository}/blob/main/docs/rules.md", rule.url
        assert anchor in anchors and anchor.startswith(rule.id.lower() + "-"), rule.url


def test_the_repository_is_named_the_same_everywhere():
    from aiplan import REPOSITORY

    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Repository"] == REPOSITORY
    assert all(url.startswith(REPOSITORY) for url in urls.values()), urls


def test_rules_reference_is_up_to_date(capsys):
    path = ROOT / "docs" / "rules.md"
    status = docs_main(["--check", str(path)])
    assert status == 0, capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == render_reference(RULES)


def test_docs_check_fails_when_out_of_date(tmp_path, capsys):
    stale = tmp_path / "rules.md"
    stale.write_text("# Rule reference\n", encoding="utf-8")
    assert docs_main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert docs_main([str(stale)]) == 0
    assert docs_main(["--check", str(stale)]) == 0


def test_rules_and_explain_commands_cover_every_rule(cli):
    import json

    listed = json.loads(cli("rules", "--format", "json", "--no-plugins").output)
    assert sorted(row["id"] for row in listed) == sorted(rule.id for rule in RULES)
    for rule in RULES:
        shown = cli("explain", rule.id)
        assert shown.exit_code == 0, rule.id
        assert rule.url in shown.output and "Why it matters:" in shown.output and "Passes:" in shown.output
    # The filters against the catalogue as the code declares it (a family holds both severities).
    for family in ("RAG", "FT"):
        for severity in ("error", "warning"):
            shown = json.loads(cli("rules", "--format", "json", "--family", family, "--severity", severity).output)
            expected = [r.id for r in RULES if r.family == family and r.severity.value == severity]
            assert expected and [row["id"] for row in shown] == expected, (family, severity)
    [ft005] = [row for row in json.loads(cli("rules", "--format", "json", "--family", "FT").output)
               if row["id"] == "FT005"]
    assert ft005["options"]["power"]["default"] == 0.8 and ft005["options"]["min_size"]["default"] == 100
