"""Placeholder text where the schema wants a number, a boolean, a mapping or a list
(`examples: TBD`, `held_out: none`, `top_k: n/a`) is a value not given yet, not a wrong type.

Over every such field of the shipped schema (read from it here, not listed by hand): one
finding, at the placeholder, that calls it a placeholder. Where a rule asks for the value
(FT003 for `examples`, EVAL002 for a metric's `target`; ``PLACEHOLDER_OWNERS``), the
finding is that rule's, with its hint; where none does, or none applies or is on, it is
PLAN002's, saying what kind of value is needed. A real value and a text that is not a
placeholder are judged as before.
"""

import copy
import io

import pytest
from ruamel.yaml import YAML

from aiplan.rules.plan import PLACEHOLDER_OWNERS, placeholder_owners
from aiplan.schemas import PLAN_SCHEMA, load, resolve
from aiplan.testing import fix_yaml, lint_yaml

# A complete hybrid plan that states every typed field of the schema, each with a real value.
COMPLETE = """\
aiplan: 1
name: Support copilot
owner: support-platform@example.com
use_case:
  users: [support agents]
  data_sensitivity: confidential
  multi_tenant: false
gaps:
  knowledge: {present: true, evidence: The base model does not know our refund policies.}
  behavior: {present: true, evidence: Replies must follow the ticket JSON schema.}
  accuracy: {present: false}
baseline:
  prompt_engineering:
    status: done
    model: claude-sonnet
    techniques: [system_prompt, few_shot, structured_output]
    results:
      - {metric: answer_accuracy, value: 0.71, eval_set: evals/support-v1.jsonl}
approach: hybrid
rag:
  corpus:
    sources:
      - {name: policy library, format: html, update_frequency: weekly, contains_tables: true,
         boilerplate: high, sensitivity: confidential}
  data_pipeline:
    owner: data-eng
    effort_weeks: 6
    cleaning: strip navigation and legal footer before chunking
    chunking: {strategy: heading_aware, size_tokens: 512, overlap_tokens: 64,
               tables: "one chunk per table row, header repeated"}
    embedding: {model: text-embedding-3-large}
    indexing: {store: pgvector, refresh: daily}
  retrieval:
    effort_weeks: 3
    top_k: 8
    reranker: cross-encoder
    evaluation: {metrics: [recall_at_k], eval_set: evals/retrieval-v1.jsonl}
  access_control: {scope_by: [user_role, document_type]}
  citations: true
fine_tuning:
  purpose: behavior
  base_model: claude-haiku
  task: {description: turn a draft into an escalation reply in the ticket JSON schema}
  dataset: {examples: 4200, path: data/ft/train.jsonl, quality_review: two reviewers per example}
  evaluation:
    held_out: {size: 600, path: data/ft/held_out.jsonl, covers: [target_task, adjacent_behaviors],
               disjoint_from_training: true}
targets: {latency_p95_ms: 1500, cost_per_1k_requests_usd: 2}
evaluation:
  metrics:
    - {name: answer_accuracy, target: 0.9, higher_is_better: true}
  eval_sets:
    - {path: evals/support-v1.jsonl, size: 800}
  cadence: per_release
"""


def _yaml():
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    return yaml


def _dump(data) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _typed_fields(schema, data, path=()):
    """``(path, types)`` of every node of ``data`` whose schema type does not allow a string."""
    schema = resolve(schema, load(PLAN_SCHEMA))
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or ())
    if path and types and "string" not in types:
        yield path, types
    if isinstance(data, dict):
        for key, sub in schema.get("properties", {}).items():
            if key in data:
                yield from _typed_fields(sub, data[key], path + (key,))
    elif isinstance(data, list) and data:
        yield from _typed_fields(schema.get("items", {}), data[0], path + (0,))


PLAN = _yaml().load(COMPLETE)
FIELDS = [(path, types) for path, types in _typed_fields(load(PLAN_SCHEMA), PLAN) if path != ("aiplan",)]
SHOWN = {"integer": "an integer", "number": "a number", "boolean": "true or false", "object": "a mapping",
         "array": "a list"}


def _with(path, value, plan=None) -> str:
    data = copy.deepcopy(PLAN if plan is None else plan)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return _dump(data)


def _key(finding):
    return finding.rule, finding.message


def _id(path):
    return ".".join(map(str, path))


def test_the_complete_plan_has_no_schema_finding_and_states_every_typed_field():
    assert not [f for f in lint_yaml(COMPLETE, dedent=False) if f.rule == "PLAN002"]
    named = {_id(path).replace(".0", "[]") for path, _ in FIELDS}
    # Every typed field of the schema is in the plan, so every one is tried below.
    assert len(FIELDS) >= 50
    assert set(PLACEHOLDER_OWNERS) <= named, "PLACEHOLDER_OWNERS names a path that is no typed field"


