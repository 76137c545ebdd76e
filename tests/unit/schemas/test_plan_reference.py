"""docs/plan-reference.md and the schema's hover texts are generated from the
plan schema, document every field with an example that matches it, and are current."""

import json
import pathlib
import re

import jsonschema
import pytest
from ruamel.yaml import YAML

from aiplan.schemas import reference

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / reference.SCHEMA_PATH).read_text(encoding="utf-8"))
DOC = (ROOT / reference.REFERENCE_PATH).read_text(encoding="utf-8")
FIELDS = list(reference.fields(SCHEMA))


def test_reference_and_hovers_are_current(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert reference.main(["--check"]) == 0, capsys.readouterr().err


def test_check_fails_when_out_of_date(tmp_path, capsys):
    stale = tmp_path / "plan-reference.md"
    stale.write_text("# Plan reference\n", encoding="utf-8")
    schema = tmp_path / "plan.schema.json"
    schema.write_text((ROOT / reference.SCHEMA_PATH).read_text(encoding="utf-8"), encoding="utf-8")
    args = ["--reference", str(stale), "--schema", str(schema), "--example", str(ROOT / reference.EXAMPLE_PLAN)]
    assert reference.main(["--check", *args]) == 1
    assert "out of date" in capsys.readouterr().err
    assert reference.main(args) == 0 and reference.main(["--check", *args]) == 0


def _section(item) -> str:
    start = DOC.index(f"\n### {item.name}\n")
    end = DOC.find("\n### ", start + 1)
    return DOC[start:end if end != -1 else len(DOC)]


def test_the_walk_reaches_nested_and_list_item_fields():
    names = {item.name for item in FIELDS}
    assert {"aiplan", "gaps.knowledge.evidence", "rag.corpus.sources[].name",
            "evaluation.metrics[].higher_is_better", "fine_tuning.evaluation.held_out.covers"} <= names


@pytest.mark.parametrize("item", FIELDS, ids=lambda item: item.name)
def test_every_field_is_documented_with_type_meaning_and_a_valid_example(item):
    section = _section(item)
    assert "- Type: " in section and "- Required: " in section
    assert item.schema.get("description", "")[:40] in section
    for value in item.schema.get("enum", ()):
        assert f"`{value}`" in section
    if "default" in item.schema:
        assert "- Default: " in section
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert example, f"{item.name} has no example"
    value = YAML(typ="safe").load(example.group(1))
    for part in item.path:
        value = value[0] if part == "[]" else value[part]
    jsonschema.validate(value, {**item.schema, "$defs": SCHEMA["$defs"]})


def test_every_link_in_the_reference_has_its_heading():
    anchors = {reference._github_anchor(h) for h in re.findall(r"^#+ (.+)$", DOC, re.MULTILINE)}
    for link in re.findall(r"\]\(#([^)]+)\)", DOC):
        assert link in anchors, link


def test_every_description_has_a_hover_text_linking_to_the_reference():
    anchors = {reference._github_anchor(h) for h in re.findall(r"^#+ (.+)$", DOC, re.MULTILINE)}

    def visit(node, where):
        if isinstance(node, dict):
            if isinstance(node.get("description"), str):
                assert node.get("markdownDescription", "").startswith(node["description"]), where
            for key, child in node.items():
                visit(child, f"{where}/{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                visit(child, f"{where}/{index}")

    visit(SCHEMA, "#")

    def nodes(node):
        if isinstance(node, dict):
            yield node
            for child in node.values():
                yield from nodes(child)

    # A definition serves several fields (gaps.knowledge.present, gaps.behavior.present...):
    # its hover has no single section to link to.
    shared = {id(node) for node in nodes(SCHEMA["$defs"])}
    for item in FIELDS:
        if id(item.schema) in shared:
            assert item.schema["markdownDescription"].startswith(item.schema["description"])
            continue
        text = item.schema["markdownDescription"]
        link = re.search(r"\(([^)]+)\)$", text).group(1)
        page, _, anchor = link.partition("#")
        assert page == reference.REFERENCE_URL and anchor in anchors, item.name
    assert "Allowed values: `prompt_engineering`, `rag`" in SCHEMA["properties"]["approach"]["markdownDescription"]
