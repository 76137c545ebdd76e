"""Values and hint snippets in the plan's own notation (core.notation): YAML for a
YAML plan, JSON for a plan written in JSON."""

import json
import pathlib
import re

import pytest

from aiplan.core.notation import hint_in_json, is_yaml_snippet, written_in_json
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


@pytest.mark.parametrize("name, text, in_json", [
    ("plan.aiplan.json", "aiplan: 1\n", True),        # the name says so, whatever the text
    ("PLAN.JSON", None, True),
    ("plan.aiplan.yaml", '{"aiplan": 1}', False),     # a YAML file in flow style: the name says YAML
    ("-", '{"aiplan": 1}', True),                     # standard input: the text says
    ("-", '\ufeff\n  {"aiplan": 1}', True),
    ("-", "aiplan: 1\n", False),
    ("-", "# {a comment}\naiplan: 1\n", False),
    ("<string>", '{"aiplan": 1}', True),
    ("-", None, False),                               # undecodable: nothing to read
])
def test_a_plan_is_written_in_json_by_its_name_or_else_its_text(name, text, in_json):
    assert written_in_json(name, text) is in_json


def test_a_json_plan_on_standard_input_gets_the_hints_a_json_file_gets(cli, tmp_path, monkeypatch):
    plan = json.dumps({"aiplan": 1, "name": "Policy search", "approach": "rag",
                       "rag": {"corpus": {"sources": [{"name": "policy wiki", "format": "html"}]},
                               "retrieval": {"top_k": 8}}})
    (tmp_path / "plan.aiplan.json").write_text(plan)
    monkeypatch.chdir(tmp_path)

    def fixes(*arguments, **given):
        document = json.loads(cli("lint", "--isolated", "--no-cache", "--format", "json", *arguments, **given).stdout)
        return [(f["rule"], f["fix"]) for f in document["findings"]]

    from_file, from_stdin = fixes("plan.aiplan.json"), fixes("-", input=plan)
    assert from_stdin == from_file
    assert any('`"evaluation": {"metrics": ["recall_at_k", "mrr"]' in fix for _, fix in from_stdin)
    as_yaml = fixes("-", input="aiplan: 1\nname: Policy search\napproach: rag\nrag:\n  retrieval:\n    top_k: 8\n")
    assert any("`evaluation: {metrics: [recall_at_k, mrr]" in fix for _, fix in as_yaml)


# ---------------------------------------------------------------------------
# The one decision on quoting, and every notation written with it reads back.

from aiplan.core.notation import flow, needs_quotes, toml, yaml_block, yaml_scalar, yaml_string  # noqa: E402

TRICKY = ["rag", "fine-tuning", "docs/policies/**/*.md", "a b", "team@example.com", "2024", "1.5", ".5",
          "-1", "+1", "yes", "Off", "y", "null", "~", "true", "", " padded", "trailing ", "a: b", "a #b",
          "[x]", "{x}", "it's", 'say "hi"', "café", "tab\there", "line\nbreak", "*alias", "&anchor", "!tag",
          "%dir", "@at", "`tick`", "?q", ":c", "v1.5", "gpt-4o", "0x1F", ".inf", "NaN"]


def load(text):
    return YAML(typ="safe", pure=True).load(text)


@pytest.mark.parametrize("text, quoted_", [
    ("rag", False), ("2024", True), ("v2024", False), ("yes", True), ("yesterday", False),
    ("a b", False), ("a: b", True), ("ab:", True), ("-1", True), ("x-1", False), ("café", True),
    ("trailing ", True), ("docs/**/*.md", True), ("docs/a.md", False),
])
def test_needs_quotes(text, quoted_):
    assert needs_quotes(text) is quoted_


@pytest.mark.parametrize("text", TRICKY)
def test_strings_read_back_in_every_yaml_notation(text):
    assert load(f"key: {yaml_string(text)}\n") == {"key": text}
    assert load(f"key: {yaml_string(text, chr(39))}\n") == {"key": text}
    assert load(f"key: {flow([text, {text: text}])}\n") == {"key": [text, {text: text}]}
    assert load("\n".join(yaml_block({text: [text, {"k": text}]})) + "\n") == {text: [text, {"k": text}]}


@pytest.mark.parametrize("value", [None, True, False, 0, -3, 1.5, 1e20, float("inf"), float("-inf"), "1.0"])
def test_scalars_read_back(value):
    assert load(f"key: {yaml_scalar(value)}\n") == {"key": value}


def test_nan_reads_back_as_nan():
    read = load(f"key: {yaml_scalar(float('nan'))}\n")["key"]
    assert read != read


def test_block_style_keeps_short_lists_on_one_line():
    assert yaml_block({"required": ["name", "owner"], "properties": {"name": {"type": "string"}}}) == [
        "required: [name, owner]", "properties:", "  name:", "    type: string"]
    assert yaml_block([{"a": 1, "b": [{"c": None}]}]) == ["- a: 1", "  b:", "    - c: null"]


@pytest.mark.parametrize("value", [True, 3, 1.5, float("inf"), "it's \"x\"", ["a", 1], {"a-b": 1, "a b": [True]}])
def test_toml_reads_back(value):
    import tomllib  # the standard library's TOML reader, Python 3.11+

    assert tomllib.loads(f"key = {toml(value)}\n") == {"key": value}


from aiplan.core.notation import quoted_visibly  # noqa: E402


@pytest.mark.parametrize("value, shown", [
    ("it's", "'it's'"),                       # one quoting whatever the text holds (repr: "it's")
    ('say "hi"', "'say \"hi\"'"),
    ("a\tb\nc\rd", "'a\\tb\\nc\\rd'"),
    ("\x00\x1b[31m\x7f\x85", "'\\x00\\x1b[31m\\x7f\\x85'"),
    ("line\u2028para\u2029", "'line\\u2028para\\u2029'"),
    ("café ✓", "'café ✓'"),                  # printable text is shown as written
    ("FT\u200b001", "'FT\\u200b001'"),        # invisible formatting and bidi controls are escaped
    ("a\u202eb\u2066c\ufeff", "'a\\u202eb\\u2066c\\ufeff'"),
    ("FT\\x01", "'FT\\\\x01'"),                # a typed backslash is doubled: unlike the control below
    ("FT\x01", "'FT\\x01'"),
    ("C:\\plans", "'C:\\\\plans'"),
    (None, "null"),
    (3, "3"),
    (["x"], "a list"),
])
def test_quoted_visibly(value, shown):
    assert quoted_visibly(value) == shown


def test_quoted_visibly_is_whole_unless_cut():
    assert quoted_visibly("x" * 100) == "'" + "x" * 100 + "'"
    assert quoted_visibly("x" * 100, 10) == "'" + "x" * 9 + "…'"


def test_quoted_visibly_and_the_text_reporter_escape_the_same_characters():
    import re

    from aiplan.core.notation import UNSEEN
    from aiplan.reporters.text import visible

    for code in [0x0, 0x1b, 0x7f, 0x9f, 0x61c, 0x200b, 0x200f, 0x202a, 0x202e, 0x2060, 0x2069, 0xfeff]:
        char = chr(code)
        assert re.fullmatch(UNSEEN, char)
        assert quoted_visibly(char) == "'" + visible(char) + "'" != "'" + char + "'"
