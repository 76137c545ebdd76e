"""Find the plan files to lint under the paths a user gives."""

from __future__ import annotations

import os
import re
import stat
from typing import Iterable

from aiplan.core.paths import STDIN, Target, display

PLAN_NAMES = ("aiplan.yaml", "aiplan.yml")
PLAN_SUFFIXES = (".aiplan.yaml", ".aiplan.yml")
# The same names as a regular expression over a path with "/" separators, as
# pre-commit's `files` takes it (.pre-commit-hooks.yaml holds exactly this).
PLAN_FILE_PATTERN = r"(^|/)(aiplan|[^/]*\.aiplan)\.ya?ml$"
SKIP_DIRS = frozenset((
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".tox", ".nox",
    ".venv", "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".aiplan_cache",
    "site-packages", ".direnv", ".eggs",
))


# What discovery saw in a folder: the names of its files and of its directories, and which
# of those names are symbolic links. ``files`` holds every name that is no directory.
Listing = tuple[list[str], tuple[str, ...], frozenset[str]]
_NO_NAMES: frozenset[str] = frozenset()


class PathError(ValueError):
    """A path on the command line does not exist: a usage error (exit 2)."""


def is_plan_name(name: str) -> bool:
    return name in PLAN_NAMES or name.endswith(PLAN_SUFFIXES)


def _display_prefix(directory: str, cwd: str) -> str | None:
    """What :func:`display` puts before a file name in ``directory``; ``None``
    when it would show the path as given. Computed once per directory: a run
    over thousands of plans would otherwise spend a tenth of a second in relpath."""
    try:
        relative = os.path.relpath(os.path.abspath(directory), cwd)
    except ValueError:  # another drive on Windows
        return None
    return "" if relative == os.curdir else relative + os.sep


def _shown_in(prefix: str | None, name: str, full: str) -> str:
    """``display(os.path.join(directory, name), cwd)``, from the directory's prefix."""
    if prefix is None:
        return full
    relative = prefix + name
    if relative == os.curdir or relative.startswith(os.pardir):
        return full
    return relative.replace(os.sep, "/")


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _is_file(entry: os.DirEntry) -> bool:
    """``os.path.isfile`` of a listed name (a link to a file counts, as there)."""
    try:
        return entry.is_file()
    except OSError:
        return False


# mutmut's working copy of a project (`mutants/`, its plans included): its statistics file,
# or mutmut configured in the project beside it (the copy is made before the statistics).
MUTMUT_COPY = "mutants"
_MUTMUT_STATS = ("mutmut-stats.json", "mutmut-cicd-stats.json")
_MUTMUT_CONFIG = (("pyproject.toml", b"[tool.mutmut]"), ("setup.cfg", b"[mutmut]"))
_CONFIG_READ = 256 * 1024


def _is_mutmut_copy(path: str) -> bool:
    """Whether the folder ``path``, named `mutants`, is mutmut's copy of the project: it holds
    mutmut's statistics, or sits beside a configuration that sets mutmut up. A `mutants`
    folder of anything else is searched like any other."""
    if any(os.path.isfile(os.path.join(path, name)) for name in _MUTMUT_STATS):
        return True
    parent = os.path.dirname(path)
    for name, section in _MUTMUT_CONFIG:
        try:
            with open(os.path.join(parent, name), "rb") as handle:
                if section in handle.read(_CONFIG_READ):
                    return True
        except OSError:
            continue
    return False


def _skipped(root: str, name: str) -> bool:
    """A folder no one keeps plans in: VCS data, caches, mutmut's copy (virtualenvs are
    skipped by :func:`_walk` once it has listed them)."""
    if name in SKIP_DIRS:
        return True
    return name == MUTMUT_COPY and _is_mutmut_copy(os.path.join(root, name))


def _walk(top: str, unreadable: list[str] | None = None, linked: list[str] | None = None,
          listings: "dict[str, Listing] | None" = None):
    """``os.walk(top)`` without following symbolic links, and without
    recursion: Python 3.11's ``os.walk`` recurses once per level, and a pull
    request can nest directories deeper than the recursion limit. Unreadable
    directories are not walked; they are added to ``unreadable``. A directory
    below ``top`` that holds a ``pyvenv.cfg`` file is a virtualenv: neither
    yielded nor walked (told from its listing, not by a ``stat`` of every folder). The links
    to directories the caller kept in ``dirs`` (not walked) are added to ``linked``. Each
    directory yielded is recorded in ``listings`` by its path as yielded (see :data:`Listing`)."""
    pending = [top]
    while pending:
        root = pending.pop()
        try:
            with os.scandir(root) as listing:
                entries = list(listing)
        except OSError:
            # A virtualenv that can be searched but not listed is still skipped.
            if unreadable is not None and (root == top or not _is_virtualenv(root)):
                unreadable.append(root)
            continue
        if root != top and any(entry.name == "pyvenv.cfg" and _is_file(entry) for entry in entries):
            continue
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] = set()      # links to directories
        symlinks: list[str] = []     # every symbolic link
        for entry in entries:
            try:
                # Told from the listing (no stat) for what is no link, as os.walk: a link
                # to a directory is one (not walked), any other name a file.
                if entry.is_file(follow_symlinks=False):
                    files.append(entry.name)
                    continue
                if entry.is_dir(follow_symlinks=False):
                    dirs.append(entry.name)
                    continue
                if entry.is_symlink():
                    symlinks.append(entry.name)
                    if entry.is_dir():
                        dirs.append(entry.name)
                        links.add(entry.name)
                        continue
            except OSError:
                pass
            files.append(entry.name)
        if listings is not None:
            # By the folder's name in the paths of the plans found there: "plans/", given, is "plans".
            listings[root if root != top else top.rstrip(os.sep) or top] = (files, tuple(dirs), frozenset(symlinks) if symlinks else _NO_NAMES)
        yield root, dirs, files
        pending.extend(os.path.join(root, name) for name in reversed(dirs) if name not in links)
        if linked is not None and links:
            linked.extend(os.path.join(root, name) for name in dirs if name in links)


