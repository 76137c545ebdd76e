"""A finding's identity that survives unrelated edits: no line or column in it.

Baselines match findings by it, and CI systems that deduplicate results across
runs (SARIF ``partialFingerprints``, GitLab's ``fingerprint``) can use it too.

The identity is the rule, the finding's YAML path and the content of the node
it flags. Two refinements keep it stable when the plan around a finding is
edited:

* a list index is replaced by the item's identity: the value of its ``name``,
  ``metric``, ``path`` or ``id`` key when it has one (``sources[name=wiki]``),
  the item itself when it is a scalar, else a digest of the item. Inserting a
  source above another therefore does not change the other's findings;
* a container contributes only its kind (mapping or list), not its content,
  so adding a key elsewhere in a section does not change a finding about the
  section. A finding without a YAML path (syntax errors, duplicate keys,
  suppression comments) contributes its message instead, line numbers removed.
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring_ascii
from typing import Any

from aiplan.core.digest import sha256  # not hashlib: see aiplan.core.digest

IDENTITY_KEYS = ("name", "metric", "path", "id")
_MISSING = object()
_POSITIONS = r"(?i)\b(lines?|columns?|col) \d+(?:[:,]\d+)?"  # compiled on first use (re's cache): off a clean plan's path


def normalise_message(message: str) -> str:
    """The message with line and column numbers removed."""
    return re.sub(_POSITIONS, lambda m: m.group(1) + " N", message)


def _json(value: Any) -> str:
    if type(value) is str:  # the usual node and every part of the identity: no encoder made for it
        return encode_basestring_ascii(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=True, default=str, allow_nan=True)


def _json_list(*texts: str) -> str:
    """``_json(list(texts))`` for strings, each encoded as :func:`_json` encodes it (json.dumps's separators)."""
    return "[" + ", ".join(map(_json, texts)) + "]"


def _digest(text: str, length: int = 12) -> str:
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _item_identity(item: Any, index: int) -> str:
    if item is _MISSING:
        return str(index)
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            value = item.get(key)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return f"{key}={value}"
        return "#" + _digest(_json(item))
    if isinstance(item, list):
        return "#" + _digest(_json(item))
    return "=" + _json(item)


def stable_path(data: Any, yaml_path: tuple) -> tuple[str, Any]:
    """The YAML path with list indexes replaced by item identities, and the node there."""
    out: list[str] = []
    node = data
    for part in yaml_path:
        if isinstance(part, int) and not isinstance(part, bool):
            item = node[part] if isinstance(node, list) and -len(node) <= part < len(node) else _MISSING
            out.append("[" + _item_identity(item, part) + "]")
            node = item
        else:
            out.append(("." if out else "") + str(part))
            node = node.get(part, _MISSING) if isinstance(node, dict) else _MISSING
    return "".join(out), node


def _content(node: Any) -> str:
    if node is _MISSING:
        return "<missing>"
    if isinstance(node, dict):
        return "<mapping>"
    if isinstance(node, list):
        return "<list>"
    return _json(node)


def finding_fingerprint(rule: str, yaml_path: tuple, data: Any, message: str, *, has_plan: bool = True) -> str:
    """A hex digest identifying a finding independently of where it sits in the file."""
    if yaml_path and has_plan:
        path, node = stable_path(data, tuple(yaml_path))
        content = _content(node)
    else:
        path = ".".join(str(p) for p in yaml_path)
        content = "message:" + normalise_message(message)
    return _digest(_json_list(rule, path, content), 32)
