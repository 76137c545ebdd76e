"""From a rule's :class:`~aiplan.core.findings.Edit` to exact text on the source.

A fix must change the node it is about and nothing else, so it is a surgical
text replacement on the parser's own positions, not a re-dump of the document
(a round-trip dumper would normalise indentation, quoting and spacing). Each
edit is checked against the source before it is offered: the text at the span
must be the scalar the rule saw, in a form we can rewrite in place (plain,
single- or double-quoted, on one line, optionally anchored). Aliases, tags,
block scalars and multi-line scalars are left alone: their edits are dropped
and the finding simply has no fix.
"""

from __future__ import annotations

import math
import re
from typing import Any

from aiplan.core.findings import Edit, TextEdit, YamlPath
from aiplan.core.notation import quoted_string, yaml_scalar, yaml_string
from aiplan.parse.loader import resolve_plain
from aiplan.core.plan import Plan
from aiplan.core.text import LINE_BREAK, SourceText  # noqa: F401 (re-exported)

# A scalar holding any of these spans lines for some reader: never rewritten in place.
_BREAK_CHARS = frozenset("\r\n\x85\u2028\u2029")

# An anchor before the scalar (`&name value`): kept verbatim.
_ANCHOR = r"&[^\s,\[\]{}]+[ \t]+"  # compiled on first use (re's cache): off a clean plan's path
_MISSING = object()


def resolve_edits(edits: tuple[Edit, ...], violation_path: YamlPath, plan: Plan,
                  source: SourceText) -> tuple[TextEdit, ...]:
    """The text edits for a violation's edits, or ``()`` if any cannot be made safely."""
    resolved: list[tuple[int, int, TextEdit]] = []
    for edit in edits:
        if not isinstance(edit, Edit):
            return ()
        path = tuple(violation_path if edit.path is None else edit.path)
        if edit.at == "key":
            span = plan.key_spans.get(path)
            old: Any = path[-1] if path and isinstance(path[-1], str) else _MISSING
            if not isinstance(edit.value, str):
                return ()
        elif edit.at == "value":
            span = plan.value_spans.get(path)
            old = plan.get(*path, default=_MISSING)
        else:
            return ()
        if span is None or old is _MISSING:
            return ()
        where = source.range(span)
        if where is None:
            return ()
        original = source.text[where[0]:where[1]]
        content = render_scalar(original, old, edit.value, key=edit.at == "key")
        if content is None or content == original:
            return ()
        resolved.append((where[0], where[1], TextEdit(
            span.line, span.column, span.end_line, span.end_column, original, content)))
    resolved.sort(key=lambda item: item[:2])
    for (_, end, _), (start, _, _) in zip(resolved, resolved[1:]):
        if start < end:
            return ()  # overlapping edits of one violation: not applicable together
    return tuple(item[2] for item in resolved)


def render_scalar(original: str, old: Any, new: Any, *, key: bool = False) -> str | None:
    """The source text that replaces ``original`` (which must read ``old``) so that it reads ``new``.

    The quoting style and an anchor are kept: a plain scalar stays plain when
    ``new`` is safe as plain text (else it is single-quoted), a quoted one keeps
    its quotes. A non-string ``new`` (``aiplan: "1"`` -> ``1``) is written plain:
    dropping the quotes is the point of that fix. ``None`` if ``original`` is not
    a one-line scalar reading ``old``.
    """
    if any(c in _BREAK_CHARS for c in original):
        return None
    anchor = re.match(_ANCHOR, original)
    prefix = anchor.group() if anchor else ""
    body = original[len(prefix):]
    style = _style(body, old, key)
    if style is None:
        return None
    if isinstance(new, str):
        rendered = _render_string(new, style)
    elif key:
        return None
    else:
        rendered = _render_plain_value(new, old)
    if rendered is None:
        return None
    return prefix + rendered


def _style(body: str, old: Any, key: bool) -> str | None:
    """``plain``, ``'`` or ``"`` if ``body`` is a scalar of that style reading ``old``."""
    if not body:
        return None
    first = body[0]
    if first == "'":
        if isinstance(old, str) and body == "'" + old.replace("'", "''") + "'":
            return "'"
        return None
    if first == '"':
        if isinstance(old, str) and "\\" not in body and body == '"' + old + '"':
            return '"'
        return None
    if first in "!*|>&":  # a tag, an alias, a block scalar, an anchor we did not parse
        return None
    if key:
        return "plain" if body == old else None
    value = resolve_plain(body)
    same = type(value) is type(old) and (value == old or (isinstance(old, float) and math.isnan(old) and value != value))
    return "plain" if same else None


def _render_string(new: str, style: str) -> str | None:
    if any(c in _BREAK_CHARS for c in new) or any(ord(c) < 0x20 or c == "\x7f" for c in new):
        return None
    if style == "plain":
        return yaml_string(new, "'")  # plain if it can stay plain, else single-quoted
    return quoted_string(new, style)


def _render_plain_value(new: Any, old: Any) -> str | None:
    """A number, boolean or null as a plain scalar. A string that already
    spells the number (`"1.50"`) keeps its digits, only losing its quotes."""
    if isinstance(old, str) and re.fullmatch(_SAFE_NUMBER, old):
        value = resolve_plain(old)
        if type(value) is type(new) and value == new:
            return old
    if new is not None and not isinstance(new, (bool, int, float)):
        return None
    if isinstance(new, float) and not math.isfinite(new):
        return None
    return yaml_scalar(new)


_SAFE_NUMBER = r"[-+]?[0-9]+(?:\.[0-9]+)?"  # compiled on first use (re's cache): off a clean plan's path
