"""How a plan's values are written back to its author, in the plan's own notation.

Messages and fix hints quote values as the plan would write them: YAML scalars
and flow collections (`true`, `0.9`, `{model: x}`) for a YAML plan
(:func:`show`); JSON (`"model": "x"`) for a plan written in JSON
(:func:`written_in_json`, :func:`show_json`, :func:`hint_in_json`).

Where a sentence is about a value rather than quoting it (schema problems:
"`size` is 'big' (a string); expected a number"), :func:`quoted` shows it short,
strings in single quotes and containers named (:func:`quoted_visibly` for text
taken from a file: its control characters escaped), and :func:`kind` names its type;
:func:`flow` writes YAML flow style that parses back to the value, for hints
that show YAML to paste, and :func:`plain` a scalar or list as written after
``key:``.

Every other place that writes a value back uses this module too, so that one
function decides when a string needs quotes (:func:`needs_quotes`): YAML
scalars (:func:`yaml_scalar`, :func:`yaml_string` in a chosen quoting style,
as ``--fix`` keeps the style the author used), YAML block style
(:func:`yaml_block`, a policy pack's schemas in its rules' documentation) and
TOML (:func:`toml`, ``aiplan config``).
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterable

def show(value: Any) -> str:
    """A value as it would appear in YAML, inline and short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    if isinstance(value, float) and not math.isfinite(value):
        return yaml_scalar(value)  # `.nan`, `.inf`: `nan` is a string in YAML
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    if isinstance(value, list):
        return "[" + ", ".join(show(item) for item in value[:6]) + (", ..." if len(value) > 6 else "") + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item)}" for key, item in list(value.items())[:4]) + (
            ", ..." if len(value) > 4 else "") + "}"
    return str(value)


def show_json(value: Any) -> str:
    """A value as JSON, inline (non-ASCII kept as written)."""
    import json  # start-up: only wording that shows a value needs JSON (off a clean plan's path)

    return json.dumps(value, ensure_ascii=False)


# A backticked part of a hint; it shows YAML when it is a key and value, a list entry or a bare key.
_SNIPPET = r"`([^`]+)`"  # compiled on first use (re's cache): off a clean plan's path
# `{name: policy library, ...}`: the ellipsis says "and the rest", not a key.
_ELLIPSIS = "..."


def is_yaml_snippet(snippet: str) -> bool:
    """Whether a backticked part of a hint is YAML: ``key: value``, ``- entry`` or ``key:``."""
    return ": " in snippet or snippet.startswith("- ") or snippet.endswith(":")


def written_in_json(name: str, text: str | None) -> bool:
    """Whether a plan is written in JSON, so its hints show JSON: its file name ends in
    `.json`; when the name does not say (`-` for standard input, a string linted through
    the API), when its text opens with `{`, as a JSON object does (a YAML plan opens with
    a key or a comment; one in flow style takes JSON's snippets as well)."""
    lowered = name.lower()
    if lowered.endswith(".json"):
        return True
    if lowered.endswith((".yaml", ".yml")) or text is None:
        return False
    return re.match(r"[\ufeff \t\r\n]*\{", text) is not None


def hint_in_json(hint: str, parse: Callable[[str], Any]) -> str:
    """``hint`` with every YAML snippet (`` `chunking: {size_tokens: 512}` ``) shown as the
    JSON a plan written in JSON needs (`` `"chunking": {"size_tokens": 512}` ``): members
    of an object for ``key: value``, the element for ``- entry``. ``parse`` reads a YAML
    snippet into data, raising ``ValueError`` when it cannot; a snippet it cannot read is
    kept as written."""
    def convert(match: re.Match) -> str:
        snippet = match.group(1)
        if not is_yaml_snippet(snippet):
            return match.group(0)
        if snippet.endswith(":") and ": " not in snippet and not snippet.startswith("- "):
            return f"`{show_json(snippet[:-1].strip())}:`"  # a bare key: `name:` -> `"name":`
        try:
            data = _without_ellipsis(parse(snippet))
        except ValueError:
            return match.group(0)
        if isinstance(data, dict) and data:
            return "`" + ", ".join(_json_member(str(key), value) for key, value in data.items()) + "`"
        if isinstance(data, list) and snippet.startswith("- ") and data:
            return "`" + ", ".join(show_json(item) for item in data) + "`"
        return match.group(0)

    return re.sub(_SNIPPET, convert, hint)