def discover(paths: Iterable[str], linked: list[Target] | None = None,
             listings: "dict[str, Listing] | None" = None, stdin_name: str = "") -> list[Target]:
    """Expand paths into plan files, sorted and without duplicates.

    A file named explicitly is always linted (even if excluded by a pattern,
    like ruff without ``--force-exclude``); directories are searched for plan
    file names, skipping VCS folders, virtualenvs, ``node_modules`` and mutmut's
    copy of the project (``mutants/``).
    Symbolic links to directories are not followed, so a link loop cannot
    hang the run; each one met is added to ``linked`` (sorted), so that the user can be
    told which folders were not searched. Each folder listed is recorded in ``listings``
    (by its path as walked, below the path given), when given: the run's existence checks answer from them
    (:class:`aiplan.run.cache.ExistenceChecks`) instead of listing the folders again.
    ``-`` is standard input, shown as ``stdin_name`` when given (``--stdin-filename``).
    """
    cwd = os.getcwd()
    found: dict[str, Target] = {}
    for raw in paths:
        if raw == STDIN:
            found.setdefault(STDIN, Target(STDIN, display(stdin_name, cwd) if stdin_name else STDIN, True,
                                           stdin_name=stdin_name))
            continue
        if not os.path.lexists(raw):
            raise PathError(f"{raw}: no such file or directory")
        if os.path.isdir(raw):
            unreadable: list[str] = []
            links: list[str] = []
            for root, dirs, files in _walk(raw, unreadable, links, listings):
                dirs[:] = [name for name in sorted(dirs) if not _skipped(root, name)]
                plans = [name for name in files if name in PLAN_NAMES or name.endswith(PLAN_SUFFIXES)]
                if not plans:
                    continue
                # Once per directory: what os.path.join(root, name) puts before a name, as
                # given, absolute, and as shown (a tenth of a second over thousands of plans).
                given = os.path.join(root, "")
                absolute = os.path.normcase(os.path.join(os.path.abspath(root), ""))
                shown_prefix = _display_prefix(root, cwd)
                for name in plans:
                    full = given + name
                    # Every field given in order (explicit, listed): a keyword argument costs the
                    # record's __init__ a binding loop, ten thousand times in a large repository.
                    found.setdefault(absolute + os.path.normcase(name),
                                     Target(full, _shown_in(shown_prefix, name, full), False, True))
            for directory in unreadable:  # its plans cannot be found: a finding (PLAN008) says so
                key = os.path.normcase(os.path.abspath(directory))
                found.setdefault(key, Target(directory, display(directory, cwd), False))
            if linked is not None:
                linked.extend(Target(link, display(link, cwd), False) for link in links)
        else:
            key = os.path.normcase(os.path.abspath(raw))
            found[key] = Target(raw, display(raw, cwd), True)
    if linked is not None:
        linked.sort(key=lambda t: t.display_path)
    return sorted(found.values(), key=lambda t: t.display_path)


# A line that starts a top-level `aiplan:` key (block style, as plans are written).
_PLAN_KEY = rb"(?m)^[\"']?aiplan[\"']?[ \t]*:"  # compiled on first use (re's cache): off a clean plan's path
_LOOKALIKE_READ = 64 * 1024
_LOOKALIKE_MAX = 20


def plan_lookalikes(paths: Iterable[str], limit: int = _LOOKALIKE_MAX) -> list[str]:
    """YAML files under the directories in ``paths`` that are not named like
    plans but hold a top-level ``aiplan`` key: what a user who gets "no plan
    files found" most likely meant to lint. Reads at most the first 64 KiB of
    at most ``limit`` regular files; never follows links or opens FIFOs."""
    found: list[str] = []
    cwd = os.getcwd()
    for raw in paths:
        if raw == STDIN or not os.path.isdir(raw):
            continue
        for root, dirs, files in _walk(raw):
            dirs[:] = sorted(d for d in dirs if not _skipped(root, d))
            for name in sorted(files):
                if is_plan_name(name) or not name.endswith((".yaml", ".yml")):
                    continue
                full = os.path.join(root, name)
                try:
                    if not stat.S_ISREG(os.lstat(full).st_mode):
                        continue
                    with open(full, "rb") as handle:
                        head = handle.read(_LOOKALIKE_READ)
                except OSError:
                    continue
                if re.search(_PLAN_KEY, head):
                    found.append(display(full, cwd))
                    if len(found) >= limit:
                        return sorted(found)
    return sorted(found)
