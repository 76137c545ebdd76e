"""How a policy-pack rule checks a plan: two JSON Schemas, no code.

A :class:`PackCheck` is the ``check`` of a pack rule. It is an ordinary object
(not a closure), so rules built from packs pickle: the parallel runner can send
them to worker processes. The compiled validators are rebuilt on demand and
never pickled.

Each schema is evaluated by the fast validator (:mod:`aiplan.schemas.fast`)
when it uses only the keywords that validator implements, as most packs' do
(``type``, ``enum``, ``const``, ``properties``, ``required``, ``pattern``,
``contains``, ...): it lists the errors jsonschema would list, in its order
(``tests/unit/policy/test_pack_differential.py`` compares them over every pack
of the tests and examples, seeded mutations and hypothesis cases), without
importing jsonschema (about 245 M instructions, most of a pre-commit run). Any
other keyword (``format``, ``anyOf``, ``if``...), and a plan value outside
JSON's types, is evaluated by jsonschema, the validator of record.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from aiplan.core.findings import Violation, format_yaml_path
from aiplan.core.notation import kind, quoted
from aiplan.schemas.fast import interpret_errors

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


class SchemaCheck:
    """One ``when`` or ``require`` schema: its errors for an instance, as jsonschema
    (draft 2020-12, formats asserted) lists them."""

    __slots__ = ("schema", "_fast", "_reference")

    def __init__(self, schema: Any):
        self.schema = schema
        self._reference: Any = None   # jsonschema's validator, made on first need
        try:
            self._fast = interpret_errors(schema)
        except Exception:  # the fast path only saves time: what it cannot compile, jsonschema evaluates
            self._fast = None

    @property
    def fast(self) -> bool:
        """Whether the fast validator evaluates this schema (for instances of JSON's types)."""
        return self._fast is not None

    def errors(self, instance: Any) -> tuple | list:
        if self._fast is not None:
            found = self._fast(instance)
            if found is not None:
                return found
        return list(self._reference_validator().iter_errors(instance))

    def is_valid(self, instance: Any) -> bool:
        """Whether ``instance`` has no error (for ``when``): stops at the first one."""
        if self._fast is not None:
            found = self._fast(instance, first=True)
            if found is not None:
                return not found
        return self._reference_validator().is_valid(instance)

    def _reference_validator(self) -> Any:
        if self._reference is None:
            from jsonschema import Draft202012Validator  # heavy (~245 M instructions): only for what the fast path lacks

            self._reference = Draft202012Validator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        return self._reference


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
            when = SchemaCheck(self.when) if self.when is not None else None
            self._compiled = (when, SchemaCheck(self.require))
        return self._compiled

    def __call__(self, plan, options) -> Iterator[Violation]:
        when, require = self.validators()
        data = plan.data
        if when is not None and not when.is_valid(data):
            return
        name = data.get("name") if isinstance(data, dict) else None
        errors = require.errors(data)
        if not errors:
            return
        from aiplan.schemas.explain import POLICY_VOICE, explain  # start-up: only a plan that breaks the policy

        for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
            for problem in explain(error, self.require, POLICY_VOICE):
                path = problem.path
                yield self._violation(path, problem.message, plan.get(*path) if path else data, name)

    def _violation(self, path: tuple, detail: str, value: Any, name: Any) -> Violation:
        values = {
            "path": format_yaml_path(path) or "the plan",
            # The whole plan is not a value to quote: say what it is (`the plan is a mapping`).
            "value": quoted(value) if path else kind(value),
            "detail": detail,
            "name": str(name) if name is not None else "this plan",
        }
        message, fix = self.message, self.fix
        if not path:   # `the plan` is not a key: no code quotes around it
            message, fix = message.replace("`{path}`", "{path}"), fix.replace("`{path}`", "{path}")
        rendered = render(message, values)
        if not uses_position(message):
            rendered = f"{rendered}: {detail}"
        return Violation(rendered, render(fix, values), path=path)
