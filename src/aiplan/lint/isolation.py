"""Calling a rule as untrusted code: whatever it does, the run goes on.

The engine calls :func:`collect` (within the rule's time budget, and
:func:`exit_refused`) or :func:`call_check`, and
:func:`violation_problem` on each result; any failure becomes an
``InternalError`` that names the plugin and the rule (exit 3), never a crash of
the run and never a finding at a nonsense location.
"""

from __future__ import annotations

import os
from collections.abc import Mapping  # not typing.Mapping: isinstance() on it is ~10x slower, per rule call
from contextlib import contextmanager
from itertools import islice
from types import GeneratorType
from typing import Any, Iterator, NoReturn

from aiplan.core import records
from aiplan.core.findings import Edit, RelatedLocation, Span, Violation

# Findings kept from one rule on one document. A huge hostile document (every
# key unknown) or a generator that never stops would otherwise fill memory and
# the report; past this, the rule's last finding says its list was cut.
MAX_VIOLATIONS = 10_000


class RuleMisbehaved(Exception):
    """The rule returned something that is not a stream of violations."""


class ProcessExit(BaseException):
    """Raised instead of ending the process when a rule calls ``os._exit``."""

    def __init__(self, code: Any) -> None:
        super().__init__(code)
        self.code = code


def _refuse_exit(status: Any = 0) -> NoReturn:
    raise ProcessExit(status)


def call_check(item: Any, plan: Any, options: Mapping[str, Any]) -> list:
    """The violations of one rule call (:func:`collect`), with ``os._exit`` refused meanwhile."""
    with exit_refused():
        return collect(item, plan, options)


@contextmanager
def exit_refused() -> Iterator[None]:
    """While the block runs, ``os._exit()`` raises :class:`ProcessExit` instead of ending
    the process without a report (exit 0): a rule that calls it is reported like any
    failing rule. The engine holds it around a document's rule calls, not each call."""
    exit_process = os._exit
    os._exit = _refuse_exit
    try:
        yield
    finally:
        os._exit = exit_process


def collect(item: Any, plan: Any, options: Mapping[str, Any]) -> list:
    """Call one rule's check and return its violations (at most ``MAX_VIOLATIONS`` and a
    note); :class:`RuleMisbehaved` if it returns something that is not a stream of them.
    (The engine's rule loop inlines this for a rule that is a generator: change both.)"""
    return capped(listed(item.check(plan, options)))


# What is listed of a rule's stream: one past MAX_VIOLATIONS says the list was cut (capped).
KEPT = MAX_VIOLATIONS + 1


def listed(produced: Any) -> list:
    """What a rule's check returned, listed (at most ``KEPT``); :class:`RuleMisbehaved` if
    it is not a stream of violations."""
    if produced is None:
        return []
    if type(produced) is not GeneratorType and (  # rules are generators: no ABC check for them
            isinstance(produced, (str, bytes, Mapping, Violation)) or not hasattr(produced, "__iter__")):
        raise RuleMisbehaved(f"returned {_show(produced)}, not an iterable of Violations")
    return list(islice(produced, KEPT))  # runs the rule (a generator)


def capped(violations: list) -> list:
    """``violations`` listed by :func:`listed`, cut to ``MAX_VIOLATIONS`` and a note past it."""
    if len(violations) > MAX_VIOLATIONS:
        violations[MAX_VIOLATIONS:] = [Violation(
            f"this rule found more than {MAX_VIOLATIONS:,} problems in this document; only the first "
            f"{MAX_VIOLATIONS:,} are reported",
            "Fix the problems reported above, then lint again to see the rest.",
        )]
    return violations


class PlanIsReadOnly(TypeError):
    """A plugin's rule tried to change the plan it was given."""


def _refuse_change(self, *args: Any, **kwargs: Any) -> None:
    raise PlanIsReadOnly("the plan is read-only: rules yield violations, they never change the plan")


class ReadOnlyDict(dict):
    """A mapping of a plan as a plugin's rule reads it: a ``dict`` for every read
    (``isinstance(node, dict)``, ``json.dumps``), but every change raises
    :class:`PlanIsReadOnly`. ``copy.deepcopy``, ``dict(node)`` and ``node.copy()``
    give a plain, changeable ``dict`` for a rule that wants its own."""

    __slots__ = ()
    # One refusing function for every mutator, whatever its signature.
    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse_change  # type: ignore[assignment]

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        import copy  # only for a plugin's rule that copies the plan

        return {key: copy.deepcopy(value, memo) for key, value in self.items()}

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return dict, (dict(self),)


