"""The plan as the policy rules read it: schema mistakes with one reading repaired.

A misspelled key (`evidance`), a misplaced one (`held_out` directly under
`fine_tuning`), a YAML 1.1 boolean (`present: yes`), a quoted number
(`size: "600"`) or an enumeration alias (`approach: finetuning`) is one
mistake, and PLAN002 reports it. The other rules must not report it a second
time as a missing key or an unstated gap, so they read the plan with those
mistakes repaired the way `--fix` would (and misplaced keys moved where they
belong). Findings on a repaired node still point at the line the author wrote.

Values the schema rejects without one clear reading stay as written: rules see
them as unknown values of the wrong type, never as absent keys.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Iterator

from aiplan.core.findings import Span, YamlPath
from aiplan.core.plan import Plan
from aiplan.schemas import PLAN_SCHEMA, load
from aiplan.schemas.validate import holds_non_finite, schema_errors

# Repairs can uncover more (a renamed mapping's own misspelled keys): a few rounds at most.
_ROUNDS = 3
# A document with more schema errors than this is not a plan with a few slips.
_MAX_ERRORS = 200


class RelocatedSpans(Mapping):
    """The spans of a repaired plan: a node moved or renamed from ``old`` to ``new``
    is found at its original position."""

    def __init__(self, base, relocations: list[tuple[YamlPath, YamlPath]]):
        self._base = base
        self._relocations = relocations     # (new prefix, old prefix), in the order applied

    def _original(self, path: YamlPath) -> YamlPath:
        path = tuple(path)
        for new, old in reversed(self._relocations):
            if path[:len(new)] == new:
                path = old + path[len(new):]
        return path

    def __getitem__(self, path: YamlPath) -> Span:
        return self._base[self._original(path)]

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self._original(path) in self._base

    def __iter__(self) -> Iterator[YamlPath]:
        return iter(self._base)  # the original paths: enough for what iterates spans

    def __len__(self) -> int:
        return len(self._base)


def _node(data: Any, path: YamlPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _exists(data: Any, path: YamlPath) -> bool:
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or not -len(data) <= part < len(data):
                return False
        elif not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def _container(data: Any, path: YamlPath) -> dict | None:
    """The mapping at ``path``, creating missing mappings on the way; ``None`` if
    something other than a mapping is in the way."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(data, list) or not -len(data) <= part < len(data):
                return None
            data = data[part]
            continue
        if not isinstance(data, dict):
            return None
        if part not in data:
            data[part] = {}
        data = data[part]
    return data if isinstance(data, dict) else None


def _copied(value: Any, memo: dict) -> Any:
    """``copy.deepcopy(value)`` for a plan's data, without its dispatch and memo for every
    scalar: each mapping and list made anew, once however many YAML aliases share it, and a
    string, number, boolean or null kept as it is; anything else deep-copied."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return value if kind in _SCALARS else copy.deepcopy(value, memo)
    copied = memo.get(id(value))
    if copied is None:
        if kind is dict:
            copied = memo[id(value)] = {}
            for key, item in value.items():
                copied[key] = item if type(item) in _SCALARS else _copied(item, memo)
        else:
            copied = memo[id(value)] = []
            for item in value:
                copied.append(item if type(item) in _SCALARS else _copied(item, memo))
    return copied


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _repairs(errors: tuple) -> list[tuple[str, YamlPath, Any]]:
    """``(kind, path, new)``: ``value`` (new value), ``rename`` (new key) or ``move`` (new path),
    for the schema ``errors`` of a document."""
    if not errors:  # a valid plan (the usual case): no need to import the explainer
        return []
    from aiplan.schemas.explain import explain, misplaced_home, safe_renames  # start-up: invalid plans only

    root = load(PLAN_SCHEMA)
    out: list[tuple[str, YamlPath, Any]] = []
    for count, error in enumerate(errors):
        if count >= _MAX_ERRORS:
            return []  # not a plan with a few slips: read it as written
        path = tuple(error.absolute_path)
        if path and path[0] == "aiplan":
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            if len(error.instance) > _MAX_ERRORS:
                return []
            schema = error.schema if isinstance(error.schema, dict) else {}
            known = list(schema.get("properties", {}))
            renames = safe_renames(error.instance, known)
            for key in error.instance:
                if key in known:
                    continue
                if key in renames:
                    out.append(("rename", path + (key,), renames[key]))
                else:
                    home = misplaced_home(key, path, root)
                    if home is not None:
                        out.append(("move", path + (key,), home))
            continue
        if error.validator in ("type", "enum"):
            for violation in explain(error, root):
                for edit in violation.edits:
                    if edit.at == "value" and edit.path is None:
                        out.append(("value", tuple(violation.path), edit.value))
    return out


def read_as_repaired(plan: Plan) -> Plan:
    """``plan`` with its unambiguous schema mistakes repaired, for the policy rules;
    ``plan`` itself when there is nothing to repair (the usual case, decided fast).
    The plan's ``schema_errors``, when the engine listed them, are not listed again."""
    if not isinstance(plan.data, dict):
        return plan
    errors = plan.schema_errors
    if errors is None:
        errors = schema_errors(plan.data, non_finite=plan.non_finite)
    data = None
    # Whether the repaired data holds `.nan` or `.inf` (schema_errors' question): what the plan
    # held, or a repaired value (a quoted number too long for a float is `inf`); None: not known.
    non_finite = plan.non_finite
    relocations: list[tuple[YamlPath, YamlPath]] = []
    for _ in range(_ROUNDS):
        if data is not None:
            errors = schema_errors(data, non_finite=non_finite)
        repairs = _repairs(errors)
        if not repairs:
            break
        if data is None:
            data = _copied(plan.data, {})
        applied = False
        # Values first: their paths are those of the current structure.
        for kind, path, new in sorted(repairs, key=lambda r: r[0] != "value"):
            if not _exists(data, path):
                continue
            if kind == "value":
                parent = _node(data, path[:-1])
                parent[path[-1]] = new
                applied = True
                if non_finite is False and holds_non_finite(new):
                    non_finite = True
                continue
            target = path[:-1] + (new,) if kind == "rename" else tuple(new)
            if _exists(data, target):
                continue  # the right key is already there: keep what it says
            container = _container(data, target[:-1])
            if container is None:
                continue  # a value of another type where the key belongs: nowhere to put it
            container[target[-1]] = _node(data, path[:-1]).pop(path[-1])
            relocations.append((target, path))
            applied = True
        if not applied:
            break
    if data is None:
        return plan
    return replace(plan, data=data, written=plan.data, value_spans=RelocatedSpans(plan.value_spans, relocations),
                   key_spans=RelocatedSpans(plan.key_spans, relocations), schema_errors=None)
