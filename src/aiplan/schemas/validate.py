"""Validate a plan against the shipped JSON Schema and explain each violation.

jsonschema reports every violation; this module turns each into a
:class:`Violation` at the offending node, in words a plan author understands,
with a "did you mean" for misspelled keys and enumeration values.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any, Iterator

from aiplan.core.findings import Edit, Violation, format_yaml_path
from aiplan.core.suggest import closest, safe_replacement
from aiplan.schemas.fast import compile_schema

PLAN_SCHEMA = "plan.schema.json"


@functools.lru_cache(maxsize=None)
def load_schema(name: str = PLAN_SCHEMA) -> dict:
    """A schema shipped in ``aiplan/schemas`` (cached: it never changes in a run)."""
    # Read beside the package first: importlib.resources costs ~7 ms to import,
    # a tenth of a pre-commit run. It remains the way in from a zip archive.
    try:
        with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "schemas", name), "rb") as handle:
            return json.loads(handle.read())
    except OSError:
        from importlib import resources  # ~8 ms: only when the schema is not a plain file (zip installs)

        return json.loads(resources.files("aiplan.schemas").joinpath(name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def _known_valid(name: str = PLAN_SCHEMA):
    """The fast path's verdict function for a schema, or ``None`` if it cannot compile it."""
    return compile_schema(load_schema(name))


@functools.lru_cache(maxsize=None)
def _validator(name: str = PLAN_SCHEMA):
    from jsonschema import Draft202012Validator  # heavy (~40 ms): only when the fast validator finds a problem

    return Draft202012Validator(load_schema(name))


_YAML11_BOOLEANS = {"yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty (null)",
}


