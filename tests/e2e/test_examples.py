"""The shipped examples: one clean plan, and one plan per failure mode of the
framework, each reporting exactly the rules it was written for, at the lines
its comments point to. Together they exercise every rule of the catalogue.
"""

import pytest

from aiplan.config.selection import LintConfig, build_context
from aiplan.run.discovery import discover
from aiplan.lint.engine import lint_file
from aiplan.plugins.manager import load_rule_set

from conftest import EXAMPLES, FIXTURES

EXPECTED = {
    "support-copilot.aiplan.yaml": [],
    # fine-tuning without a held-out set, on an unfinished baseline
    "ticket-formatter.aiplan.yaml": [("BASE001", 16, 13), ("FT001", 19, 1)],
    # typos and a duplicate key
    "policy-search.aiplan.yaml": [
        ("PLAN002", 15, 5), ("BASE006", 21, 3), ("PLAN002", 27, 11), ("PLAN004", 35, 3), ("RAG001", 28, 1),
        ("RAG009", 28, 1),
    ],
    # an approach that does not include the retrieval the plan describes
    "warranty-answers.aiplan.yaml": [("FIT009", 20, 11)],
    # RAG without a data-pipeline plan
    "hr-handbook-assistant.aiplan.yaml": [("RAG001", 35, 1)],
    # skipping the prompt-engineering baseline
    "contract-extractor.aiplan.yaml": [("BASE001", 9, 1)],
    # fine-tuning for a knowledge gap (on weekly-changing data)
    "product-catalog-qa.aiplan.yaml": [("FIT001", 36, 12), ("FIT006", 44, 23)],
    # RAG for a behavior gap
    "brand-voice-writer.aiplan.yaml": [("FIT002", 34, 11)],
    # an accuracy gap without evaluation infrastructure
    "claims-triage.aiplan.yaml": [("ACC001", 66, 1)],
    # tables and boilerplate without a pipeline answer (and confidential sheets, unscoped)
    "spec-sheet-search.aiplan.yaml": [("RAG003", 41, 26), ("RAG004", 48, 22), ("RAG007", 35, 1)],
    # retrieval chosen for an accuracy gap, measured on too few cases
    "claims-summarizer.aiplan.yaml": [("EVAL004", 76, 13), ("FIT008", 39, 11)],
    # a baseline that already meets the target
    "faq-deflection.aiplan.yaml": [("BASE004", 32, 16)],
    # the rest of the catalogue
    "meeting-summarizer.aiplan.yaml": [
        ("BASE002", 20, 3), ("BASE003", 23, 17), ("EVAL001", 25, 1), ("FIT007", 11, 1), ("GAP001", 11, 1),
    ],
    "intent-router.aiplan.yaml": [("FT003", 42, 15), ("FT005", 48, 13), ("FT008", 36, 12), ("FT010", 37, 15)],
    "invoice-extractor.aiplan.yaml": [
        ("EVID001", 44, 15),
        ("FT002", 52, 15), ("FT004", 47, 21), ("FT006", 51, 13), ("FT006", 53, 31), ("FT007", 41, 3),
    ],
    "field-service-search.aiplan.yaml": [
        ("EVAL003", 66, 17), ("EVAL005", 68, 1), ("RAG002", 51, 3), ("RAG005", 53, 19), ("RAG006", 47, 27),
        ("RAG009", 65, 5),
    ],
    "tenant-knowledge-bot.aiplan.yaml": [
        ("EVAL002", 69, 7), ("FIT003", 37, 11), ("RAG008", 64, 14), ("RAG012", 38, 1),
    ],
    "internal-search-upgrade.aiplan.yaml": [("BASE005", 30, 5), ("FIT004", 33, 11), ("RAG010", 36, 5)],
    # questions left open: a source's pace, the held-out set's disjointness
    "order-status-assistant.aiplan.yaml": [("EVID008", 82, 13), ("FT009", 80, 5), ("RAG011", 46, 9)],
    "sales-assistant.aiplan.yaml": [("FIT005", 31, 11), ("GAP002", 18, 3), ("GAP003", 17, 1)],
    # claims the data files do not back (examples/data/drafts/)
    "reply-drafter.aiplan.yaml": [
        ("EVID002", 55, 31), ("EVID003", 55, 31), ("EVID004", 54, 29), ("EVID005", 48, 11), ("EVID006", 48, 11),
        ("EVID007", 63, 13), ("EVID008", 61, 13),
    ],
}


