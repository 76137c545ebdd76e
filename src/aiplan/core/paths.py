"""Which file a result is about and how its path is shown."""

from __future__ import annotations

import os
import posixpath

from aiplan.core.globs import first_wildcard
from aiplan.core.records import Record

# The path that means standard input.
STDIN = "-"

# Whether "/" is the only separator of paths (POSIX): a path's text can then be split at its
# last "/" without os.path's normalising (Windows takes "\\" and "/" alike).
SLASH_ONLY = os.sep == "/" and not os.altsep


class Target(Record):
    """A file to lint: where to read it, how to show it, whether it was named, and
    whether a folder's listing showed it is no folder (``listed``: discovery found it
    there, so the configuration resolver need not ask the file system again)."""

    real_path: str
    display_path: str
    explicit: bool
    listed: bool = False
    # Standard input's name (`--stdin-filename`): the path whose configuration applies to it and
    # whose folder its relative paths start from; nothing is read from it or written to it.
    stdin_name: str = ""

    @property
    def settings_path(self) -> str:
        """The path configuration is matched against: the file's, or standard input's name (else ``-``)."""
        return self.stdin_name or self.real_path

    @property
    def folder(self) -> str:
        """The folder the plan's relative paths start from (standard input without a name: the working directory)."""
        if self.real_path == STDIN and not self.stdin_name:
            return os.getcwd()
        return os.path.dirname(os.path.abspath(self.settings_path))


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


def normalise_plan_path(path: str, *, keep_folder: bool = True) -> str:
    """A path as a plan writes it, normalised: ``./data//ft/../ft/train.jsonl`` ->
    ``data/ft/train.jsonl``, ``\\`` as ``/``; a trailing ``/`` (a folder) is kept
    unless ``keep_folder`` is false."""
    path = path.strip().replace("\\", "/")
    normal = posixpath.normpath(path)
    if keep_folder and path.endswith("/") and normal != "/":
        return normal + "/"
    return normal


def repository_root(start: str) -> str | None:
    """The closest directory at or above ``start`` that holds ``.git`` (a
    directory, or a file in worktrees and submodules), or ``None``."""
    current = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def resolves_below(base_dir: str, name: str, data_name: str) -> bool:
    """Whether the path ``name`` (as a plan writes it, relative to ``base_dir``) leads, links
    followed, to the folder the data set ``data_name`` starts from (a folder, or a glob's part
    before its first wildcard) or below it: where a held-out path must lead to be one of the
    training files (FT006), decided with two ``realpath`` calls before any data is listed."""
    parts = data_name.replace("\\", "/").split("/")
    fixed = "/".join(parts[:first_wildcard(parts)])
    top = os.path.realpath(os.path.join(base_dir, os.path.expanduser(fixed or ".")))
    return at_or_below(os.path.realpath(os.path.join(base_dir, os.path.expanduser(name))), top)


def at_or_below(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it, both absolute and normalised (or both
    resolved): by their text, part by part (``/data`` holds ``/data/x``, not ``/database``)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
