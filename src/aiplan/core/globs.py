"""The one glob syntax of aiplan: configuration patterns and the globs plans write.

Configuration patterns (``exclude``, ``overrides.paths``, ``input-fields``,
:func:`compile_glob`) are gitignore-like, matched against a path relative to
the configuration file's directory (``input-fields``: the data path as the
plan writes it), with ``/`` separators:

* ``*`` matches within one path segment, ``?`` one character, ``[abc]`` a set;
* ``**`` matches any number of segments (``plans/**/draft-*.yaml``) when it is a whole
  segment; within a name (``data/**.jsonl``) it is ``*``, as Python's ``glob``,
  ``pathlib`` and gitignore read it;
* a pattern without a ``/`` matches a file or directory name at any depth
  (``drafts``, ``*.draft.aiplan.yaml``); with a ``/`` it is anchored to the
  configuration's directory (``team-a/plans``);
* a pattern that matches a directory matches everything below it.

A plan's own globs (``data/train-*.jsonl``, :func:`path_glob`) use the same
``*``, ``?``, ``[...]`` and ``**``, anchored to the plan's directory.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable

from aiplan.core.notation import quoted_visibly


class GlobError(ValueError):
    """A pattern that cannot be compiled (an unclosed ``[``)."""


def _deep_at(text: str, i: int) -> bool:
    """Whether the ``*`` at ``text[i]`` starts a ``**`` that crosses folders: a whole segment
    (`data/**/*.jsonl`, `docs/**`), never a run within a name (`data/**.jsonl` is `data/*.jsonl`)."""
    return (text.startswith("**", i) and (i == 0 or text[i - 1] == "/")
            and (i + 2 == len(text) or text[i + 2] == "/"))


def _translate(text: str, pattern: str, strict: bool) -> str:
    """The regular expression of a glob: ``*``/``?`` within a segment, ``**`` across them."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if _deep_at(text, i) and text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif _deep_at(text, i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            while i < len(text) and text[i] == "*":  # a run within a name is one `*`
                i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = text.find("]", i + 2 if text.startswith("[!", i) or text.startswith("[]", i) else i + 1)
            if end < 0:
                if strict:
                    raise GlobError(f"pattern {quoted_visibly(pattern)} has an unclosed '['")
                out.append(re.escape(char))  # as the filesystem's glob reads it: a plain '['
                i += 1
                continue
            body = text[i + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern:
    """A configuration pattern (gitignore-like, see the module's docstring); raises :class:`GlobError`."""
    text = pattern.replace("\\", "/").strip()
    if text.startswith("./"):
        text = text[2:]
    anchored = "/" in text.rstrip("/")
    text = text.strip("/")
    if not text:
        raise GlobError(f"empty pattern {quoted_visibly(pattern)}")
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + _translate(text, pattern, strict=True) + "(?:/.*)?", re.DOTALL)


@functools.lru_cache(maxsize=512)
def path_glob(pattern: str) -> re.Pattern:
    """A glob a plan writes for its data (``data/train-*.jsonl``), as the
    filesystem reads it: anchored, the whole path; an unclosed ``[`` is a
    plain character. Same syntax as :func:`compile_glob`."""
    return re.compile(_translate(pattern, pattern, strict=False) + r"\Z", re.DOTALL)


def is_glob(path: str) -> bool:
    """Whether a path holds glob characters (``*``, ``?``, ``[``)."""
    return any(mark in path for mark in "*?[")


def first_wildcard(parts: list[str]) -> int:
    """The index of the first of a path's ``parts`` that holds a glob character (``len(parts)``
    when none does): the parts before it name the folder a glob starts from."""
    fixed = 0
    while fixed < len(parts) and not is_glob(parts[fixed]):
        fixed += 1
    return fixed


def matches(relative_path: str, patterns: Iterable[str]) -> bool:
    """Whether a relative, ``/``-separated path matches any of the configuration patterns."""
    path = relative_path.replace("\\", "/")
    return any(compile_glob(p).fullmatch(path) for p in patterns)
