"""Path patterns of the configuration (``exclude``, ``overrides.paths``).

gitignore-like, matched against a path relative to the configuration file's
directory, with ``/`` separators:

* ``*`` matches within one path segment, ``?`` one character, ``[abc]`` a set;
* ``**`` matches any number of segments (``plans/**/draft-*.yaml``);
* a pattern without a ``/`` matches a file or directory name at any depth
  (``drafts``, ``*.draft.aiplan.yaml``); with a ``/`` it is anchored to the
  configuration's directory (``team-a/plans``);
* a pattern that matches a directory matches everything below it.
"""

from __future__ import annotations

import functools
import re


class GlobError(ValueError):
    """A pattern that cannot be compiled (an unclosed ``[``)."""


@functools.lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern:
    text = pattern.replace("\\", "/").strip()
    if text.startswith("./"):
        text = text[2:]
    anchored = "/" in text.rstrip("/")
    text = text.strip("/")
    if not text:
        raise GlobError(f"empty pattern {pattern!r}")
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = text.find("]", i + 2 if text.startswith("[!", i) or text.startswith("[]", i) else i + 1)
            if end < 0:
                raise GlobError(f"pattern {pattern!r} has an unclosed '['")
            body = text[i + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + "".join(out) + "(?:/.*)?", re.DOTALL)


def matches(relative_path: str, patterns) -> bool:
    """Whether a relative, ``/``-separated path matches any of the patterns."""
    path = relative_path.replace("\\", "/")
    return any(compile_glob(p).fullmatch(path) for p in patterns)