def describe_type(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def show(value: Any, limit: int = 60) -> str:
    """A short rendering of a plan value for a message."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return "'" + text + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def key_path(path: tuple) -> str:
    return format_yaml_path(path) or "the document root"


def _expected(types: Any) -> str:
    if isinstance(types, str):
        types = [types]
    return " or ".join(_TYPE_NAMES.get(t, t) for t in types)


_PLAIN = re.compile(r"^[A-Za-z0-9_./@+-][A-Za-z0-9_./@+ -]*$")


def _flow(value: Any) -> str:
    """A value in YAML flow style that parses back to it (quoted where a plain scalar would not)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    text = str(value)
    if _PLAIN.match(text) and text.strip() == text and text.lower() not in ("yes", "no", "on", "off", "null", "true", "false"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _sample(schema: dict, root: dict | None, depth: int = 0) -> Any:
    """A small value that satisfies ``schema``, from its examples where it has them; ``None`` if unknown."""
    if root is not None:
        schema = _resolve(schema, root)
    if "enum" in schema:
        return schema["enum"][0]
    examples = schema.get("examples")
    if examples:
        return examples[0]
    kind = schema.get("type")
    if kind == "object" and depth < 2:
        return _sample_mapping(schema, root, depth + 1) or None
    if kind == "array" and depth < 2:
        item = _sample(schema.get("items", {}), root, depth + 1)
        return [item] if item is not None else None
    return {"boolean": True, "integer": 1, "number": 1}.get(kind) if isinstance(kind, str) else None


def _sample_mapping(schema: dict, root: dict | None, depth: int = 0) -> dict:
    """The required keys, then the first few others, each with a sample value."""
    properties = schema.get("properties", {})
    required = [key for key in schema.get("required", []) if key in properties]
    chosen = required + [key for key in properties if key not in required][: max(0, 2 - len(required))]
    out = {}
    for key in chosen:
        value = _sample(properties[key], root, depth)
        if value is not None:
            out[key] = value
    return out


def _example(schema: dict, key: str, root: dict | None = None, item: bool = False) -> str:
    """A YAML snippet that would satisfy ``schema``, for fix hints (``item``: a list entry)."""
    if "enum" in schema:
        return f"`{key}: {schema['enum'][0]}` (one of {', '.join(map(str, schema['enum']))})"
    kind = schema.get("type")
    lead = "- " if item else f"{key}: "
    if kind == "object":
        sample = _sample_mapping(schema, root)
        required = [name for name in schema.get("required", []) if name in schema.get("properties", {})]
        needs = f" (it needs {', '.join(f'`{name}:`' for name in required)})" if required else ""
        if sample:
            return f"`{lead}{_flow(sample)}`{needs}"
        return f"`{lead}{{...}}` as a mapping{needs}"
    examples = schema.get("examples")
    if examples:
        return f"`{lead}{_flow(examples[0])}`"
    if kind == "array":
        sample = _sample(schema, root)
        return f"`{lead}{_flow(sample)}`" if sample else f"`{lead}[...]` as a list"
    if kind == "boolean":
        return f"`{key}: true` or `{key}: false`"
    return f"`{lead.rstrip()}`"


def show_plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show_plain(v) for v in value) + "]"
    return str(value)


def _resolve(schema: dict, root: dict) -> dict:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        merged = dict(node) if isinstance(node, dict) else {}
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        return merged
    return schema


def validate(data: Any, schema_name: str = PLAN_SCHEMA, skip: frozenset = frozenset(),
             placeholder=None) -> Iterator[Violation]:
    """Every schema violation of ``data``, one :class:`Violation` per problem.

    ``skip`` holds top-level keys whose problems another rule reports.
    ``placeholder(path)`` says whether the value at ``path`` is placeholder text
    (`TBD`, `none`): written where a mapping or a list belongs, it is an absence,
    which the policy rules report (quoting it), not a wrong type.
    """
    # Most plans are valid: the compiled fast path says so without importing
    # or running jsonschema, which stays the validator of record for the errors.
    known_valid = _known_valid(schema_name)
    if known_valid is not None and known_valid(data):
        return
    validator = _validator(schema_name)
    root = load_schema(schema_name)
    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        if path and path[0] in skip:
            continue
        if placeholder is not None and _placeholder_for_a_section(error, path, placeholder):
            continue
        yield from explain(error, path, root)


def _placeholder_for_a_section(error, path: tuple, placeholder) -> bool:
    """A type error whose value is placeholder text where a mapping or a list belongs."""
    if error.validator != "type" or not isinstance(error.instance, str):
        return False
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    return bool({"object", "array"} & set(expected)) and placeholder(path)


def explain(error, path: tuple, root: dict) -> Iterator[Violation]:
    """Turn one jsonschema error into violations a person can act on."""
    kind = error.validator
    schema = _resolve(error.schema, root) if isinstance(error.schema, dict) else {}
    instance = error.instance
    where = key_path(path)
    leaf = str(path[-1]) if path and isinstance(path[-1], str) else where

    if kind == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        renames = _safe_renames(instance, known)
        for key in instance:
            if key in known:
                continue
            guess = closest(key, known)
            parent = f"in `{where}`" if path else "at the top level"
            message = f"unknown key `{key}` {parent}"
            home = misplaced_home(key, path, root) if not guess else None
            if guess:
                fix = f"Did you mean `{guess}`? Rename `{key}` to it."
            elif home is not None:
                message = f"`{key}` does not belong {parent}; it belongs at `{key_path(home)}`"
                fix = (f"Move `{key}` and everything under it to `{key_path(home)}`"
                       f"{' (under `' + key_path(home[:-1]) + '`)' if len(home) > 1 else ' (the top level)'}.")
            else:
                fix = f"Remove `{key}` or move it where it belongs; keys allowed here: {', '.join(known)}."
            edits = (Edit(renames[key], at="key"),) if key in renames else ()
            yield Violation(message, fix, path=path + (key,), at="key", edits=edits)
        return

    if kind == "required" and isinstance(instance, dict):
        properties = schema.get("properties", {})
        for key in error.validator_value:
            if key in instance:
                continue
            sub = _resolve(properties.get(key, {}), root)
            owner = f"`{where}`" if path else "the plan"
            yield Violation(
                f"{owner} lacks the required key `{key}`",
                f"Add {_example(sub, key, root)} {'under `' + where + '`' if path else 'at the top level'}.",
                path=path + (key,),
            )
        return

    if kind == "type":
        expected = _expected(error.validator_value)
        item = bool(path) and isinstance(path[-1], int)
        fix = f"Change `{where}` to {expected}, e.g. {_example(schema, leaf, root, item=item)}."
        if isinstance(instance, str) and instance.lower() in _YAML11_BOOLEANS and "boolean" in str(error.validator_value):
            word = "true" if _YAML11_BOOLEANS[instance.lower()] else "false"
            fix = f"YAML 1.2 reads {instance!r} as text, not a boolean: write `{leaf}: {word}`."
        elif isinstance(instance, str) and ("integer" in str(error.validator_value) or "number" in str(error.validator_value)):
            if isinstance(instance, str) and instance.strip().replace(".", "", 1).replace("_", "").isdigit():
                fix = f"Remove the quotes: write `{leaf}: {instance.strip().replace('_', '')}`."
        replacement = _typed_replacement(instance, error.validator_value)
        yield Violation(
            f"`{where}` is {show(instance)} ({describe_type(instance)}); expected {expected}",
            fix,
            path=path,
            edits=(Edit(replacement),) if replacement is not None else (),
        )
        return

    if kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        guess = closest(instance, allowed)
        message = f"`{where}` is {show(instance)}; expected one of {', '.join(allowed)}"
        if guess:
            # Where to write it, and a key with its value (never a dotted path as a key).
            if path and isinstance(path[-1], int):
                fix = f"Did you mean '{guess}'? Change this item of `{format_yaml_path(tuple(path[:-1]))}` to `{guess}`."
            elif len(path) > 1:
                fix = f"Did you mean '{guess}'? Under `{format_yaml_path(tuple(path[:-1]))}`, set `{leaf}: {guess}`."
            else:
                fix = f"Did you mean '{guess}'? Change it to `{leaf}: {guess}`."
        else:
            fix = f"Use one of {', '.join(allowed)}."
        replacement = safe_replacement(instance, allowed) if guess else None
        yield Violation(message, fix, path=path,
                        edits=(Edit(replacement),) if replacement is not None else ())
        return

    if kind == "minimum":
        yield Violation(
            f"`{where}` is {show(instance)}; it must be at least {error.validator_value}",
            f"Set `{where}` to {error.validator_value} or more.",
            path=path,
        )
        return

    if kind == "minLength":
        yield Violation(
            f"`{where}` is empty",
            f"Give `{where}` a value, e.g. {_example(schema, leaf, root)}.",
            path=path,
        )
        return

    if kind == "const":
        yield Violation(
            f"`{where}` is {show(instance)}; expected {show(error.validator_value)}",
            f"Set `{where}` to {show_plain(error.validator_value)}.",
            path=path,
        )
        return

    yield Violation(f"`{where}`: {error.message}", f"Change `{where}` to match the plan format.", path=path)


def _homes(schema: dict, root: dict, prefix: tuple, out: dict, depth: int = 0) -> None:
    """Record, for every key of every mapping (not through lists), the paths where it is a property."""
    schema = _resolve(schema, root) if isinstance(schema, dict) else {}
    for name, sub in schema.get("properties", {}).items():
        out.setdefault(name, []).append(prefix + (name,))
        if depth < 8:
            _homes(sub, root, prefix + (name,), out, depth + 1)


@functools.lru_cache(maxsize=None)
def _key_homes(name: str = PLAN_SCHEMA) -> dict:
    out: dict[str, list[tuple]] = {}
    _homes(load_schema(name), load_schema(name), (), out)
    return {key: sorted(set(paths)) for key, paths in out.items()}


def misplaced_home(key: str, path: tuple, root: dict) -> tuple | None:
    """Where an unknown key at ``path`` belongs, if the schema has exactly one place
    for it: below ``path`` first (`fine_tuning.held_out` -> `fine_tuning.evaluation.held_out`),
    then anywhere in the plan (`rag.multi_tenant` -> `use_case.multi_tenant`). Paths
    inside lists are not proposed (which entry would it be?)."""
    if not isinstance(key, str) or any(isinstance(part, int) for part in path):
        return None
    anywhere = _key_homes(PLAN_SCHEMA).get(key, []) if root is load_schema(PLAN_SCHEMA) else []
    below = [home for home in anywhere if home[:len(path)] == path]
    if len(below) == 1:
        return below[0]
    if below:
        return None
    return anywhere[0] if len(anywhere) == 1 else None


# --------------------------------------------------------------------------
# Safe fixes (`aiplan lint --fix`): only where the intent is unambiguous.


def _safe_renames(instance: dict, known: list[str]) -> dict[str, str]:
    """Unknown key -> the known key to rename it to, where that is safe: one
    unambiguous candidate, not already present, and wanted by no other unknown
    key of the same mapping (either rename would make a duplicate key)."""
    wanted: dict[str, list[str]] = {}
    for key in instance:
        if key in known:
            continue
        target = safe_replacement(key, known)
        if target is not None and target not in instance:
            wanted.setdefault(target, []).append(key)
    return {keys[0]: target for target, keys in wanted.items() if len(keys) == 1}


def _typed_replacement(instance: Any, expected: Any) -> Any:
    """The typed value a string clearly meant where the schema wants another
    type: a quoted decimal number (`"600"`) for an integer or number, a YAML 1.1
    boolean word (`yes`, `off`) for a boolean. ``None`` when there is none."""
    if not isinstance(instance, str):
        return None
    kinds = [expected] if isinstance(expected, str) else list(expected or ())
    if "boolean" in kinds and instance.lower() in _YAML11_BOOLEANS:
        return _YAML11_BOOLEANS[instance.lower()]
    # Decimal notation only: `"0x1F"` or `"1e3"` may not mean what YAML would make of them.
    match = _DECIMAL.fullmatch(instance)
    if match is None:
        return None
    if "integer" in kinds and not match.group(1):
        return int(instance)
    if "number" in kinds:
        return int(instance) if not match.group(1) else float(instance)
    return None


_DECIMAL = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")
