"""Documentation examples under the default configuration: a rule's *Good* example is a
plan that lints with zero findings when every rule runs, and its *Bad* example
produces that rule (among whatever else it gets). Built-in rules and the example
plugin (examples/plugins/aiplan-acme).

The EVID rules' examples name data files: they are linted as if the plan lived in
tests/fixtures/evidence/docs, where those files are (the Good examples' data is
written by its make_escalations.py).
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
    assert found == [], rule.id


@pytest.mark.parametrize("rule", [r for r in RULES if r.id != "PLAN008"], ids=lambda r: r.id)
def test_bad_example_produces_its_rule_by_default(rule):
    for text in _blocks(rule, "bad"):
        assert rule.id in {f.rule for f in _lint_default(rule, text)}, (rule.id, text)