# A key path written the dotted way hints write it (`rag.retrieval.evaluation`).
_DOTTED = r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$"  # compiled on first use (re's cache): off a clean plan's path


def _json_member(key: str, value: Any) -> str:
    """``"key": value``; a dotted key path as the nested objects JSON needs
    (`rag.citations: true` -> `"rag": {"citations": true}`): a JSON key is never a path."""
    if re.match(_DOTTED, key):
        for part in reversed(key.split(".")[1:]):
            value = {part: value}
        key = key.split(".")[0]
    return f"{show_json(key)}: {show_json(value)}"


def _without_ellipsis(value: Any) -> Any:
    """Drop the `...` a hint writes for "and the rest" (`{name: x, ...}`), which JSON cannot hold."""
    if isinstance(value, dict):
        return {key: _without_ellipsis(item) for key, item in value.items()
                if not (key == _ELLIPSIS and item is None)}
    if isinstance(value, list):
        return [_without_ellipsis(item) for item in value if item != _ELLIPSIS]
    return value


# --------------------------------------------------------------------------
# Sentences about a value, and YAML to paste


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


# The characters text shown to a reader escapes, the one definition (messages' quoted values,
# the text reporter's lines): C0 and C1 controls and DEL (ESC starts terminal escape sequences),
# invisible formatting (zero-width space and joiners, word joiner, byte order mark), the
# bidirectional controls that reorder what the reader sees (U+061C, U+200E/F, U+202A-U+202E,
# U+2066-U+2069), the line and paragraph separators, and lone surrogates (from undecodable
# file names; no terminal can encode them).
UNSEEN = "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"  # compiled on first use (re's cache): off a clean plan's path
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_unseen(text: str) -> str:
    """``text`` with every :data:`UNSEEN` character written as an escape (``\\n``, ``\\x1b``,
    ``\\u200b``): nothing in it can hide, move the cursor or reorder the line."""
    return re.sub(UNSEEN, _escape, text)


def dotted_key(prefix: str, path: Iterable[Any]) -> str:
    """A configuration key as messages name it, below ``prefix`` (``tool.aiplan``):
    ``tool.aiplan.overrides[0].paths``, each key's :data:`UNSEEN` characters escaped;
    ``the top level`` for none."""
    out = prefix
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + escape_unseen(str(part))
    return out or "the top level"


def quoted_visibly(value: Any, limit: int | None = None) -> str:
    """Text from a file or the command line in a sentence: :func:`quoted` (``'it's'``, whole
    unless cut at ``limit``), with :data:`UNSEEN` characters written as escapes (``'a\\tb'``,
    ``'\\x00'``, ``'\\u200b'``) and a backslash doubled, so that the escapes are unambiguous:
    a typed ``FT\\x01`` shows as ``'FT\\\\x01'``, a control character as ``'FT\\x01'``. Never
    Python's repr, whose quotes change with the text (``"it's"``)."""
    if not isinstance(value, str):
        return quoted(value)
    text = escape_unseen(value.replace("\\", "\\\\"))
    return quoted(text, len(text) if limit is None else limit)