@pytest.fixture(scope="module")
def context():
    rules = load_rule_set(entry_points=False).rules
    return build_context(rules, LintConfig())


def _codes(path, context):
    result = lint_file(str(path), path.name, context)
    assert not result.errors, result.errors
    return sorted((f.rule, f.line, f.column) for f in result.findings)


def test_every_example_is_listed():
    shipped = sorted(target.display_path.split("/")[-1] for target in discover([str(EXAMPLES)]))
    assert shipped == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_reports_exactly_its_failure_modes(name, context):
    assert _codes(EXAMPLES / name, context) == sorted(EXPECTED[name])


def test_examples_cover_the_whole_catalogue(context):
    covered = {rule for findings in EXPECTED.values() for rule, _, _ in findings}
    policy_rules = {rid for rid, r in context.rules.items() if r.check is not None and r.family != "PLAN"}
    assert policy_rules <= covered, sorted(policy_rules - covered)


def test_flawed_examples_explain_their_expected_findings():
    for name, findings in EXPECTED.items():
        if not findings:
            continue
        header = (EXAMPLES / name).read_text(encoding="utf-8").split("\naiplan:")[0]
        for rule in {rule for rule, _, _ in findings}:
            assert rule in header, f"{name}: the header comment does not mention {rule}"


def test_spec_complete_plan_reports_only_its_missing_files(context):
    # Its referenced files exist next to examples/support-copilot (the same
    # plan), not next to the fixture: exactly the five path references fire.
    assert _codes(FIXTURES / "plans" / "spec_complete.aiplan.yaml", context) == [
        ("EVAL003", 26, 19), ("EVAL003", 57, 17), ("EVAL003", 69, 11), ("EVAL003", 74, 13), ("EVAL003", 82, 13),
    ]


def test_spec_complete_plan_is_clean_when_its_files_exist(tmp_path, context):
    plan = tmp_path / "plan.aiplan.yaml"
    plan.write_text((FIXTURES / "plans" / "spec_complete.aiplan.yaml").read_text(encoding="utf-8"))
    # The files must exist and back the plan's claims (EVID rules): the example's data does.
    for relative in ("evals/support-v1.jsonl", "evals/retrieval-v1.jsonl", "data/ft/train.jsonl",
                     "data/ft/held_out.jsonl"):
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((EXAMPLES / relative).read_bytes())
    assert _codes(plan, context) == []


def test_support_copilot_matches_the_spec_plan():
    example = (EXAMPLES / "support-copilot.aiplan.yaml").read_text(encoding="utf-8")
    assert example == (FIXTURES / "plans" / "spec_complete.aiplan.yaml").read_text(encoding="utf-8")


def test_linting_the_repository_root_skips_the_test_fixtures(cli, monkeypatch):
    """pyproject.toml's own [tool.aiplan] excludes the fixtures (which fail on purpose) and the benchmark;
    mutmut's copy of the repository (`mutants/`, while a mutation run is under way or after it) is
    skipped as mutmut's (tests/unit/run/test_discovery_mutmut.py), so it does not matter here."""
    import json

    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    document = json.loads(cli("lint", "--format", "json", "--no-cache").stdout)
    paths = {f["path"] for f in document["findings"]}
    assert paths and all(path.startswith("examples/") for path in paths), sorted(paths)[:5]
