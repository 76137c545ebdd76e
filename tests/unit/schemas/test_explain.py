"""The one JSON-Schema explainer and resolver: the same error in each voice, and references."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from aiplan.schemas import CONFIG_SCHEMA, PACK_SCHEMA, PLAN_SCHEMA, follow, load, resolve, source
from aiplan.schemas.explain import POLICY_VOICE, config_voice, explain


def _explained(schema, instance, voice=None):
    return [(v.message, v.fix, v.path) for error in Draft202012Validator(schema).iter_errors(instance)
            for v in explain(error, schema, voice)]


def test_each_shipped_schema_loads_from_its_source():
    for name in (PLAN_SCHEMA, CONFIG_SCHEMA, PACK_SCHEMA):
        assert load(name)["$schema"].endswith("2020-12/schema") and source(name).lstrip().startswith("{")


def test_a_reference_is_merged_with_the_referring_node_winning():
    root = {"$defs": {"a": {"type": "string", "description": "defined"}, "b": {"$ref": "#/$defs/a", "minLength": 2},
                      "a~b/c": {"type": "integer"}}}
    assert resolve({"$ref": "#/$defs/a", "description": "here"}, root) == {"type": "string", "description": "here"}
    assert resolve({"$ref": "#/$defs/b"}, root) == {"type": "string", "description": "defined", "minLength": 2}
    assert resolve({"$ref": "#/$defs/a~0b~1c"}, root) == {"type": "integer"}
    assert resolve({"$ref": "#/$defs/missing", "title": "t"}, root) == {"title": "t"}
    assert resolve("not a schema", root) == {}


def test_a_reference_loop_ends():
    root = {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a", "title": "b"}}}
    assert resolve({"$ref": "#/$defs/a"}, root) == {"title": "b"}


def test_follow_names_what_is_missing():
    assert follow({"a": [{"b": 1}]}, "/a/0/b") == 1 and follow({"a": 1}, "") == {"a": 1}
    with pytest.raises(LookupError):
        follow({"a": [1]}, "/a/1")


SCHEMA = {"type": "object", "required": ["name"], "additionalProperties": False,
          "properties": {"name": {"type": "string"}, "size": {"type": "number", "minimum": 3},
                         "mode": {"enum": ["fast", "slow"]}}}


def test_one_error_in_three_voices():
    instance = {"sise": 1, "mode": "fsat", "size": "big"}
    assert sorted(_explained(SCHEMA, instance)) == sorted([
        ("the plan lacks the required key `name`", "Add `name:` at the top level.", ("name",)),
        ("unknown key `sise` at the top level", "Did you mean `size`? Rename `sise` to it.", ("sise",)),
        ("`mode` is 'fsat'; expected one of fast, slow", "Did you mean 'fast'? Change it to `mode: fast`.", ("mode",)),
        ("`size` is 'big' (a string); expected a number", "Change `size` to a number, e.g. `size: 3`.", ("size",)),
    ])
    assert sorted(_explained(SCHEMA, instance, POLICY_VOICE)) == sorted([
        ("`name` is missing", "", ("name",)),
        ("`sise` is not allowed by the policy", "", ("sise",)),
        ("`mode` is 'fsat'; the policy allows 'fast', 'slow'", "", ("mode",)),
        ("`size` is 'big' (a string); the policy requires a number", "", ("size",)),
    ])
    assert sorted(_explained(SCHEMA, instance, config_voice("tool.aiplan"))) == sorted([
        ("`tool.aiplan` lacks the required key `name`", "", ("name",)),
        ("unknown key `tool.aiplan.sise`", "; did you mean `size`?", ("sise",)),
        ("`tool.aiplan.mode` is 'fsat'; expected one of fast, slow", "; did you mean 'fast'?", ("mode",)),
        ("`tool.aiplan.size` is 'big' (a string); expected a number", "", ("size",)),
    ])


def test_a_keyword_a_voice_has_no_words_for_is_said_in_jsonschemas():
    schema = {"properties": {"n": {"multipleOf": 2}}}
    assert _explained(schema, {"n": 3}) == [("`n`: 3 is not a multiple of 2", "Change `n` to match the plan format.",
                                             ("n",))]
    assert _explained(schema, {"n": 3}, POLICY_VOICE) == [("`n`: 3 is not a multiple of 2", "", ("n",))]


ONE_OF = {"oneOf": [{"required": ["status"]}, {"required": ["owner"]}, {"required": ["team"]}]}


def test_one_of_matched_by_several_alternatives_says_how_many_in_every_voice():
    both = {"status": "ok", "owner": "me"}
    assert _explained(ONE_OF, both, POLICY_VOICE) == [
        ("the plan matches 2 of the 3 alternatives the policy allows; it must match exactly one", "", ())]
    [(plan_message, _, _)] = _explained(ONE_OF, both)
    [(config_message, _, _)] = _explained(ONE_OF, both, config_voice("tool.aiplan"))
    assert "matches 2 of its 3 alternative forms" in plan_message and "2 of its 3" in config_message


def test_one_of_matched_by_none_still_says_none():
    assert _explained(ONE_OF, {"name": "x"}, POLICY_VOICE) == [
        ("the plan matches none of the alternatives the policy allows", "", ())]


@pytest.mark.parametrize("enum, instance, hint_yaml", [
    (["2024", "2025"], "20244", '`year: "2024"`'),  # a string that would read back as a number is quoted
    ([2024, 2025], "20244", "`year: 2024`"),        # a number stays a number
    (["rag", "fine-tuning"], "RAG", "`year: rag`"),  # a word stays plain
])
def test_an_enum_guess_is_written_as_yaml_that_reads_back_as_the_value(enum, instance, hint_yaml):
    schema = {"type": "object", "properties": {"year": {"enum": enum}}}
    [error] = Draft202012Validator(schema).iter_errors({"year": instance})
    [violation] = explain(error, schema)
    assert hint_yaml in violation.fix


def test_an_example_from_an_enum_is_written_as_yaml():
    schema = {"type": "object", "required": ["year"], "properties": {"year": {"enum": ["2024", True]}}}
    [error] = Draft202012Validator(schema).iter_errors({})
    [violation] = explain(error, schema)
    assert '`year: "2024"` (one of "2024", true)' in violation.fix


def _patterns(node) -> set[str]:
    """Every `pattern` a schema holds, at any depth."""
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(value) for value in node))
    return set()


def test_pattern_words_are_keyed_by_the_shipped_schemas_patterns():
    """PATTERN_WORDS is keyed by a pattern's text: a key no shipped schema holds (a pattern
    edited in the schema, not here) would leave its values worded as a bare regular expression."""
    from aiplan.schemas.explain import PATTERN_WORDS

    shipped = set().union(*(_patterns(load(name)) for name in (PLAN_SCHEMA, CONFIG_SCHEMA, PACK_SCHEMA)))
    assert set(PATTERN_WORDS) <= shipped, sorted(set(PATTERN_WORDS) - shipped)
    # And every pattern of the configuration schema, the one worded through PATTERN_WORDS, has words.
    assert _patterns(load(CONFIG_SCHEMA)) <= set(PATTERN_WORDS), sorted(_patterns(load(CONFIG_SCHEMA)) - set(PATTERN_WORDS))


TWO_REQUIRED = {"type": "object", "required": ["metric", "value"], "dependentRequired": {"a": ["b", "c"]}}


@pytest.mark.parametrize("voice", [None, POLICY_VOICE, config_voice("tool.aiplan")])
def test_each_missing_key_is_one_problem_though_every_error_carries_the_whole_list(voice):
    # jsonschema raises one `required` error per missing key, each with the keyword's
    # whole list as validator_value: explaining every error must not name every key again.
    # (A voice without words for dependentRequired says jsonschema's, which names one key too.)
    messages = [message for message, _, _ in _explained(TWO_REQUIRED, {"a": 1}, voice)]
    assert len(messages) == len(set(messages)) == 4, messages



def test_a_plan_with_two_missing_keys_gets_two_plan002_findings():
    from aiplan.testing import lint_yaml
    plan = ("aiplan: 1\nname: x\nbaseline:\n  prompt_engineering:\n    status: done\n    model: m\n"
            "    results:\n      - {}\n")
    messages = [finding.message for finding in lint_yaml(plan) if finding.rule == "PLAN002"]
    assert messages == ["`baseline.prompt_engineering.results[0]` lacks the required key `metric`",
                        "`baseline.prompt_engineering.results[0]` lacks the required key `value`"]
