"""Validate a plan against the shipped JSON Schema (PLAN002).

The compiled fast validator (:mod:`aiplan.schemas.fast`) lists the errors of a
plan (:func:`schema_errors`; the engine keeps them on the plan for PLAN002 and
the repaired reading): for a valid plan, the usual case, its compiled checks
say so; for the others it lists what jsonschema, the validator of record, lists,
in jsonschema's order and words (a differential test pins it), without
importing jsonschema. :func:`aiplan.schemas.explain.explain` turns each error
into violations at the offending node, with a "did you mean" for misspelled
keys and values.

The configuration and policy-pack schemas' checks are committed too
(``config_checks``, ``pack_checks``), so a configuration file and a policy
pack's form are validated the same way (:mod:`aiplan.config.files`,
:mod:`aiplan.policy.pack`). jsonschema itself checks a pack rule's
``when``/``require`` against the draft 2020-12 meta-schema (once per pack
content: :mod:`aiplan.policy.pack`), evaluates those that use keywords the fast
validator lacks (:mod:`aiplan.policy.check`), and lists the errors of a plan or
configuration holding a value outside JSON's types (a TOML date).
"""

from __future__ import annotations

import functools
import math
from typing import Any, Iterator

from aiplan.core.findings import Violation
from aiplan.schemas import CONFIG_SCHEMA, PACK_SCHEMA, PLAN_SCHEMA, NotJson, load
from aiplan.schemas import plan_checks


def _committed_checks(name: str) -> dict | None:
    """The committed checks of a shipped schema (plan, configuration and policy pack; a test
    keeps them current), or ``None`` for a schema that has none."""
    if name == PLAN_SCHEMA:
        return plan_checks.CHECKS
    if name == CONFIG_SCHEMA:
        from aiplan.schemas import config_checks  # start-up: only a run that reads a configuration file

        return config_checks.CHECKS
    if name == PACK_SCHEMA:
        from aiplan.schemas import pack_checks  # start-up: only a run that reads a policy pack

        return pack_checks.CHECKS
    return None


@functools.lru_cache(maxsize=None)
def _fast_errors(name: str = PLAN_SCHEMA):
    """The fast validator's error lister for a shipped schema, or ``None`` if it cannot compile it.
    The committed checks' schema JSON is loaded only to list the errors of an instance they doubt."""
    from aiplan.schemas.fast import compile_errors, errors_lister  # start-up: only an instance the checks doubt

    checks = _committed_checks(name)
    return compile_errors(load(name)) if checks is None else errors_lister(checks, lambda: load(name))


@functools.lru_cache(maxsize=None)
def validator(name: str = PLAN_SCHEMA):
    """The jsonschema validator of a shipped schema (built once a run)."""
    from jsonschema import Draft202012Validator  # heavy (~40 ms): only for what the fast validator cannot list

    return Draft202012Validator(load(name))


@functools.lru_cache(maxsize=None)
def plan_validator():
    """The validator of record for plans: jsonschema, with `.nan` and `.inf` not of type `number`."""
    from jsonschema import Draft202012Validator, validators  # heavy (~40 ms): only for a plan holding one

    checker = Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number)
    return validators.extend(Draft202012Validator, type_checker=checker)(load(PLAN_SCHEMA))


def _finite_number(checker, instance: Any) -> bool:
    """jsonschema's `number`, NaN and the infinities left out."""
    return (isinstance(instance, (int, float)) and not isinstance(instance, bool)
            and (isinstance(instance, int) or math.isfinite(instance)))


def holds_non_finite(value: Any) -> bool:
    """Whether a plan holds `.nan`, `.inf` or `-.inf` anywhere. Each mapping and list is
    looked at once: YAML aliases share them (a document of 59,049 nodes through aliases)."""
    stack, seen = [value], set()
    while stack:
        node = stack.pop()
        if isinstance(node, float):
            if node - node != 0.0:  # nan - nan and inf - inf are nan
                return True
        elif isinstance(node, (dict, list)) and id(node) not in seen:
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return False


def schema_errors(data: Any, schema_name: str = PLAN_SCHEMA, non_finite: bool | None = None) -> tuple:
    """The errors jsonschema lists for ``data``, in its order; ``()`` when it is valid.

    A plan's numbers are JSON numbers, which are finite: where the schema asks for a
    `number` or an `integer` (a count, a duration, a rate, a target), `.nan` and `.inf`
    are the wrong type. JSON Schema cannot say so (every comparison with NaN is false),
    so a plan holding one is listed by a validator whose `number` leaves them out.
    ``non_finite``: whether ``data`` holds one, when the caller knows (the loader notes
    it: :attr:`aiplan.core.plan.Plan.non_finite`); ``None``: ``data`` is searched."""
    if schema_name == PLAN_SCHEMA and (holds_non_finite(data) if non_finite is None else non_finite):
        return tuple(plan_validator().iter_errors(data))
    checks = _committed_checks(schema_name)
    if checks is not None:
        try:
            if checks[""](data):  # most instances are valid: their check needs nothing more
                return ()
        except (NotJson, RecursionError):
            pass
    fast = _fast_errors(schema_name)
    errors = fast(data, doubted=checks is not None) if fast is not None else None
    return errors if errors is not None else tuple(validator(schema_name).iter_errors(data))


def validate(data: Any, schema_name: str = PLAN_SCHEMA, skip: frozenset = frozenset(),
             placeholder=None, errors: tuple | None = None) -> Iterator[Violation]:
    """Every schema violation of ``data``, one :class:`Violation` per problem.

    ``skip`` holds top-level keys whose problems another rule reports.
    ``placeholder(path)`` says whether the value at ``path`` is placeholder text
    (`TBD`, `none`): ``None`` if it is not, else the IDs of the rules that ask for
    that value when it is missing. Written where a number, a boolean, a mapping or
    a list belongs, a placeholder is a value not given yet, not a wrong type: it is
    worded as a placeholder, and superseded by those rules (the one finding is
    theirs, with their hint, wherever one of them is reported). ``errors`` are
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
        yield from explain(error, root, placeholder=_placeholder_owners(error, path, placeholder))


def _placeholder_owners(error, path: tuple, placeholder) -> tuple[str, ...] | None:
    """For a type error whose value is placeholder text, the rules that own that value
    (maybe none); ``None`` for any other error."""
    if placeholder is None or error.validator != "type" or not isinstance(error.instance, str):
        return None
    return placeholder(path)