class ReadOnlyList(list):
    """A sequence of a plan as a plugin's rule reads it: a ``list`` for every read,
    but every change raises :class:`PlanIsReadOnly` (see :class:`ReadOnlyDict`)."""

    __slots__ = ()
    # One refusing function for every mutator, whatever its signature.
    __iadd__ = __imul__ = _refuse_change  # type: ignore[assignment]
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = reverse = sort = _refuse_change

    def __copy__(self) -> list:
        return list(self)

    def __deepcopy__(self, memo: dict) -> list:
        import copy  # only for a plugin's rule that copies the plan

        return [copy.deepcopy(value, memo) for value in self]

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return list, (list(self),)


def read_only_data(data: Any) -> Any:
    """A read-only copy of a plan's data for one third-party rule.

    A change raises at the rule's own line (the rule is reported, exit 3), and
    even a rule that gets round that (``dict.__setitem__``) changes only its
    copy: later rules see the plan as written. Plan data is JSON-like (dicts,
    lists, immutable scalars): only the containers are copied, and nodes the
    YAML shares through aliases stay shared. Paid only for plugin rules;
    aiplan's own rules and policy packs read the plan itself."""
    copies: dict[int, Any] = {}

    def copy(node: Any) -> Any:
        done = copies.get(id(node))
        if done is not None:
            return done
        if type(node) is dict or type(node) is ReadOnlyDict:
            done = ReadOnlyDict([(key, copy(value) if type(value) in _CONTAINERS else value)
                                 for key, value in node.items()])
        else:
            done = ReadOnlyList([copy(value) if type(value) in _CONTAINERS else value for value in node])
        copies[id(node)] = done
        return done

    return copy(data) if type(data) in _CONTAINERS else data


_CONTAINERS = frozenset((dict, list, ReadOnlyDict, ReadOnlyList))


def describe_failure(exc: BaseException) -> str:
    """What went wrong, and where in the rule's own code."""
    if isinstance(exc, RuleMisbehaved):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "raised RecursionError: the plan is nested too deeply for this rule"
    if isinstance(exc, ProcessExit):
        return f"called os._exit({_text(exc.code, repr)}); a rule must yield violations, not end the process"
    if isinstance(exc, SystemExit):
        return f"called sys.exit({_text(exc.code, repr)}); a rule must yield violations, not end the run"
    import traceback  # only when a rule fails: not worth its import on every run

    # The rule's own line: not this module's (a change refused) nor a frozen record's
    # (aiplan.core.records) or dataclass's (generated code) refusing an assignment.
    frames = [frame for frame in (traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else [])
              if frame.filename not in (__file__, records.__file__) and not frame.filename.startswith("<")]
    frame = frames[-1] if frames else None
    where = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
    return f"raised {type(exc).__name__}: {_text(exc)}{where}"


def violation_problem(violation: Any) -> str | None:
    """Why ``violation`` cannot become a finding, or ``None`` if it can."""
    if not isinstance(violation, Violation):
        return f"yielded {_show(violation)}, not a Violation"
    for name in ("message", "fix"):
        value = getattr(violation, name)
        if not isinstance(value, str):
            return f"yielded a Violation whose {name} is {_show(value)}, not a string"
    path = violation.path
    if not isinstance(path, (tuple, list)) or not all(
        isinstance(part, (str, int)) and not isinstance(part, bool) for part in path
    ):
        return f"yielded a Violation whose path is {_show(path)}, not a tuple of keys and list indexes"
    if violation.at not in ("value", "key", "section"):
        return f"yielded a Violation with at={_text(violation.at, repr)}; expected 'value', 'key' or 'section'"
    span = violation.span
    if span is not None and not (
        isinstance(span, Span)
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1
                for n in (span.line, span.column, span.end_line, span.end_column))
    ):
        return f"yielded a Violation whose span is {_show(span)}, not a Span of 1-based positions"
    edits = violation.edits
    if edits and not (isinstance(edits, (tuple, list)) and all(isinstance(e, Edit) for e in edits)):
        return f"yielded a Violation whose edits are {_show(edits)}, not a tuple of Edit"
    related = violation.related
    if related and not (isinstance(related, (tuple, list)) and all(
            isinstance(r, RelatedLocation) and isinstance(r.path, str) and isinstance(r.message, str)
            and isinstance(r.line, int) and not isinstance(r.line, bool) and r.line >= 1 for r in related)):
        return f"yielded a Violation whose related locations are {_show(related)}, not a tuple of RelatedLocation"
    superseding = violation.superseded_by
    if superseding and not (isinstance(superseding, (tuple, list)) and all(isinstance(r, str) for r in superseding)):
        return f"yielded a Violation whose superseded_by is {_show(superseding)}, not a tuple of rule IDs"
    return None


def _show(value: Any) -> str:
    return f"{type(value).__name__} {_text(value, repr)}"


def _text(value: Any, render=str) -> str:
    """At most 80 characters of ``render(value)``, even if rendering fails."""
    try:
        text = render(value)
    except Exception as exc:  # a plugin's __str__/__repr__ can raise too
        text = f"<unprintable: {type(exc).__name__}>"
    return text if len(text) <= 80 else text[:79] + "…"
