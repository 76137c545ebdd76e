"""What a record is: its shape, its input side, its categories.

Known shapes (the first that fits wins):

* ``chat``: ``messages``, a list of ``{role, content}`` with roles among
  system, developer, user, assistant, tool, function; the input side is the
  user turns.
* an input field (``prompt``, ``input``, ``question``, ``instruction``,
  ``query``: the first present) with an expected-output field
  (``completion``, ``output``, ``answer``, ``expected``, ``ideal``,
  ``reference``, ``response``, ``target``, ``relevant``): ``prompt``/``completion``,
  ``question``/``answer``, Alpaca's ``instruction``/``output`` (its ``input``
  is appended to the instruction), OpenAI evals' ``input``/``ideal``...

A file's ``input_field`` setting (dotted for nested fields) replaces the
detection: any record with that field is well-formed and it is the input side.
Categories come from ``category_field`` if set, else from the first of
``category``, ``categories``, ``covers``, ``tags`` (also under ``metadata``):
a string or a list of strings, compared after lower-casing, with spaces and
hyphens as underscores and a trailing ``s`` ignored.
"""

from __future__ import annotations

import re
import unicodedata
import json.decoder
from typing import Any

from aiplan.core.notation import quoted_visibly

CHAT_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
CATEGORY_FIELDS = ("category", "categories", "covers", "tags")
# An input field and an expected-output field, in order of preference.
INPUT_KEYS = ("prompt", "input", "question", "instruction", "query")
OUTPUT_KEYS = ("completion", "output", "answer", "expected", "ideal", "reference", "response", "target", "relevant")
SHAPE_WORDS = ("chat `messages` with roles, or an input field (`prompt`, `input`, `question`, `instruction`, "
               "`query`) with an expected-output field (`completion`, `output`, `answer`, `expected`, `ideal`, "
               "`reference`, `response`, `target`, `relevant`)")


def normalise(text: str) -> str:
    """The form exact matching compares: Unicode NFKC, case-folded, whitespace collapsed."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefold() is lower() on it: 4x faster
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# The common chat record of a JSON Lines file, as `json.dumps` (", ", ": ") or a
# compact writer (",", ":") writes it: `messages` only, an optional system turn,
# one user and one assistant turn, `role` before `content`, text contents. A JSON
# string here holds no raw `"` or control character; its escapes are decoded by
# json's own string decoder. Anything else is decoded with `json.loads`.
_STRING = r'"([^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*)"'
# json's own string decoder (C), as json.loads uses it; typeshed does not declare it.
_scanstring: Any = getattr(json.decoder, "scanstring")
_CHAT_LINE = re.compile(
    r'\{"messages": ?\['
    r'(?:\{"role": ?"system", ?"content": ?' + _STRING + r'\}, ?)?'
    r'\{"role": ?"user", ?"content": ?' + _STRING + r'\}, ?'
    r'\{"role": ?"assistant", ?"content": ?' + _STRING + r'\}'
    r'\]\}[ \t\r\n]*')


def chat_line(line: bytes) -> tuple[str, str] | None:
    """``(input, output)`` of a JSON Lines line holding the common chat record,
    exactly as ``sides(json.loads(line))`` gives them; ``None`` for any other
    line (decode it with ``json.loads``): a fast path for the training data."""
    try:
        text = line.decode("utf-8", "surrogatepass")  # what json.loads does with UTF-8 bytes
    except UnicodeDecodeError:
        return None
    match = _CHAT_LINE.fullmatch(text)
    if match is None:
        return None
    contents: list[str] = []
    for group in (1, 2, 3):
        value = match.group(group)
        if value is not None and "\\" in value:
            try:
                value = _scanstring(text, match.start(group))[0]
            except ValueError:  # an invalid escape: json.loads reports the line
                return None
        contents.append(value or "")
    return contents[1], contents[2]


def _content(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # content parts: [{"type": "text", "text": "..."}]
        parts = [part.get("text") if isinstance(part, dict) else part for part in value]
        texts = [part for part in parts if isinstance(part, str)]
        return "\n".join(texts) if texts else None
    return None


def _field(record: dict, dotted: str) -> Any:
    node: Any = record
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (dict, list)):
        return _content(value) if isinstance(value, list) else None
    return str(value)


def sides(record: dict, input_field: str | None = None) -> tuple[str | None, str | None, str]:
    """``(input, output, shape)`` of a record; ``input`` is ``None`` and
    ``shape`` says why when the record has no known shape."""
    if input_field:
        value = _text(_field(record, input_field))
        if value is None:
            return None, None, f"no `{input_field}` field (the plan's `input_field`)"
        return value, None, "input_field"
    messages = record.get("messages")
    if messages is not None:
        if not isinstance(messages, list) or not messages:
            return None, None, "`messages` is not a non-empty list"
        inputs, outputs = [], []
        for turn in messages:
            if not isinstance(turn, dict):
                return None, None, "a `messages` entry is not an object"
            role = turn.get("role")
            if role not in CHAT_ROLES:
                return None, None, f"a message has role {quoted_visibly(role)}, not one of {', '.join(sorted(CHAT_ROLES))}"
            content = _content(turn.get("content"))
            if content is None and role != "assistant" and not turn.get("tool_calls"):
                return None, None, f"a {role} message has no text `content`"
            if role == "user":
                inputs.append(content or "")
            elif role == "assistant":
                outputs.append(content or "")
        if not inputs:
            return None, None, "`messages` has no user message"
        return "\n".join(inputs), "\n".join(outputs), "chat"
    for source in INPUT_KEYS:
        if source not in record:
            continue
        target = next((key for key in OUTPUT_KEYS if key in record), None)
        if target is None:
            continue
        value = _text(record[source])
        if value is None:
            return None, None, f"`{source}` is not text"
        if source == "instruction" and _text(record.get("input")):
            value = f"{value}\n{_text(record.get('input'))}"
        return value, _text(record[target]) or "", f"{source}/{target}"
    fields = ", ".join(f"`{key}`" for key in list(record)[:6]) or "no fields"
    return None, None, f"no known record shape (it has {fields})"


def category_key(value: str) -> str:
    """``Adjacent behaviors`` -> ``adjacent_behavior``: how categories are compared."""
    key = "_".join(value.strip().lower().replace("-", " ").split())
    return key[:-1] if key.endswith("s") else key


def categories(record: dict, category_field: str | None = None) -> tuple[bool, tuple[str, ...]]:
    """``(has a category field, category keys)`` of a record."""
    candidates = (category_field,) if category_field else CATEGORY_FIELDS
    for name in candidates:
        for value in (_field(record, name), _field(record, f"metadata.{name}") if not category_field else None):
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            return True, tuple(category_key(v) for v in values if isinstance(v, str) and v.strip())
    return False, ()
