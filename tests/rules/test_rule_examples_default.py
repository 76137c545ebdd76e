"""Documentation examples under the default configuration: a rule's *Good* example is a
plan that lints with zero findings when every rule runs, and its *Bad* example
produces that rule (among whatever else it gets). Built-in rules and the example
plugin (examples/plugins/aiplan-acme).

Good examples written before this held are excerpts focused on their own rule;
`EXCERPTS` lists them. The list only shrinks: a test fails when an excerpt
becomes a complete clean plan, so it is taken off the list.
"""

import pathlib
import posixpath
import re
import sys

import pytest

from aiplan.core.rule import split_doc
from aiplan.rules import builtin_rules
from aiplan.testing import lint_yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)
EXAMPLE_FILES = frozenset({
    "evals/claims-amounts.jsonl", "evals/support-v1.jsonl", "evals/retrieval-v1.jsonl", "evals/coverage-questions.jsonl",
    "data/ft/train.jsonl", "data/ft/held_out.jsonl", "data/clauses/train.jsonl",
})
EVIDENCE_EXAMPLES = ROOT / "tests" / "fixtures" / "evidence" / "docs"

# Rules whose Good example is still an excerpt that other rules would flag.
EXCERPTS = frozenset({
    "EVID001", "EVID002", "EVID003", "EVID004", "EVID005", "EVID006", "EVID007", "EVID008",
})


def _acme_rules():
    sys.path.insert(0, str(ROOT / "examples" / "plugins" / "aiplan-acme" / "src"))
    try:
        from aiplan_acme.rules import owner_outside_company_domain
    finally:
        sys.path.pop(0)
    return [owner_outside_company_domain]


ACME = _acme_rules()
RULES = builtin_rules() + ACME


def _blocks(rule, section):
    return YAML_BLOCK.findall(split_doc(rule.doc).get(section, ""))


def _lint_default(rule, text):
    if rule.family == "EVID":
        return lint_yaml(text, rules=ACME, base_dir=str(EVIDENCE_EXAMPLES))
    return lint_yaml(text, rules=ACME, file_exists=lambda path: posixpath.normpath(path) in EXAMPLE_FILES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_good_example_is_a_clean_plan(rule):
    found = [(f.rule, f.line, f.message) for text in _blocks(rule, "good") for f in _lint_default(rule, text)]
    if rule.id in EXCERPTS:
        assert found, f"{rule.id}'s Good example is clean now: take it off EXCERPTS"
        return
    assert found == [], rule.id


@pytest.mark.parametrize("rule", [r for r in RULES if r.id != "PLAN008"], ids=lambda r: r.id)
def test_bad_example_produces_its_rule_by_default(rule):
    for text in _blocks(rule, "bad"):
        assert rule.id in {f.rule for f in _lint_default(rule, text)}, (rule.id, text)


def test_excerpts_name_rules():
    assert EXCERPTS <= {rule.id for rule in RULES}
