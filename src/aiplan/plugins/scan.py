"""Answer "could any installed distribution declare an ``aiplan`` entry point?"
without importing :mod:`importlib.metadata`.

Importing ``importlib.metadata`` (and the ``email`` and ``zipfile`` machinery
behind it) costs a pre-commit run about 25 ms, more than linting a plan does,
and almost every environment has no aiplan plugin at all. This scan reads the
``entry_points.txt`` of every distribution on ``sys.path`` directly (a few
hundred microseconds) and only says "no" when it is sure:

* it looks in the same places as ``importlib.metadata``'s path finder
  (``*.dist-info`` and ``*.egg-info`` directories of each ``sys.path`` entry,
  ``EGG-INFO`` inside an ``.egg`` entry) and matches a section header the way
  ``importlib.metadata`` parses it;
* a ``sys.path`` entry that is a file (a zip archive), or an import hook that
  provides distributions of its own, makes it answer "maybe".

On "maybe", the caller asks ``importlib.metadata``, which stays the authority
on which entry points exist.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import PathFinder

from aiplan.fileio import read_regular
from typing import Iterable


def group_may_exist(group: str, paths: Iterable[str] | None = None) -> bool:
    """``False`` only if no distribution on ``paths`` (default ``sys.path``)
    declares an entry point in ``group``."""
    if _foreign_distribution_finders():
        return True
    for entry in sys.path if paths is None else paths:
        if not isinstance(entry, str):
            return True
        base = entry or "."
        try:
            names = os.listdir(base)
        except NotADirectoryError:
            return True  # a zip archive: importlib.metadata can read it, we do not try
        except OSError:
            continue
        # Names, not DirEntry objects, and a folder without any "-info" name (the standard
        # library's, hundreds of names) skipped by one test in C instead of one per name.
        if "-info" not in "\0".join(names).lower():
            continue
        base_is_egg = base.lower().endswith(".egg")
        for name in names:
            low = name.lower()
            if low.endswith((".dist-info", ".egg-info")) or (base_is_egg and low == "egg-info"):
                if _declares(os.path.join(base, name, "entry_points.txt"), group):
                    return True
    return False


def _foreign_distribution_finders() -> bool:
    """Whether an import hook other than the standard path finder provides distributions."""
    return any(
        finder is not PathFinder and hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    )


_MAX_ENTRY_POINTS_BYTES = 1024 * 1024


def _declares(path: str, group: str) -> bool:
    try:
        text = read_regular(path, _MAX_ENTRY_POINTS_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    if group not in text:
        return False
    # importlib.metadata's Sectioned.read: stripped lines, `[name]` headers.
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]") and line.strip("[]") == group:
            return True
    return False
