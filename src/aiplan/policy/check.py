"""How a policy-pack rule checks a plan: two JSON Schemas, no code.

A :class:`PackCheck` is the ``check`` of a pack rule. It is an ordinary object
(not a closure), so rules built from packs pickle: the parallel runner can send
them to worker processes. The compiled validators are rebuilt on demand and
never pickled.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from aiplan.core.findings import Violation, format_yaml_path
from aiplan.schemas.validate import describe_type, show

PLACEHOLDERS = ("path", "value", "detail", "name")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def placeholder_problems(template: str) -> list[str]:
    """Names in ``{...}`` that are not placeholders, and stray braces."""
    problems = []
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        if name is not None and name not in PLACEHOLDERS:
            problems.append(name)
    stripped = _PLACEHOLDER.sub("", template)
    if "{" in stripped or "}" in stripped:
        problems.append("an unmatched brace (write {{ or }} for a literal one)")
    return problems


def render(template: str, values: dict[str, str]) -> str:
    """Substitute placeholders; a deliberately tiny language (no attribute access, no code)."""
    def substitute(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values.get(match.group(1), token)

    return _PLACEHOLDER.sub(substitute, template)


def uses_position(template: str) -> bool:
    return any(m.group(1) in ("path", "value", "detail") for m in _PLACEHOLDER.finditer(template))


def _validator(schema: Any):
    from jsonschema import Draft202012Validator  # heavy (~40 ms): only when a pack rule runs

    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


class PackCheck:
    """The check of one pack rule: if the plan matches ``when``, report where it breaks ``require``."""

    __slots__ = ("rule_id", "when", "require", "message", "fix", "_compiled")

    def __init__(self, rule_id: str, when: Any, require: Any, message: str, fix: str):
        self.rule_id = rule_id
        self.when = when
        self.require = require
        self.message = message
        self.fix = fix
        self._compiled = None

    def __getstate__(self):
        return {"rule_id": self.rule_id, "when": self.when, "require": self.require,
                "message": self.message, "fix": self.fix}

    def __setstate__(self, state):
        for key, value in state.items():
            setattr(self, key, value)
        self._compiled = None

    def __eq__(self, other):
        return isinstance(other, PackCheck) and self.__getstate__() == other.__getstate__()

    def __hash__(self):
        return hash((self.rule_id, self.message, self.fix))

    def __repr__(self):
        return f"PackCheck({self.rule_id!r})"

    def validators(self):
        if self._compiled is None:
            when = _validator(self.when) if self.when is not None else None
            self._compiled = (when, _validator(self.require))
        return self._compiled

    def __call__(self, plan, options) -> Iterator[Violation]:
        when, require = self.validators()
        data = plan.data
        if when is not None and not when.is_valid(data):
            return
        name = data.get("name") if isinstance(data, dict) else None
        errors = sorted(require.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
        for error in errors:
            for path, detail in describe(error):
                yield self._violation(tuple(path), detail, plan.get(*path) if path else data, name)

    def _violation(self, path: tuple, detail: str, value: Any, name: Any) -> Violation:
        values = {
            "path": format_yaml_path(path) or "the plan",
            "value": show(value) if path else "the plan",
            "detail": detail,
            "name": str(name) if name is not None else "this plan",
        }
        message = render(self.message, values)
        if not uses_position(self.message):
            message = f"{message}: {detail}"
        return Violation(message, render(self.fix, values), path=path)


_TYPES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
          "object": "a mapping", "array": "a list", "null": "null"}


def _where(path) -> str:
    return f"`{format_yaml_path(path)}`" if path else "the plan"


def _describe_subschema(schema: Any) -> str:
    if isinstance(schema, dict):
        if "const" in schema:
            return show(schema["const"])
        if "enum" in schema:
            return "one of " + ", ".join(show(v) for v in schema["enum"])
        if "pattern" in schema:
            return f"an item matching {schema['pattern']}"
    return "an item the policy requires"


def describe(error) -> Iterator[tuple[list, str]]:
    """The node (as a YAML path) and the words for one JSON Schema error."""
    path = list(error.absolute_path)
    where = _where(path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    if kind == "required" and isinstance(instance, dict):
        for key in value:
            if key not in instance:
                yield path + [key], f"{_where(path + [key])} is missing"
        return
    if kind == "dependentRequired" and isinstance(instance, dict):
        for trigger, needed in value.items():
            if trigger in instance:
                for key in needed:
                    if key not in instance:
                        yield path + [key], f"{_where(path + [trigger])} is set but {_where(path + [key])} is missing"
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = set((error.schema or {}).get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield path + [key], f"{_where(path + [key])} is not allowed by the policy"
        return
    if kind == "const":
        text = f"{where} is {show(instance)}; the policy requires {show(value)}"
    elif kind == "enum":
        text = f"{where} is {show(instance)}; the policy allows {', '.join(show(v) for v in value)}"
    elif kind == "type":
        wanted = " or ".join(_TYPES.get(t, t) for t in ([value] if isinstance(value, str) else value))
        text = f"{where} is {show(instance)} ({describe_type(instance)}); the policy requires {wanted}"
    elif kind == "pattern":
        text = f"{where} is {show(instance)}, which does not match {value}"
    elif kind == "format":
        text = f"{where} is {show(instance)}, not a valid {value}"
    elif kind == "contains":
        text = f"{where} does not include {_describe_subschema(value)}"
    elif kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "more than",
                 "maximum": "at most", "exclusiveMaximum": "less than"}[kind]
        text = f"{where} is {show(instance)}; the policy requires {words} {value}"
    elif kind in ("minItems", "maxItems", "minLength", "maxLength"):
        count = len(instance) if isinstance(instance, (list, str)) else "?"
        unit = "items" if kind.endswith("Items") else "characters"
        words = "at least" if kind.startswith("min") else "at most"
        text = f"{where} has {count} {unit}; the policy requires {words} {value}"
    elif kind == "not":
        text = f"{where} is {show(instance)}, which the policy forbids"
    elif kind in ("anyOf", "oneOf"):
        text = f"{where} matches none of the alternatives the policy allows"
    elif kind is None:   # the `false` schema
        text = f"{where} is not allowed by the policy"
    else:
        text = f"{where}: {error.message}"
    yield path, text
