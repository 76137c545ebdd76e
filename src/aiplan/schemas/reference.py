"""The plan reference, generated from the plan's JSON Schema.

``docs/plan-reference.md`` documents every field of a plan (its YAML path,
type, allowed values, default, constraints, whether it is required, what it
means and an example) from ``plan.schema.json``; the examples come from the
schema's ``examples`` or else from the complete, clean example plan
(``examples/support-copilot.aiplan.yaml``).

The schema's ``markdownDescription`` of each field (what the YAML language
server shows on hover) is derived here from its ``description``, allowed
values and default, with a link to the field's section of the reference.

    python -m aiplan.schemas.reference            # write docs/plan-reference.md and the schema's hovers
    python -m aiplan.schemas.reference --check    # fail if either is out of date

Tests run the check, so neither can drift from the schema.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import re
import sys
from typing import Any, Iterator

from ruamel.yaml import YAML

from aiplan import REPOSITORY
from aiplan.core.notation import yaml_scalar
from aiplan.core.records import Record
from aiplan.fileio import atomic_write
from aiplan.schemas import resolve as _resolve

REFERENCE_PATH = "docs/plan-reference.md"
SCHEMA_PATH = "src/aiplan/schemas/plan.schema.json"
EXAMPLE_PLAN = "examples/support-copilot.aiplan.yaml"
REFERENCE_URL = f"{REPOSITORY}/blob/main/{REFERENCE_PATH}"

# Keywords that describe a field rather than constrain it: not repeated as constraints.
_CONSTRAINTS = (("minimum", "at least {}"), ("maximum", "at most {}"), ("minLength", "at least {} characters"),
                ("minItems", "at least {} items"), ("pattern", "matches `{}`"))


class Field(Record):
    """One field of a plan: where it is, and its schema with ``$ref`` resolved."""

    path: tuple[str, ...]   # ("rag", "corpus", "sources", "[]", "name")
    schema: dict
    required: bool

    @property
    def name(self) -> str:
        out = ""
        for part in self.path:
            out += "[]" if part == "[]" else (("." if out else "") + part)
        return out

    @property
    def anchor(self) -> str:
        """The anchor GitHub gives this field's heading (`### rag.corpus.sources[].name`)."""
        return _github_anchor(self.name)


def _github_anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def fields(root: dict) -> Iterator[Field]:
    """Every field of the plan, depth first in the schema's order."""

    def walk(schema: dict, path: tuple[str, ...]) -> Iterator[Field]:
        required = set(schema.get("required", ()))
        for key, child in schema.get("properties", {}).items():
            resolved = _resolve(child, root)
            yield Field(path + (key,), resolved, key in required)
            yield from walk_value(resolved, path + (key,))

    def walk_value(schema: dict, path: tuple[str, ...]) -> Iterator[Field]:
        yield from walk(schema, path)
        items = schema.get("items")
        if isinstance(items, dict):
            items = _resolve(items, root)
            if "properties" in items:
                yield from walk(items, path + ("[]",))

    yield from walk(root, ())


def _types(schema: dict) -> str:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    words = []
    for item in kinds:
        if item == "array":
            items = schema.get("items") or {}
            inner = items.get("type") if isinstance(items, dict) else None
            words.append(f"list of {inner}s" if isinstance(inner, str) and inner != "object" else
                         "list of mappings" if inner == "object" else "list")
        else:
            words.append({"object": "mapping", "number": "number", "integer": "integer", "string": "string",
                          "boolean": "boolean (`true` or `false`)"}.get(item, str(item)))
    return " or ".join(words) or "any"


def _allowed(schema: dict) -> list[str] | None:
    if "enum" in schema:
        return [yaml_scalar(v) for v in schema["enum"]]
    items = schema.get("items")
    if isinstance(items, dict) and "enum" in items:
        return [yaml_scalar(v) for v in items["enum"]]
    return None


def _constraints(schema: dict) -> list[str]:
    out = ["not empty" if key == "minLength" and schema[key] == 1 else text.format(schema[key])
           for key, text in _CONSTRAINTS if key in schema]
    items = schema.get("items")
    if isinstance(items, dict):
        out += [f"each {text.format(items[key])}" for key, text in _CONSTRAINTS if key in items]
    return out


