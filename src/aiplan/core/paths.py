"""Which file a result is about and how its path is shown."""

from __future__ import annotations

import os

from aiplan.core.records import record

# The path that means standard input.
STDIN = "-"


@record
class Target:
    """A file to lint: where to read it, how to show it, whether it was named."""

    real_path: str
    display_path: str
    explicit: bool


def display(path: str, cwd: str) -> str:
    """Relative to the working directory when below it, else as given."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        return path
    if relative == os.curdir or relative.startswith(os.pardir):
        return path
    return relative.replace(os.sep, "/")


def shown_path(path: str) -> str:
    """``path`` as messages show it: relative to the working directory when below it."""
    return display(path, os.getcwd())
