"""Every rule's fixture plans: ``tests/fixtures/rules/<RULE>/*.aiplan.yaml``.

Each fixture states what it must produce in header comments, one per finding:
``# expect: FT001 7:3``; or ``# expect: none`` for a plan that must stay clean.
The fixture is linted with only its rule selected, so a passing variant proves
the rule stays quiet and a failing one proves it fires at the right node. A rule
that depends on another rule being enabled names it, ``# with: EVID002``; only
the fixture's own rule's findings are compared.
"""

import pathlib
import re

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.lint.engine import lint_file
from aiplan.plugins.manager import load_rule_set

RULE_FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "rules"
EXPECT = re.compile(r"^#\s*expect:\s*(.+?)\s*$", re.MULTILINE)
OPTIONS = re.compile(r"^#\s*options:\s*(\{.*\})\s*$", re.MULTILINE)
WITH = re.compile(r"^#\s*with:\s*([A-Z0-9, ]+)", re.MULTILINE)


def selection(path: pathlib.Path, rule_id: str) -> tuple[str, ...]:
    """The fixture's rule and the rules it says it needs enabled beside it."""
    extra = WITH.search(path.read_text(encoding="utf-8"))
    return (rule_id, *(extra.group(1).replace(",", " ").split() if extra else ()))


def _fixtures():
    return [pytest.param(path, id=f"{path.parent.name}/{path.name}")
            for path in sorted(RULE_FIXTURES.glob("*/*.aiplan.yaml"))]


def _expected(path: pathlib.Path):
    text = path.read_text(encoding="utf-8")
    expected = []
    for line in EXPECT.findall(text):
        if line == "none":
            continue
        rule, position = line.split()
        row, column = position.split(":")
        expected.append((rule, int(row), int(column)))
    options = OPTIONS.search(text)
    import json

    return sorted(expected), (json.loads(options.group(1)) if options else {})


@pytest.fixture(scope="module")
def rules():
    return load_rule_set(entry_points=False).rules


@pytest.mark.parametrize("path", _fixtures())
def test_fixture(path, rules):
    rule_id = path.parent.name
    assert rule_id in rules, f"fixture folder {rule_id} names no rule"
    expected, options = _expected(path)
    assert EXPECT.search(path.read_text(encoding="utf-8")), f"{path} has no '# expect:' line"
    ctx = build_context(rules, LintConfig(select=selection(path, rule_id),
                                          rule_options={rule_id: options} if options else {}))
    result = lint_file(str(path), path.name, ctx)
    assert not result.errors, result.errors
    own = [f for f in result.findings if f.rule == rule_id]
    got = sorted((f.rule, f.line, f.column) for f in own)
    assert got == expected
    for finding in own:
        assert finding.message and finding.fix, finding