def _at(findings):
    return [(f.line, f.column) for f in findings]


VALUES = [path for path, types in FIELDS if not {"object", "array"} & set(types)]
SECTIONS = [path for path, types in FIELDS if {"object", "array"} & set(types)]


@pytest.mark.parametrize("path", VALUES, ids=_id)
@pytest.mark.parametrize("word", ["TBD", "n/a"])
def test_a_placeholder_value_is_one_finding_at_it_by_the_rule_that_asks_for_it(path, word):
    text = _with(path, word)
    before = {_key(f) for f in lint_yaml(COMPLETE, dedent=False)}
    new = [f for f in lint_yaml(text, dedent=False) if _key(f) not in before]
    assert len(new) == 1, [(f.rule, f.message) for f in new]
    finding = new[0]
    # At the placeholder: where PLAN002 alone points, at the value.
    assert _at(new) == _at(lint_yaml(text, dedent=False, select=("PLAN002",)))
    assert f"`{word}`, a placeholder" in finding.message or f"'{word}', a placeholder" in finding.message
    assert finding.rule in (placeholder_owners(path) or ("PLAN002",)), finding.rule


@pytest.mark.parametrize("path", SECTIONS, ids=_id)
def test_a_placeholder_section_is_reported_once_by_schema_or_by_the_rules_that_need_it(path):
    text = _with(path, "TBD")
    complete = COMPLETE
    if set(placeholder_owners(path)) == {"ACC001"}:
        # ACC001 asks for its parts only where the accuracy gap is present: judge it on such a plan.
        with_gap = copy.deepcopy(PLAN)
        with_gap["gaps"]["accuracy"] = {"present": True, "evidence": "9% of 300 sampled answers misquote the policy."}
        complete, text = _dump(with_gap), _with(path, "TBD", with_gap)
    before = {_key(f) for f in lint_yaml(complete, dedent=False)}
    new = [f for f in lint_yaml(text, dedent=False) if _key(f) not in before]
    owners = placeholder_owners(path)
    if not owners:
        assert [(f.rule, *_at([f])) for f in new] == [
            ("PLAN002", *_at(lint_yaml(text, dedent=False, select=("PLAN002",))))]
        return
    # The rules that need the section say so, quoting it; PLAN002 does not say it again.
    assert new and "PLAN002" not in [f.rule for f in new]
    assert {f.rule for f in new} & set(owners)
    assert any("TBD" in f.message for f in new if f.rule in owners)


@pytest.mark.parametrize("path,types", FIELDS, ids=[_id(path) for path, _ in FIELDS])
def test_a_placeholder_no_rule_reports_is_plan002s(path, types):
    # The rules that ask for the value are off: the placeholder is still reported, by PLAN002.
    findings = lint_yaml(_with(path, "TBD"), dedent=False, select=("PLAN002",))
    assert [f.yaml_path for f in findings] == [path]
    wanted = " or ".join(SHOWN[t] for t in types)
    assert findings[0].message.endswith(f"is 'TBD', a placeholder; expected {wanted}")
    assert findings[0].fix.startswith(f"Replace the placeholder with {wanted} once it is known, e.g. `")
    assert not findings[0].edits


def test_a_teams_own_placeholder_word_is_a_placeholder_too():
    findings = lint_yaml(_with(("rag", "retrieval", "top_k"), "ask Priya"), dedent=False,
                         select=("PLAN002",), placeholders=("ask Priya",))
    assert [f.message for f in findings] == ["`rag.retrieval.top_k` is 'ask Priya', a placeholder; expected an integer"]


def test_text_that_is_not_a_placeholder_is_still_a_wrong_type():
    findings = lint_yaml(_with(("fine_tuning", "dataset", "examples"), "many"), dedent=False)
    assert [(f.rule, f.message) for f in findings if f.yaml_path == ("fine_tuning", "dataset", "examples")] == [
        ("PLAN002", "`fine_tuning.dataset.examples` is 'many' (a string); expected an integer")]


def test_a_yaml_11_boolean_is_a_slip_with_one_reading_not_a_placeholder():
    # `no` is a placeholder word where a text belongs, but where a boolean belongs it reads `false`.
    text = _with(("use_case", "multi_tenant"), "no")
    findings = [f for f in lint_yaml(text, dedent=False) if f.rule == "PLAN002"]
    assert [f.fix for f in findings] == ["YAML 1.2 reads 'no' as text, not a boolean: write `multi_tenant: false`."]
    assert "multi_tenant: false" in fix_yaml(text, dedent=False)


def test_fix_leaves_a_placeholder_for_the_team_to_fill_in():
    text = _with(("rag", "retrieval", "top_k"), "TBD")
    assert fix_yaml(text, dedent=False) == text
