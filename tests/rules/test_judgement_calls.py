"""Judgement calls of issue 11 that fixture headers cannot state (message wording,
one finding per mistake across rules): each with a plan that fires and a
near-identical one that must not."""

import dataclasses
import pathlib

import pytest

from aiplan.lint.engine import lint_file
from aiplan.parse.loader import Limits
from aiplan.testing import build_context, lint_yaml

TABLES_NO_PIPELINE = """
aiplan: 1
name: Spec sheet search
approach: rag
rag:
  corpus:
    sources:
      - name: product overview pages
        format: html
      - name: product spec sheets
        format: pdf
        contains_tables: true
      - name: price list
        format: xlsx
"""


def by_rule(findings, *rules):
    return [f for f in findings if f.rule in rules]


def test_no_pipeline_is_one_finding_that_names_the_tables():
    findings = by_rule(lint_yaml(TABLES_NO_PIPELINE), "RAG001", "RAG003")
    assert [f.rule for f in findings] == ["RAG001"]
    assert "though source `product spec sheets` and source `price list` hold tables" in findings[0].message
    assert "tables: one chunk per row with the header" in findings[0].fix


def test_a_pipeline_without_a_table_strategy_is_rag003_per_table_source():
    plan = TABLES_NO_PIPELINE + "  data_pipeline:\n    chunking: {strategy: fixed, size_tokens: 512}\n"
    findings = by_rule(lint_yaml(plan), "RAG001", "RAG003")
    assert [(f.rule, f.line) for f in findings] == [("RAG003", 11), ("RAG003", 13)]


def test_no_pipeline_and_no_tables_says_nothing_of_tables():
    plan = TABLES_NO_PIPELINE.replace("        contains_tables: true\n", "").replace("format: xlsx", "format: pdf")
    [finding] = by_rule(lint_yaml(plan), "RAG001", "RAG003")
    assert finding.rule == "RAG001" and "tables" not in finding.message and "tables" not in finding.fix


PIPELINE_PLACEHOLDER = """
aiplan: 1
name: Claims assistant
approach: rag
rag:
  corpus:
    sources:
      - name: claims manual
        format: pdf
  data_pipeline: TBD
"""


def test_a_placeholder_pipeline_is_one_finding_quoting_it():
    findings = by_rule(lint_yaml(PIPELINE_PLACEHOLDER), "PLAN002", "RAG001")
    assert [(f.rule, f.line) for f in findings] == [("RAG001", 9)]
    assert "`rag.data_pipeline` is `TBD`, a placeholder" in findings[0].message


def test_a_pipeline_of_the_wrong_type_is_a_schema_error():
    findings = by_rule(lint_yaml(PIPELINE_PLACEHOLDER.replace("TBD", "3")), "PLAN002", "RAG001")
    assert [f.rule for f in findings] == ["PLAN002", "RAG001"]


def test_a_placeholder_where_a_number_belongs_stays_a_schema_error():
    plan = PIPELINE_PLACEHOLDER.replace("  data_pipeline: TBD\n", "  data_pipeline:\n    effort_weeks: TBD\n")
    assert [f.rule for f in by_rule(lint_yaml(plan), "PLAN002")] == ["PLAN002"]


def test_rules_that_need_a_section_quote_the_placeholder_above_it():
    plan = """
    aiplan: 1
    name: Claims assistant
    approach: rag
    gaps:
      knowledge: {present: true, evidence: 31 of 50 sampled questions needed the claims manual.}
      behavior: none
      accuracy: {present: false}
    baseline: TBD
    rag:
      corpus: TBD
    """
    messages = {f.rule: f.message for f in lint_yaml(plan)}
    assert "PLAN002" not in messages
    assert "`behavior` (it is `none`, a placeholder)" in messages["GAP003"]
    assert "(`baseline` is `TBD`, a placeholder)" in messages["BASE001"]
    assert "`rag.corpus.sources` is not set (`rag.corpus` is `TBD`, a placeholder)" in messages["RAG010"]


FT009_DIR = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FT009"
UNSTATED = (FT009_DIR / "pass-measured-here.aiplan.yaml").read_text(encoding="utf-8")


def test_disjointness_measured_by_the_evidence_checks_silences_ft009():
    found = lint_yaml(UNSTATED, select=["FT009", "EVID002"], base_dir=str(FT009_DIR), dedent=False)
    assert [f.rule for f in found] == []


def test_disjointness_is_not_measured_when_evid002_is_not_enabled():
    # `--ignore EVID` turns off the comparison: FT009 then reads no data and says why.
    [finding] = lint_yaml(UNSTATED, select=["FT009"], base_dir=str(FT009_DIR), dedent=False)
    assert finding.rule == "FT009"
    assert "nothing measured it (EVID002, the rule that compares them, is not enabled)" in finding.message


def test_disjointness_not_measured_with_the_evidence_checks_off_is_ft009():
    # The same files, but nothing read them: a file that exists proves nothing about its overlap.
    ctx = dataclasses.replace(build_context(select=["FT009"]), evidence=False)
    path = str(FT009_DIR / "pass-measured-here.aiplan.yaml")
    [finding] = lint_file(path, "plan.aiplan.yaml", ctx).findings
    assert finding.rule == "FT009" and "(the evidence checks are off)" in finding.message


def test_disjointness_only_partly_measured_is_ft009():
    [finding] = lint_yaml(UNSTATED, select=["FT009", "EVID002"], base_dir=str(FT009_DIR), dedent=False,
                          limits=Limits(max_evidence_bytes=1024))
    assert "only the first 1.0 KB of 4.2 KB of data/ft/train.jsonl were compared" in finding.message and "`max-evidence-bytes` budget" in finding.message


@pytest.mark.parametrize("written", ["RAG", "rag"])
def test_messages_quote_the_approach_as_written(written):
    plan = f"""
    aiplan: 1
    name: Policy search
    approach: {written}
    rag:
      corpus:
        sources: [{{name: policy wiki}}]
    """
    messages = [f.message for f in lint_yaml(plan) if "approach is" in f.message]
    assert len(messages) >= 3  # GAP001, BASE001, RAG001, EVAL001: each read the plan as `rag`
    assert all(f"approach is `{written}`" in message for message in messages), messages


def test_no_pipeline_names_the_sources_heavy_with_boilerplate_too():
    plan = TABLES_NO_PIPELINE.replace("format: html\n", "format: html\n        boilerplate: high\n")
    [finding] = by_rule(lint_yaml(plan), "RAG001", "RAG003", "RAG004")
    assert finding.rule == "RAG001"
    assert ("though source `product spec sheets` and source `price list` hold tables and source "
            "`product overview pages` is heavy with boilerplate") in finding.message
    with_pipeline = plan + "  data_pipeline:\n    chunking: {strategy: fixed, size_tokens: 512}\n"
    assert [f.rule for f in by_rule(lint_yaml(with_pipeline), "RAG001", "RAG003", "RAG004")] == [
        "RAG004", "RAG003", "RAG003"]