def _escape(match: re.Match) -> str:
    char = match.group(0)
    return _NAMED_ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def kind(value: Any) -> str:
    """What type a value is, in words: ``a string``, ``an integer``, ``a mapping``, ``empty``."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number" if math.isfinite(value) else "not a finite number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def plain(value: Any) -> str:
    """A scalar or list of scalars as written after ``key:`` (``true``, ``[a, b]``, ``1``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    return str(value)


# A string written plain: a letter or `_`, then letters, digits, spaces and `_./@+-`. It reads
# back as the same string in block and flow context; anything else (a leading digit, sign or
# dot that would read as a number, an indicator, `: `, `#`, a quote, non-ASCII text) is quoted,
# which is always safe.
_PLAIN_STRING = r"[A-Za-z_][A-Za-z0-9_./@+ -]*"  # compiled on first use (re's cache): off a clean plan's path
# Words YAML 1.2 or YAML 1.1 tools read as null or a boolean.
_RESERVED_WORDS = frozenset(("yes", "no", "on", "off", "y", "n", "null", "true", "false"))


def needs_quotes(text: str) -> bool:
    """Whether ``text`` is quoted when written as a YAML string (in block or flow context,
    for a YAML 1.2 or a YAML 1.1 reader): the one decision on quoting."""
    return re.fullmatch(_PLAIN_STRING, text) is None or text.endswith(" ") or text.lower() in _RESERVED_WORDS


def yaml_string(text: str, quote: str = '"') -> str:
    """``text`` as a YAML string: plain where it can be, else quoted, ``"`` (JSON escapes) or ``'``."""
    if not needs_quotes(text):
        return text
    return quoted_string(text, quote)


# What single quotes cannot hold on one line (a line break would be folded to a space).
_NEEDS_ESCAPES = r"[\x00-\x1f\x7f\x85\u2028\u2029]"  # compiled on first use (re's cache): off a clean plan's path


def quoted_string(text: str, quote: str) -> str:
    """``text`` quoted in the style ``quote``: ``'it''s'`` or ``"it's"`` (JSON escapes,
    also used for ``'`` when the text holds a line break or a control character)."""
    if quote == "'" and re.search(_NEEDS_ESCAPES, text) is None:
        return "'" + text.replace("'", "''") + "'"
    return show_json(text)


def yaml_scalar(value: Any) -> str:
    """A scalar as YAML writes it: ``null``, ``true``, ``3``, ``0.5``, ``.inf``, a string quoted where needed."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, (int, float)):
        return repr(value)
    return yaml_string(str(value))


def flow(value: Any) -> str:
    """A value in YAML flow style that parses back to it (quoted where a plain scalar would not)."""
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_string(str(key))}: {flow(item)}" for key, item in value.items()) + "}"
    return yaml_scalar(value)


def yaml_block(value: Any, indent: int = 0) -> list[str]:
    """The lines of ``value`` in YAML block style, two spaces an indentation level; a list of
    short scalars stays on one line in flow style (``[a, b]``)."""
    pad = "  " * indent
    if isinstance(value, dict) and value:
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                inner = yaml_block(item, indent + 1)
                if len(inner) == 1 and inner[0].lstrip().startswith("["):
                    lines.append(f"{pad}{yaml_string(str(key))}: {inner[0].lstrip()}")
                else:
                    lines.append(f"{pad}{yaml_string(str(key))}:")
                    lines.extend(inner)
            else:
                lines.append(f"{pad}{yaml_string(str(key))}: {flow(item)}")
        return lines
    if isinstance(value, list) and value and all(not isinstance(v, (dict, list)) for v in value) \
            and sum(len(flow(v)) + 2 for v in value) < 60:
        return [pad + flow(value)]
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                inner = yaml_block(item, indent + 1)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {flow(item)}")
        return lines
    return [pad + flow(value)]


# A TOML bare key.
_TOML_BARE_KEY = r"[A-Za-z0-9_-]+"  # compiled on first use (re's cache): off a clean plan's path


def toml(value: Any) -> str:
    """A value as TOML writes it inline: ``true``, ``3``, ``inf``, ``"text"``, ``[1, 2]``, ``{ a = 1 }``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("-inf" if value < 0 else "inf")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml(v)}" for k, v in value.items()) + " }"
    return show_json(str(value))


def toml_key(key: str) -> str:
    """A TOML key: bare where it can be, else a quoted string."""
    return key if re.fullmatch(_TOML_BARE_KEY, key) else toml(key)