# The built-in catalogue this branch implements (the public contract of
# spec/rules.md): ID, name, default severity. PLAN005/PLAN006 (suppressions)
# come from elsewhere and bring their own fixtures.
CATALOGUE = {
    "PLAN001": ("yaml-syntax-error", "error"),
    "PLAN002": ("schema-violation", "error"),
    "PLAN003": ("unsupported-version", "error"),
    "PLAN004": ("duplicate-key", "error"),
    "PLAN007": ("resource-limit", "error"),
    "PLAN008": ("unreadable-file", "error"),
    "GAP001": ("missing-gap-analysis", "error"),
    "GAP002": ("gap-without-evidence", "warning"),
    "GAP003": ("incomplete-gap-analysis", "warning"),
    "BASE001": ("missing-prompt-baseline", "error"),
    "BASE002": ("unmeasured-baseline", "error"),
    "BASE003": ("thin-baseline", "info"),
    "BASE004": ("baseline-meets-target", "warning"),
    "BASE005": ("gap-not-measurable", "warning"),
    "FIT001": ("fine-tuning-for-knowledge", "error"),
    "FIT002": ("rag-for-behavior", "error"),
    "FIT003": ("consider-hybrid", "info"),
    "FIT004": ("unneeded-complexity", "warning"),
    "FIT005": ("hybrid-without-both-gaps", "info"),
    "FIT006": ("fine-tuning-volatile-data", "warning"),
    "FIT007": ("approach-section-missing", "error"),
    "FIT008": ("approach-for-accuracy-gap", "error"),
    "ACC001": ("accuracy-gap-without-eval-infra", "error"),
    "RAG001": ("rag-without-data-pipeline", "error"),
    "RAG002": ("incomplete-data-pipeline", "warning"),
    "RAG003": ("tables-without-strategy", "warning"),
    "RAG004": ("boilerplate-without-cleaning", "warning"),
    "RAG005": ("data-pipeline-underinvested", "warning"),
    "RAG006": ("stale-index", "warning"),
    "RAG007": ("unscoped-sensitive-retrieval", "warning"),
    "RAG012": ("cross-tenant-retrieval", "error"),
    "RAG008": ("no-citations", "info"),
    "RAG009": ("unmeasured-retrieval", "warning"),
    "RAG010": ("empty-corpus", "error"),
    "RAG011": ("unstated-update-frequency", "info"),
    "FT001": ("fine-tuning-without-held-out", "error"),
    "FT002": ("held-out-misses-adjacent-behaviors", "warning"),
    "FT003": ("small-dataset", "warning"),
    "FT004": ("no-data-quality-review", "warning"),
    "FT005": ("small-held-out", "warning"),
    "FT006": ("held-out-leak", "error"),
    "FT007": ("undefined-task", "warning"),
    "FT008": ("distillation-without-target", "info"),
    "FT009": ("unstated-disjointness", "warning"),
    "EVAL001": ("no-evaluation-plan", "warning"),
    "EVAL002": ("metric-without-target", "warning"),
    "EVAL003": ("missing-referenced-file", "warning"),
    "EVID001": ("claimed-count-mismatch", "warning"),
    "EVID002": ("held-out-contamination", "error"),
    "EVID003": ("near-duplicate-contamination", "warning"),
    "EVID004": ("coverage-not-in-data", "error"),
    "EVID005": ("malformed-dataset", "warning"),
    "EVID006": ("duplicate-training-examples", "warning"),
    "EVID007": ("empty-evidence-file", "error"),
    "EVID008": ("evidence-not-verified", "info"),
    "EVAL004": ("underpowered-evaluation", "warning"),
    "EVAL005": ("metrics-without-eval-set", "warning"),
}

# Catalogue options and their defaults (`*option* name = default` in the spec).
CATALOGUE_OPTIONS = {
    "FT003": {"min_examples": 500},
    "FT005": {"min_size": 100, "alpha": 0.05, "power": 0.8},
    "EVAL004": {"alpha": 0.05, "power": 0.8},
    "EVAL003": {"check_paths": True},
    "EVID001": {"tolerance": 0.05},
    "EVID003": {"threshold": 0.8, "ngram": 2},
    "EVID006": {"max_share": 0.01},
}


def test_catalogue_ids_names_and_severities(rules):
    for rule_id, (name, severity) in CATALOGUE.items():
        assert rule_id in rules, f"{rule_id} {name} is not implemented"
        assert (rules[rule_id].name, rules[rule_id].severity.value) == (name, severity), rule_id
    for rule_id, item in rules.items():
        assert item.resolve_options() == CATALOGUE_OPTIONS.get(rule_id, {}), rule_id


def test_every_rule_has_failing_and_passing_fixtures(rules):
    missing = []
    for rule_id in rules:
        folder = RULE_FIXTURES / rule_id
        if not folder.is_dir() and rule_id not in CATALOGUE:
            continue  # a rule from another branch or plugin: its fixtures live with it
        names = [p.name for p in folder.glob("*.aiplan.yaml")]
        if not any(n.startswith("fail") for n in names) or not any(n.startswith("pass") for n in names):
            missing.append(rule_id)
    # PLAN007/PLAN008 need generated inputs (bombs, binary files): tested in test_loader.
    assert sorted(set(missing) - {"PLAN007", "PLAN008"}) == []
