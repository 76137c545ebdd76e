"""The JSON Schemas aiplan ships (plan, configuration, policy pack) and how their errors are explained.

One loader (:func:`load`) and one ``$ref`` resolver (:func:`resolve`) serve
every schema; :mod:`aiplan.schemas.explain` is the one explainer of
JSON-Schema errors, and :mod:`aiplan.schemas.validate` validates plans.
"""

from __future__ import annotations

import functools
import os
from typing import Any

PLAN_SCHEMA = "plan.schema.json"
CONFIG_SCHEMA = "config.schema.json"
PACK_SCHEMA = "policy-pack.schema.json"


class NotJson(Exception):
    """The instance holds a value of a type outside JSON's: let jsonschema decide."""


# Python type -> JSON kind, as the generated checks (plan_checks, config_checks) number them.
# Exact types only: subclasses are not JSON values here.
_KINDS = {dict: 0, list: 1, str: 2, int: 3, float: 4, bool: 5, type(None): 6}


def json_kind(value: Any) -> int:
    """``value``'s JSON kind (0 object, 1 array, 2 string, 3 integer, 4 number (not
    integer), 5 boolean, 6 null); :class:`NotJson` for a value of any other type."""
    kind = _KINDS.get(type(value))
    if kind is None:
        raise NotJson
    return kind


# JSON's equality and uniqueness, as jsonschema decides them: the generated checks'
# `uniqueItems`/`enum`/`const` (here, so a configuration check does not import aiplan.schemas.fast).
def _unbool(value: Any, true=object(), false=object()) -> Any:
    if value is True:
        return true
    if value is False:
        return false
    return value


def json_equal(one: Any, two: Any) -> bool:
    """jsonschema's ``equal`` for JSON values: ``True`` is not ``1``, ``1.0`` is ``1``."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(k in two and json_equal(v, two[k]) for k, v in one.items())
    return _unbool(one) == _unbool(two)


def unique_items(values: list) -> bool:
    """jsonschema's ``uniq``, step for step (its sort, then pairwise when the values do not
    sort), so that the rare list on which that shortcut misses a repeat gets its verdict too."""
    if all(type(value) is str for value in values):  # the usual list: the sort would find any repeat
        return len(set(values)) == len(values)
    try:
        ordered = sorted(_unbool(value) for value in values)
        for one, two in zip(ordered, ordered[1:]):
            if json_equal(one, two):
                return False
    except (NotImplementedError, TypeError):
        seen: list = []
        for value in values:
            value = _unbool(value)
            if any(json_equal(earlier, value) for earlier in seen):
                return False
            seen.append(value)
    return True


def source(name: str = PLAN_SCHEMA) -> str:
    """The text of a schema shipped in ``aiplan/schemas``, as shipped."""
    # Read beside the package first: importlib.resources costs ~7 ms to import,
    # a tenth of a pre-commit run. It remains the way in from a zip archive.
    try:
        with open(os.path.join(os.path.dirname(__file__), name), "rb") as handle:
            return handle.read().decode("utf-8")
    except OSError:
        from importlib import resources  # ~8 ms: only when the schema is not a plain file (zip installs)

        return resources.files("aiplan.schemas").joinpath(name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def load(name: str = PLAN_SCHEMA) -> dict:
    """A schema shipped in ``aiplan/schemas``, parsed (cached: it never changes in a run)."""
    import json  # start-up: json (about 5 M instructions) only with a schema to read

    return json.loads(source(name))


def follow(root: Any, pointer: str) -> Any:
    """The node a JSON pointer (``/$defs/email``, ``~0``/``~1`` escaped) names in
    ``root``; :class:`LookupError` if there is none."""
    node = root
    for raw in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise LookupError(pointer)
    return node


def resolve(schema: Any, root: dict, _depth: int = 0) -> dict:
    """``schema`` with its local ``$ref`` (``#/...``) merged in, the referring
    node's own keywords (title, description) winning; ``{}`` for what is not a
    schema object, and a reference that leads nowhere resolves to nothing."""
    if not isinstance(schema, dict):
        return {}
    ref = schema.get("$ref")
    if not (isinstance(ref, str) and ref.startswith("#")):
        return schema
    try:
        target = follow(root, ref[1:])
    except LookupError:
        target = {}
    # A chain of references that loops (a user's pack schema may) ends here.
    merged = dict(resolve(target, root, _depth + 1)) if _depth < 32 else {}
    merged.update({key: value for key, value in schema.items() if key != "$ref"})
    return merged
