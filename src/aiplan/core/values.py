"""How a value from a plan (or a configuration file) is shown: one renderer for every message and hint.

Three notations, for three places a value appears:

* :func:`quoted`: in a sentence about the value, short, strings in single
  quotes, containers named rather than spelled out (``'weekly'``, ``0.9``,
  ``true``, ``a mapping``); :func:`kind` names its type (``a string``).
* :func:`inline`: as the plan would write it inline, unquoted, lists and
  mappings spelled out but cut short (``[system_prompt, few_shot]``); the
  built-in rules quote values this way, in backticks.
* :func:`flow`: YAML flow style that parses back to the value (quoted where a
  plain scalar would not), for fix hints that show YAML to paste.
"""

from __future__ import annotations

import json
import re
from typing import Any


def quoted(value: Any, limit: int = 60) -> str:
    """A value in a sentence: ``'text'`` (cut at ``limit``), ``true``, ``null``, ``3``, ``a mapping``, ``a list``."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return "'" + text + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def kind(value: Any) -> str:
    """What type a value is, in words: ``a string``, ``an integer``, ``a mapping``, ``empty``."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def inline(value: Any) -> str:
    """A value as it would appear in YAML, inline and short (``0.9``, ``weekly``, ``[a, b, ...]``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    if isinstance(value, list):
        return "[" + ", ".join(inline(item) for item in value[:6]) + (", ..." if len(value) > 6 else "") + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {inline(item)}" for key, item in list(value.items())[:4]) + (
            ", ..." if len(value) > 4 else "") + "}"
    return str(value)


def plain(value: Any) -> str:
    """A scalar or list of scalars as written after ``key:`` (``true``, ``[a, b]``, ``1``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    return str(value)


_PLAIN = re.compile(r"^[A-Za-z0-9_./@+-][A-Za-z0-9_./@+ -]*$")
_RESERVED_WORDS = ("yes", "no", "on", "off", "null", "true", "false")


def flow(value: Any) -> str:
    """A value in YAML flow style that parses back to it (quoted where a plain scalar would not)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    text = str(value)
    if _PLAIN.match(text) and text.strip() == text and text.lower() not in _RESERVED_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)
