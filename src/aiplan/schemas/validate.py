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
from aiplan.schemas.explain import explain
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


def validate(data: Any, schema_name: str = PLAN_SCHEMA, skip: frozenset = frozenset()) -> Iterator[Violation]:
    """Every schema violation of ``data``, one :class:`Violation` per problem.

    ``skip`` holds top-level keys whose problems another rule reports.
    """
    known_valid = _known_valid(schema_name)
    if known_valid is not None and known_valid(data):
        return
    root = load(schema_name)
    for error in validator(schema_name).iter_errors(data):
        path = tuple(error.absolute_path)
        if path and path[0] in skip:
            continue
        yield from explain(error, root)
