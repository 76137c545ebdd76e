"""Validate a plan against the shipped JSON Schema (PLAN002).

Most plans are valid, and the compiled fast validator (:mod:`aiplan.schemas.fast`)
says so without importing jsonschema; for the others jsonschema, the validator
of record, lists the errors once (:func:`schema_errors`), and
:func:`aiplan.schemas.explain.explain` turns each into violations at the
offending node, with a "did you mean" for misspelled keys and values.
"""

from __future__ import annotations

import functools
from typing import Any, Iterator

from aiplan.core.findings import Violation
from aiplan.schemas import PLAN_SCHEMA, load
from aiplan.schemas.fast import compile_schema


@functools.lru_cache(maxsize=None)
def _known_valid(name: str = PLAN_SCHEMA):
    """The fast path's verdict function for a schema, or ``None`` if it cannot compile it."""
    return compile_schema(load(name))


@functools.lru_cache(maxsize=None)
def validator(name: str = PLAN_SCHEMA):
    """The jsonschema validator of a shipped schema (built once a run)."""
    from jsonschema import Draft202012Validator  # heavy (~40 ms): only when the fast validator finds a problem

    return Draft202012Validator(load(name))


def is_valid(data: Any, schema_name: str = PLAN_SCHEMA) -> bool:
    """Whether ``data`` is valid, decided by the fast validator where it can."""
    known_valid = _known_valid(schema_name)
    if known_valid is not None:
        return known_valid(data)
    return validator(schema_name).is_valid(data)


def validate(data: Any, schema_name: str = PLAN_SCHEMA, skip: frozenset = frozenset(),
             placeholder=None) -> Iterator[Violation]:
    """Every schema violation of ``data``, one :class:`Violation` per problem.

    ``skip`` holds top-level keys whose problems another rule reports.
    ``placeholder(path)`` says whether the value at ``path`` is placeholder text
    (`TBD`, `none`): written where a mapping or a list belongs, it is an absence,
    which the policy rules report (quoting it), not a wrong type.
    """
    known_valid = _known_valid(schema_name)
    if known_valid is not None and known_valid(data):
        return
    from aiplan.schemas.explain import explain  # start-up: only a plan that may be invalid needs its wording

    root = load(schema_name)
    for error in validator(schema_name).iter_errors(data):
        path = tuple(error.absolute_path)
        if path and path[0] in skip:
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
