"""What CI reports need to know about the linted files beyond the findings.

Code scanning, GitLab and GitHub annotations want each path relative to the
repository root, not to the working directory, and fingerprints that survive
unrelated edits. Both are computed here, at report time, from the findings'
display paths (relative to the working directory, or as given on the command
line), their line-free identity (``Finding.fingerprint``) and, for code
scanning's line hash, the flagged lines of the text linted (:func:`linted_lines`:
the files themselves, read again, or standard input as the run kept it).
"""

from __future__ import annotations

import os
import re
from typing import Callable, Iterable, Mapping

from aiplan.core.digest import sha256
from aiplan.core.findings import Finding, format_yaml_path
from aiplan.core.fingerprint import normalise_message
from aiplan.core.paths import STDIN, repository_root
from aiplan.core.records import Record
from aiplan.fileio import read_regular
from aiplan.parse.loader import SHOWN_SOURCE_LIMIT, text_lines

# Enough to reach any flagged line of a plan the loader accepts; a bigger file
# (a resource-limit finding) is fingerprinted from its first part.
_READ_LIMIT = SHOWN_SOURCE_LIMIT
_SPACE = re.compile(r"\s+")


class Paths(Record):
    """Maps display paths to files on disk and to repository-relative paths.

    ``root`` is the repository the run belongs to: the one holding the working
    directory (not each file's own); without one, the GitHub Actions workspace
    when the working directory is inside it, else the working directory itself.
    """

    cwd: str
    root: str

    @classmethod
    def for_run(cls, root: str | None = None, cwd: str | None = None,
                environ: Mapping[str, str] | None = None) -> "Paths":
        cwd = os.path.abspath(cwd or os.getcwd())
        if root is None:
            environ = os.environ if environ is None else environ
            workspace = environ.get("GITHUB_WORKSPACE", "")
            inside = bool(workspace) and _is_within(cwd, os.path.abspath(workspace))
            root = repository_root(cwd) or (os.path.abspath(workspace) if inside else cwd)
        return cls(cwd, os.path.abspath(root))

    def absolute(self, display_path: str) -> str | None:
        """Where the file is on disk; ``None`` for standard input."""
        if display_path == STDIN:
            return None
        return os.path.normpath(os.path.join(self.cwd, display_path))

    def relative(self, display_path: str) -> str | None:
        """The path from the repository root with ``/`` separators, or ``None``
        for standard input and files outside the repository."""
        absolute = self.absolute(display_path)
        if absolute is None:
            return None
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive on Windows
            return None
        if relative == os.curdir or relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        return relative.replace(os.sep, "/")


def _is_within(path: str, directory: str) -> bool:
    try:
        return os.path.commonpath([path, directory]) == directory
    except ValueError:  # another drive on Windows
        return False


def read_lines(path: str | None) -> list[str] | None:
    """The lines of a file as the loader numbers them, or ``None`` when it
    cannot be read (standard input, deleted, not permitted)."""
    if path is None:
        return None
    try:
        data = read_regular(path, _READ_LIMIT, partial=True)
    except (OSError, ValueError):
        return None
    return text_lines(data)


def linted_lines(run, paths: Paths) -> "Callable[[str], list[str] | None]":
    """The lines of the text each file of ``run`` was linted from, by display path,
    numbered as the loader numbers them (``None`` where that text is not available),
    each file read once: what every report that shows or hashes a flagged line reads.
    Standard input's are the ones the run kept (:attr:`RunResult.whole_sources
    <aiplan.run.runner.RunResult>`): it cannot be read again, and the file its
    ``--stdin-filename`` names may hold other text (the editor's buffer is not saved).
    Any other file is read again (:func:`read_lines`)."""
    kept = run.sources or {}
    whole = set(run.whole_sources)
    read: dict[str, list[str] | None] = {}

    def lines_of(display_path: str) -> list[str] | None:
        if display_path not in read:
            if display_path in whole:
                read[display_path] = [text for _, text in kept[display_path]]
            else:
                read[display_path] = read_lines(paths.absolute(display_path))
        return read[display_path]

    return lines_of


def normalise_line(text: str) -> str:
    """A line without its indentation, trailing blanks and runs of spaces:
    re-indenting or re-aligning a line does not change what it says."""
    return _SPACE.sub(" ", text).strip()


def identity(finding: Finding) -> str:
    """What a finding is, without its position: ``Finding.fingerprint`` (rule,
    YAML path with list items named by their identity, flagged node's content;
    see :mod:`aiplan.core.fingerprint`), or for a finding made without one, its
    rule, YAML path and message."""
    if finding.fingerprint:
        return finding.fingerprint
    return "\0".join((finding.rule, format_yaml_path(finding.yaml_path), normalise_message(finding.message)))


def occurrences(findings: Iterable[Finding], key) -> dict[int, int]:
    """For each finding (by position), how many findings of its file before it,
    in file order, share its ``key``, plus one: what keeps identical findings'
    fingerprints apart (two plans with the same flaw in one file)."""
    findings = list(findings)
    seen: dict[tuple, int] = {}
    out: dict[int, int] = {}
    for index in sorted(range(len(findings)), key=lambda i: findings[i].sort_key()):
        slot = (findings[index].path, key(findings[index]))
        seen[slot] = seen.get(slot, 0) + 1
        out[index] = seen[slot]
    return out


def line_fingerprints(findings: Iterable[Finding],
                      lines_of: Callable[[str], list[str] | None]) -> Mapping[int, str | None]:
    """GitHub's ``primaryLocationLineHash`` for each finding (keyed by its
    position in ``findings``): ``<16 hex digits>:<n>``, a hash of the flagged
    line's text, numbered by occurrence so that identical lines in one file
    differ: the shape of the hash GitHub computes when a SARIF file has none.

    The hash covers the finding's identity (:func:`identity`) with the line's
    normalised text, so it stays the same when unrelated lines move or the line
    is re-indented, and inserting a list item above a flagged item does not
    change it either. ``lines_of`` gives the lines of each display path's linted
    text (:func:`linted_lines`). ``None`` where that text is not available (standard
    input the run kept no line of, a file gone).
    """
    findings = list(findings)
    by_file: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        by_file.setdefault(finding.path, []).append(index)
    out: dict[int, str | None] = {}
    for display_path, indexes in by_file.items():
        lines = lines_of(display_path)
        seen: dict[str, int] = {}
        ordered = sorted(indexes, key=lambda i: findings[i].sort_key())
        for index in ordered:
            finding = findings[index]
            if lines is None:
                out[index] = None
                continue
            text = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
            key = "\0".join((identity(finding), normalise_line(text)))
            digest = sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            seen[digest] = seen.get(digest, 0) + 1
            out[index] = f"{digest}:{seen[digest]}"
    return out
