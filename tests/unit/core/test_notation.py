"""Values and hint snippets in the plan's own notation (core.notation): YAML for a
YAML plan, JSON for a plan written in JSON."""

import json
import pathlib
import re

import pytest

from aiplan.core.notation import hint_in_json, is_yaml_snippet
from aiplan.testing import lint_yaml
from ruamel.yaml import YAML

ROOT = pathlib.Path(__file__).resolve().parents[3]
SNIPPET = re.compile(r"`([^`]+)`")


def parse(snippet):
    try:
        return YAML(typ="safe").load(snippet)
    except Exception as exc:  # noqa: BLE001 - any parse error means "not a snippet"
        raise ValueError(snippet) from exc


@pytest.mark.parametrize("hint, expected", [
    ("Add `chunking: {strategy: heading_aware, size_tokens: 512}`.",
     'Add `"chunking": {"strategy": "heading_aware", "size_tokens": 512}`.'),
    ("Set `rag.citations: true`.", 'Set `"rag": {"citations": true}`.'),
    ("Add `- {name: policy library, ...}` (it needs `name:`).", 'Add `{"name": "policy library"}` (it needs `"name":`).'),
    ("Write `higher_is_better: false`, `a: 1, b: 2` stays", 'Write `"higher_is_better": false`, `a: 1, b: 2` stays'),
    ("Rename `evidance` to `evidence` under `gaps.knowledge`.", "Rename `evidance` to `evidence` under `gaps.knowledge`."),
])
def test_yaml_snippets_become_json(hint, expected):
    assert hint_in_json(hint, parse) == expected


def test_a_snippet_that_does_not_parse_is_kept():
    assert hint_in_json("Write `a: [b`.", parse) == "Write `a: [b`."


def valid_json_fragment(snippet):
    for candidate in ("{" + snippet + "}", snippet, "[" + snippet + "]"):
        try:
            json.loads(candidate)
            return True
        except ValueError:
            continue
    return snippet.endswith(":") and valid_json_fragment(snippet + " null")


def json_plans():
    """The JSON plan fixtures, and every rule fixture written as JSON."""
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests" / "fixtures").rglob("*.aiplan.json"))]
    for path in sorted((ROOT / "tests" / "fixtures" / "rules").glob("*/*.aiplan.yaml")):
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - the fixtures of invalid YAML
            continue
        if isinstance(data, dict):
            texts.append(json.dumps(data, default=str, indent=2))
    return texts


def test_hints_for_a_json_plan_show_json_and_for_yaml_yaml():
    checked = 0
    for text in json_plans():
        path = pathlib.Path("plan.aiplan.json")
        try:
            as_json = lint_yaml(text, path=path.name, dedent=False)
        except AssertionError:
            continue  # a plugin-style fixture that needs its own rules
        as_yaml = lint_yaml(text, path=path.stem + ".yaml", dedent=False)
        assert [f.rule for f in as_json] == [f.rule for f in as_yaml]
        for json_finding, yaml_finding in zip(as_json, as_yaml):
            for snippet in SNIPPET.findall(json_finding.fix):
                if is_yaml_snippet(snippet) or snippet.startswith(("{", '"')):
                    checked += 1
                    assert valid_json_fragment(snippet), (json_finding.rule, snippet)
            yaml_snippets = [s for s in SNIPPET.findall(yaml_finding.fix) if is_yaml_snippet(s)]
            assert all(not s.startswith('"') for s in yaml_snippets)
    assert checked > 500