def _lookup(data: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` in a plan (``[]``: the first list item), or ``None``."""
    for part in path:
        if part == "[]":
            if not isinstance(data, list) or not data:
                return None
            data = data[0]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def _nest(path: tuple[str, ...], value: Any) -> Any:
    for part in reversed(path):
        value = [value] if part == "[]" else {part: value}
    return value


def _example_value(item: Field, plan: Any) -> Any:
    if item.schema.get("examples"):
        return item.schema["examples"][0]
    found = _lookup(plan, item.path)
    if found is not None:
        return found
    if "default" in item.schema:
        return item.schema["default"]
    allowed = item.schema.get("enum")
    if allowed:
        return allowed[0]
    return None


def _yaml(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # ruamel declares it None; the plan's own key order
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _example(item: Field, plan: Any) -> str | None:
    value = _example_value(item, plan)
    if value is None:
        return None
    return _yaml(_nest(item.path, value))


def render_reference(schema: dict, example_plan: Any) -> str:
    """The whole ``docs/plan-reference.md``."""
    items = list(fields(schema))
    out = [
        "# Plan reference",
        "",
        "<!-- Generated by `python -m aiplan.schemas.reference` from src/aiplan/schemas/plan.schema.json. "
        "Do not edit by hand. -->",
        "",
        schema.get("description", ""),
        "",
        "A plan is a YAML file named `aiplan.yaml`, `aiplan.yml`, `*.aiplan.yaml` or `*.aiplan.yml`. "
        "`aiplan init --approach prompt_engineering|rag|fine_tuning|hybrid` writes a commented starter; "
        f"[`{EXAMPLE_PLAN}`](../{EXAMPLE_PLAN}) is a complete, clean plan, and the examples below come "
        "from it where the schema gives none. A path such as `rag.corpus.sources[].name` means the key "
        "`name` in each item of the list `rag.corpus.sources`. Keys not listed here are schema violations "
        "(PLAN002); `aiplan schema` prints the schema itself for other tools.",
        "",
        "## Sections",
        "",
        "| field | type | required | what it records |",
        "|---|---|---|---|",
    ]
    for item in items:
        if len(item.path) == 1:
            out.append(f"| [`{item.name}`](#{item.anchor}) | {_types(item.schema)} | "
                       f"{'yes' if item.required else 'no'} | {_cell(item.schema.get('title', ''))} |")
    out += ["", "## Fields", ""]
    for item in items:
        out += _field_section(item, example_plan)
    return "\n".join(out).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _field_section(item: Field, plan: Any) -> list[str]:
    schema = item.schema
    out = [f"### {item.name}", ""]
    if schema.get("title"):
        out += [f"**{schema['title']}.** {schema.get('description', '')}".rstrip(), ""]
    elif schema.get("description"):
        out += [schema["description"], ""]
    facts = [f"- Type: {_types(schema)}"]
    facts.append(f"- Required: {'yes' if item.required else 'no'}")
    allowed = _allowed(schema)
    if allowed:
        facts.append("- Allowed values: " + ", ".join(f"`{v}`" for v in allowed))
    if "default" in schema:
        facts.append(f"- Default: `{yaml_scalar(schema['default'])}`")
    constraints = _constraints(schema)
    if constraints:
        facts.append("- Constraints: " + "; ".join(constraints))
    if "properties" in schema:
        facts.append("- Fields: " + ", ".join(f"[`{k}`](#{_github_anchor(item.name + '.' + k)})"
                                              for k in schema["properties"]))
    items = schema.get("items")
    if isinstance(items, dict) and "properties" in _resolve_items(items):
        facts.append("- Each item's fields: " + ", ".join(
            f"[`{k}`](#{_github_anchor(item.name + '[].' + k)})" for k in _resolve_items(items)["properties"]))
    out += facts + [""]
    example = _example(item, plan)
    if example:
        out += ["Example:", "", "```yaml", example.rstrip("\n"), "```", ""]
    return out


def _resolve_items(items: dict) -> dict:
    return items  # item schemas in the plan schema are inline; $refs are resolved by `fields`


# --------------------------------------------------------------------------
# Hovers: markdownDescription


def markdown_description(schema: dict, anchor: str | None) -> str:
    """A field's hover text: its description, allowed values, default and a link to the reference."""
    text = schema.get("description", "")
    allowed = _allowed(schema)
    if allowed:
        text += "\n\nAllowed values: " + ", ".join(f"`{v}`" for v in allowed) + "."
    if "default" in schema:
        text += f"\n\nDefault: `{yaml_scalar(schema['default'])}`."
    if anchor:
        text += f"\n\n[Plan reference]({REFERENCE_URL}#{anchor})"
    return text


def with_hovers(schema: dict) -> dict:
    """The schema with a ``markdownDescription`` beside every ``description``: each
    field's links to its section of the reference; ``$defs`` and list items get
    the text alone (one definition serves several fields)."""
    out = copy.deepcopy(schema)
    anchors = {}
    for item in fields(schema):
        anchors[item.path] = item.anchor

    def visit(node: Any, path: tuple[str, ...] | None) -> None:
        if not isinstance(node, dict):
            return
        # A field that is only a $ref gets its own hover too: the definition's text, with this field's link.
        if isinstance(node.get("description"), str) or (path and "$ref" in node):
            resolved = _resolve(node, schema)
            node["markdownDescription"] = markdown_description(resolved, anchors.get(path) if path else None)
        for key, child in node.get("properties", {}).items():
            visit(child, path + (key,) if path is not None else None)
        if isinstance(node.get("items"), dict):
            visit(node["items"], path + ("[]",) if path is not None else None)
        for child in node.get("$defs", {}).values():
            visit(child, None)

    visit(out, ())
    out["markdownDescription"] = markdown_description(schema, None)
    return out


def schema_text(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _load_example(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return YAML(typ="safe", pure=True).load(handle)


def main(argv: list[str] | None = None) -> int:
    """``python -m aiplan.schemas.reference [--check]``, run from the repository root."""
    parser = argparse.ArgumentParser(prog="python -m aiplan.schemas.reference")
    parser.add_argument("--check", action="store_true", help="fail if the reference or the schema's hovers are out of date")
    parser.add_argument("--reference", default=REFERENCE_PATH)
    parser.add_argument("--schema", default=SCHEMA_PATH)
    parser.add_argument("--example", default=EXAMPLE_PLAN)
    args = parser.parse_args(argv)
    with open(args.schema, encoding="utf-8") as handle:
        current_schema = handle.read()
    schema = with_hovers(json.loads(current_schema))
    wanted = {args.schema: schema_text(schema), args.reference: render_reference(schema, _load_example(args.example))}
    stale = []
    for path, text in wanted.items():
        try:
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        except OSError:
            current = None
        if current != text:
            stale.append(path)
            if not args.check:
                atomic_write(path, text.encode("utf-8"))
                print(f"wrote {path}")
    if args.check and stale:
        print(f"{', '.join(stale)} out of date; run: python -m aiplan.schemas.reference", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
