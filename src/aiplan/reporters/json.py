"""``--format json``: one JSON document with a ``findings`` list (the output contract).

Written as it is produced (:func:`stream`): each finding is serialised when its
turn comes, so a report of 70,000 findings never exists as one object tree or
one string; the bytes are those of ``json.dumps(document, indent=2, ensure_ascii=True)``.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator

from aiplan import __version__
from aiplan.reporters import inert_json

_INDENT = 2


class Items:
    """A JSON array whose items are made while it is written (see :func:`chunks`)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Iterable[Any]]) -> None:
        self.make = make

    def __iter__(self) -> Iterator[Any]:
        return iter(self.make())


def _document(run) -> dict:
    findings = run.findings
    suppressed = run.suppressed
    document: dict[str, Any] = {
        "version": __version__,
        "findings": Items(lambda: (finding.to_dict() for finding in findings)),
        # Waived by inline suppressions: not failing, but visible with their reason.
        "suppressed": Items(lambda: (dict(finding.to_dict(), justification=finding.justification)
                                     for finding in suppressed)),
        "errors": [
            {"plugin": e.plugin, "rule": e.rule, "path": e.path, "message": e.message}
            for e in run.internal_errors
        ],
        "summary": {
            "files": len(run.files),
            "findings": len(findings),
            "by_severity": run.counts(),
            "suppressed": len(suppressed),
            "internal_errors": len(run.internal_errors),
            "fixed": getattr(run, "fixed", None) or 0,
            "fixable": sum(1 for finding in findings if finding.fix_available),
        },
    }
    baseline = getattr(run, "baseline", None)
    if baseline is not None:
        document["baseline"] = baseline.to_dict()
        document["summary"]["baselined"] = baseline.matched
    return document


def chunks(value: Any, level: int = 0) -> Iterator[str]:
    """``json.dumps(value, indent=2, ensure_ascii=True)`` in pieces, nested
    ``level`` deep: objects holding :class:`Items` are written key by key and
    those arrays item by item; anything else in one piece. A piece never ends
    inside a string, so each can be made inert on its own."""
    if isinstance(value, Items):
        inner = "\n" + " " * (_INDENT * (level + 1))
        separator = "[" + inner
        for item in value:
            yield separator + _encode(item, level + 1)
            separator = "," + inner
        yield "[]" if separator[0] == "[" else "\n" + " " * (_INDENT * level) + "]"
    elif isinstance(value, dict) and value and all(type(key) is str for key in value):
        inner = "\n" + " " * (_INDENT * (level + 1))
        separator = "{" + inner
        for key, item in value.items():
            yield separator + json.dumps(key) + ": "
            yield from chunks(item, level + 1)
            separator = "," + inner
        yield "\n" + " " * (_INDENT * level) + "}"
    else:
        yield _encode(value, level)


def _encode(value: Any, level: int) -> str:
    """One value as ``json.dumps(..., indent=2)`` writes it ``level`` deep.

    Containers are laid out here and only scalars go to :mod:`json` (its C
    encoder): the pure-Python encoder that ``indent`` selects makes reference
    cycles on every call, garbage that only the cyclic collector frees, so a
    report of many findings would pile it up between collections."""
    kind = type(value)
    if kind is dict and all(type(key) is str for key in value):
        if not value:
            return "{}"
        inner = "\n" + " " * (_INDENT * (level + 1))
        return ("{" + inner + ("," + inner).join(
            json.dumps(key) + ": " + _encode(item, level + 1) for key, item in value.items())
            + "\n" + " " * (_INDENT * level) + "}")
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = "\n" + " " * (_INDENT * (level + 1))
        return ("[" + inner + ("," + inner).join(_encode(item, level + 1) for item in value)
                + "\n" + " " * (_INDENT * level) + "]")
    if kind is dict:  # keys json.dumps would convert: rare, left to it
        text = json.dumps(value, indent=_INDENT, ensure_ascii=True)
        # JSON strings hold no raw line breaks: every one is the encoder's indentation.
        return text.replace("\n", "\n" + " " * (_INDENT * level))
    return json.dumps(value)  # a scalar (the shared default encoder: ensure_ascii, no cycles)


def stream(run, rules, **_options) -> Iterator[str]:
    # ensure_ascii keeps the document valid even for lone surrogates from a plan.
    for piece in chunks(_document(run)):
        yield inert_json(piece)
    yield "\n"


def render(run, rules, **_options) -> str:
    return "".join(stream(run, rules))
