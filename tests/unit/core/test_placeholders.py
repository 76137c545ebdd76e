"""Placeholder text is read as missing: one notion, used by every rule that asks for a text."""

import dataclasses

import pytest

from aiplan.core.placeholders import (PLACEHOLDER_WORDS, STARTER_TEXTS, is_placeholder, is_placeholder_path,
                                      normalise_words, says_nothing)
from aiplan.parse.loader import load_text
from aiplan.starter import starter_plan
from aiplan.testing import lint_yaml


@pytest.mark.parametrize("text", [
    "TBD", "tbd.", "TODO", "  none ", "None", "no", "n/a", "N/A", "NA", "-", "--", "?", "???", "...", "…", "—",
    "<fill in>", "<team name>", "[owner]", "TBD: ask legal", "TODO - measure", "tbc (waiting on legal)",
    "unknown", "pending", "to be decided", "team@example.com", "My AI initiative",
    "The problem in a paragraph: who struggles with what today.",
])
def test_placeholders(text):
    assert is_placeholder(text)


@pytest.mark.parametrize("value", [
    "none of the examples is used before two reviewers agree", "no PII in the corpus; strip signatures",
    "TBD items in the price list confused the model", "todolist export", "n/a for prose; rows for tables",
    "unknown intents go to a human", "ops@acme.com", "<b>bold</b> markup is stripped", "", "   ", 0, False, None,
    # a real-looking address at a reserved domain is how docs and fixtures write an owner
    "support-platform@example.com", "ml-platform@example.org",
    ["TBD"],
])
def test_not_placeholders(value):
    assert not is_placeholder(value)


def test_teams_add_their_own_words():
    words = normalise_words(["Ask Priya ", "later!"])
    assert words == {"ask priya", "later"}
    assert is_placeholder("ask priya.", words) and not is_placeholder("ask priya.")


@pytest.mark.parametrize("value, nothing", [
    ({}, True), ([], True), ({"model": "TBD"}, True), ({"store": None, "refresh": " "}, True), (["-", "?"], True),
    ({"model": "e5-large"}, False), ({"size": 0}, False), ({"disjoint_from_training": False}, False), (0.0, False),
])
def test_says_nothing(value, nothing):
    assert says_nothing(value) is nothing


def test_plan_accessors_read_placeholders_as_missing():
    plan = load_text("aiplan: 1\na: TBD\nb: ' real text '\nc: {}\nd: [n/a]\n", "p.yaml").documents[0]
    assert plan.text("a") is None and plan.placeholder("a") == "TBD" and plan.is_blank("a")
    assert plan.text("b") == "real text" and plan.placeholder("b") is None and not plan.is_blank("b")
    assert plan.is_blank("c") and plan.is_blank("d") and plan.is_blank("missing")
    plan = dataclasses.replace(plan, placeholders=normalise_words(["real text"]))
    assert plan.text("b") is None and plan.placeholder("b") == "real text"


@pytest.mark.parametrize("path, placeholder", [
    # a glob of wildcards alone names files: every file beside the plan, or below it
    ("*", False), (" ** ", False), ("**/*", False), ("./*", False), ("*.*", False), ("data/*.jsonl", False),
    # the texts that say nothing in any other field say nothing in a path either
    ("?", True), ("-", True), ("./", True), ("...", True), ("TBD", True), ("none", True), ("<path>", True),
])
def test_a_path_of_wildcards_is_a_path(path, placeholder):
    assert is_placeholder_path(path) is placeholder
    plan = load_text(f"aiplan: 1\np: '{path}'\n", "p.yaml").documents[0]
    assert (plan.file_path("p") is None) is placeholder
    assert plan.text("p") is None or not placeholder  # a text reads `*` as before: no letter, no content


def test_starter_placeholders_are_in_the_list():
    """The texts `aiplan init` writes for a team to replace are placeholders."""
    plan = load_text(starter_plan(), "aiplan.yaml").documents[0]
    for key in ("name", "owner", "summary"):
        assert plan.placeholder(key) is not None, key
    assert set(STARTER_TEXTS) <= PLACEHOLDER_WORDS


def test_message_quotes_the_placeholder_and_team_words_apply():
    plan = """\
        aiplan: 1
        gaps:
          knowledge: {present: true, evidence: "later"}
          behavior: {present: true, evidence: "ask Priya"}
          accuracy: {present: false}
        """
    found = lint_yaml(plan, select=["GAP002"])
    assert [f.line for f in found] == [3]
    assert "`gaps.knowledge.evidence` is `later`, a placeholder" in found[0].message
    assert [f.line for f in lint_yaml(plan, select=["GAP002"], placeholders=["Ask Priya"])] == [3, 4]


def test_every_placeholder_word_is_documented():
    import pathlib

    text = (pathlib.Path(__file__).resolve().parents[3] / "docs" / "placeholders.md").read_text(encoding="utf-8").lower()
    for word in PLACEHOLDER_WORDS:
        assert f"`{word}" in text, word


def test_an_example_domain_owner_is_content():
    """`owner: support-platform@example.com` is an owner: a pipeline that names it says something
    (RAG002 lists what it lacks), while the starter's `team@example.com` says nothing (RAG001)."""
    plan = """aiplan: 1
name: Partner desk answers
gaps:
  knowledge: {present: true, evidence: 118 of 200 payout questions answered wrongly}
  behavior: {present: false}
  accuracy: {present: false}
approach: rag
rag:
  corpus:
    sources:
      - {name: partner handbook, format: markdown, update_frequency: weekly}
  data_pipeline:
    owner: OWNER
"""
    real = {f.rule for f in lint_yaml(plan.replace("OWNER", "support-platform@example.com"), select=["RAG001", "RAG002"])}
    starter = {f.rule for f in lint_yaml(plan.replace("OWNER", "team@example.com"), select=["RAG001", "RAG002"])}
    assert real == {"RAG002"} and starter == {"RAG001"}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_number_is_no_number_of_the_plan(value):
    """`.nan` and `.inf` state no count, duration or rate: `Plan.number` reads them as absent
    (PLAN002 reports them), and messages show them as YAML writes them."""
    from aiplan.core.notation import kind, show, yaml_scalar

    plan = load_text(f"aiplan: 1\nn: {yaml_scalar(value)}\nm: 2.5\n", "p.yaml").documents[0]
    assert plan.number("n") is None and plan.number("m") == 2.5
    assert show(value) == yaml_scalar(value) and show(value).startswith(("-.", "."))
    assert kind(value) == "not a finite number" and kind(2.5) == "a number"
