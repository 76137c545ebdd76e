"""Validate a plan against the shipped JSON Schema (PLAN002).

Most plans are valid, and the compiled fast validator (:mod:`aiplan.schemas.fast`)
says so without importing jsonschema; for the others jsonschema, the validator
of record, lists the errors once (:func:`schema_errors`; the engine keeps them on
the plan for PLAN002 and the repaired reading), and
:func:`aiplan.schemas.explain.explain` turns each into violations at the
offending node, with a "did you mean" for misspelled keys and values.

jsonschema walks the whole document to list the errors of one node (about a
millisecond a plan), so it is pruned: at every ``properties`` and ``items`` it
skips the values the fast validator finds certainly valid under their
subschema. Those values hold no error, so the list is the same, in the same
order (a differential test pins it).
"""

from __future__ import annotations

import functools
from typing import Any, Iterator

from aiplan.core.findings import Violation
from aiplan.schemas import PLAN_SCHEMA, load
from aiplan.schemas.fast import compile_schema, compile_subschemas


@functools.lru_cache(maxsize=None)
def _known_valid(name: str = PLAN_SCHEMA):
    """The fast path's verdict function for a schema, or ``None`` if it cannot compile it."""
    return compile_schema(load(name))


@functools.lru_cache(maxsize=None)
def _valid_under(name: str = PLAN_SCHEMA):
    """The fast validator of every subschema of a schema, or ``None`` (see compile_subschemas)."""
    return compile_subschemas(load(name))


@functools.lru_cache(maxsize=None)
def validator(name: str = PLAN_SCHEMA):
    """The jsonschema validator of a shipped schema (built once a run), pruned by
    the fast validator where it compiles the schema."""
    from jsonschema import Draft202012Validator  # heavy (~40 ms): only when the fast validator finds a problem

    valid_under = _valid_under(name)
    if valid_under is None:
        return Draft202012Validator(load(name))
    return _pruned(Draft202012Validator, valid_under)(load(name))


def _pruned(base, valid_under):
    """``base`` with ``properties`` and ``items`` (jsonschema's own, draft 2020-12)
    skipping the values ``valid_under`` finds certainly valid."""
    from jsonschema import validators  # with jsonschema itself (see validator)

    def properties(validator, properties, instance, schema):
        if not validator.is_type(instance, "object"):
            return
        for name, subschema in properties.items():
            if name in instance:
                value = instance[name]
                if not valid_under(subschema, value):
                    yield from validator.descend(value, subschema, path=name, schema_path=name)

    original_items = base.VALIDATORS["items"]

    def items(validator, items, instance, schema):
        if items is False or "prefixItems" in schema:
            yield from original_items(validator, items, instance, schema)
            return
        if not validator.is_type(instance, "array"):
            return
        for index, value in enumerate(instance):
            if not valid_under(items, value):
                yield from validator.descend(instance=value, schema=items, path=index)

    return validators.extend(base, {"properties": properties, "items": items})


def schema_errors(data: Any, schema_name: str = PLAN_SCHEMA) -> tuple:
    """jsonschema's errors for ``data``, in its order; ``()`` when the fast validator finds it valid."""
    known_valid = _known_valid(schema_name)
    if known_valid is not None and known_valid(data):
        return ()
    return tuple(validator(schema_name).iter_errors(data))


def is_valid(data: Any, schema_name: str = PLAN_SCHEMA) -> bool:
    """Whether ``data`` is valid, decided by the fast validator where it can."""
    known_valid = _known_valid(schema_name)
    if known_valid is not None:
        return known_valid(data)
    return validator(schema_name).is_valid(data)


def validate(data: Any, schema_name: str = PLAN_SCHEMA, skip: frozenset = frozenset(),
             placeholder=None, errors: tuple | None = None) -> Iterator[Violation]:
    """Every schema violation of ``data``, one :class:`Violation` per problem.

    ``skip`` holds top-level keys whose problems another rule reports.
    ``placeholder(path)`` says whether the value at ``path`` is placeholder text
    (`TBD`, `none`): written where a mapping or a list belongs, it is an absence,
    which the policy rules report (quoting it), not a wrong type. ``errors`` are
    :func:`schema_errors` of ``data`` when already listed.
    """
    if errors is None:
        errors = schema_errors(data, schema_name)
    if not errors:
        return
    from aiplan.schemas.explain import explain  # start-up: only a plan that may be invalid needs its wording

    root = load(schema_name)
    # One finding a node: a value of the wrong type is not also outside an enum or below a minimum.
    mistyped = {tuple(error.absolute_path) for error in errors if error.validator == "type"}
    for error in errors:
        path = tuple(error.absolute_path)
        if path and path[0] in skip:
            continue
        if error.validator != "type" and path in mistyped:
            continue
        if placeholder is not None and _placeholder_for_a_section(error, path, placeholder):
            continue
        yield from explain(error, root)


def _placeholder_for_a_section(error, path: tuple, placeholder) -> bool:
    """A type error whose value is placeholder text where a mapping or a list belongs."""
    if error.validator != "type" or not isinstance(error.instance, str):
        return False
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    return bool({"object", "array"} & set(expected)) and placeholder(path)
