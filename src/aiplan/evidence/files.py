"""Where a path a plan names points, and opening it safely.

Nothing here reaches the network. A name that is a URL (``https://``,
``s3://``, ``hf://``...) or a dataset hub name (``org/dataset`` that is not a
local path) is *remote*; a path that resolves outside the repository holding
the plan (the nearest directory with ``.git``, else the plan's directory) is
*outside*. Neither is read.

Opening refuses what would hang or flood a reader: anything but a regular file
(a FIFO would block, a directory is not data), binary content, UTF-16/UTF-32
text; ``.gz`` files are read as streams. Every byte read from disk goes through
a SHA-256, so the result can be keyed by exactly the bytes it depends on.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import time
from typing import Any, Callable

from aiplan.core.globs import first_wildcard, is_glob, path_glob
from aiplan.core.paths import SLASH_ONLY, at_or_below, repository_root as find_repository_root
from aiplan.core.records import Record

REMOTE_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# `org/name` or `org/name@rev` without a file suffix, e.g. a Hugging Face dataset.
HUB_NAME = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(@[\w.-]+)?$")
# Files of records (a shard of a data set is one of these, ``.gz`` looked through).
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines", ".json", ".csv", ".tsv", ".tab", ".parquet", ".pq")
DATA_SUFFIXES = RECORD_SUFFIXES + (".txt", ".md", ".markdown", ".html", ".htm", ".xlsx", ".pdf", ".gz")
SNIFF_BYTES = 8192


class Unreadable(Exception):
    """A named file that cannot be read as data: ``reason`` says why, ``hint`` what to do."""

    def __init__(self, reason: str, hint: str):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


class Location(Record):
    """Where a name from the plan points.

    ``kind`` is ``local`` (``path`` is absolute), ``shards`` (a glob or a
    folder of data files, read as one data set: ``parts`` are their absolute
    paths, sorted), ``missing`` (a local path that does not exist), ``remote``
    or ``outside``; ``why`` says it in words for the last two. ``link_target`` is what a
    missing name that is a dangling link points at (as the link spells it); ``matched``, what a
    glob that matches no data file matches all the same (folders, ending in a separator, and other
    files), sorted: it names something, so EVAL003 is silent and EVID005 reports it. ``skipped`` are the
    files of shards that resolve outside the repository (links out of it): not read,
    and named by EVID008 so that no claim silently rests on fewer files than it names;
    ``broken`` those that are symbolic links to nothing, named by EVID008 as well. ``links``: of
    ``matched``, the links to nothing and the links to folders (the walk follows neither), each
    with its target as the link spells it, so that EVID005 can say why they hold no data file.
    ``behind``: the links to folders, ending in a separator, that the walk did not follow and
    behind which data files match the glob (EVID005 says how to name them).
    """

    name: str
    kind: str
    path: str = ""
    why: str = ""
    parts: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    broken: tuple[str, ...] = ()
    link_target: str = ""
    matched: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    behind: tuple[str, ...] = ()

    @property
    def readable(self) -> bool:
        """Whether the name points at local data aiplan reads (a file or shards)."""
        return self.kind in ("local", "shards")


def repository_root(directory: str) -> str:
    """The nearest directory holding ``.git`` at or above ``directory``, else ``directory``, both
    resolved (links followed, as git finds a repository): the data paths compared with it are
    resolved (:func:`locate`, :func:`is_within`), so a plan reached through a linked repository
    or plan folder has its data inside, not outside, the repository."""
    real = os.path.realpath(directory)
    return find_repository_root(real) or real


def named_path(name: str, base_dir: str) -> str:
    """The path a local ``name`` (as written in the plan) stands for: relative to
    ``base_dir``, `~` expanded, normalised (not resolved: links are :func:`locate`'s).

    A `..` is taken as the system takes it: after a symbolic link to a folder (`linked/..`)
    it is the parent of the folder the link leads to, not the folder holding the link, so the
    link is resolved there (:func:`_parent_steps`). A path without a `..` part, the common case,
    costs no system call: text normalisation is then exact."""
    joined = os.path.join(base_dir, os.path.expanduser(name))
    if ".." in joined and os.path.isabs(joined) and os.pardir in joined.split(os.sep):
        return _parent_steps(joined)
    return os.path.normpath(joined)


def _parent_steps(path: str) -> str:
    """The absolute ``path`` normalised part by part, each `..` stepping up from where the parts
    before it lead: from a symbolic link's resolved folder (one ``lstat`` per `..`), else by its
    text. The parts kept are as written (no other link is resolved)."""
    current = os.sep
    for part in path.split(os.sep):
        if part in ("", os.curdir):
            continue
        if part == os.pardir:
            if os.path.islink(current):
                current = os.path.realpath(current)
            current = os.path.dirname(current)
        else:
            current = os.path.join(current, part)
    return current


def lstat_mode(path: str) -> int | None:
    """``os.lstat(path).st_mode``, or ``None`` when there is nothing to look at (missing,
    unreachable, a NUL in the name)."""
    try:
        return os.lstat(path).st_mode
    except (OSError, ValueError):
        return None


def locate(name: str, base_dir: str, root: str, real: Callable[[str], str] = os.path.realpath,
           mode_of: Callable[[str], "int | None"] = lstat_mode) -> Location:
    """Classify ``name`` (as written in the plan) relative to ``base_dir``; ``real`` and
    ``mode_of``: how a path is resolved and looked at (a run's cache lookups pass
    :meth:`WithinRepository.real` and :meth:`WithinRepository.mode`)."""
    if REMOTE_SCHEME.match(name):
        scheme = name.split(":", 1)[0].lower()
        return Location(name, "remote", why=f"it is {'an' if scheme[0] in 'aefhilmnorsx' else 'a'} {scheme}:// location and aiplan never reaches the network")
    path = named_path(name, base_dir)
    mode = mode_of(path)  # one lstat answers "exists", "is a link" and, for no link, "is a folder"
    if mode is None:
        if HUB_NAME.match(name) and not name.lower().endswith(DATA_SUFFIXES):
            return Location(name, "remote", why="it looks like a dataset hub name and aiplan never reaches the network")
        if is_glob(name):
            matches, broken = shard_files(path)
            if matches:
                return _shards(name, path, matches, broken, root)
            # Folders end in a separator, so that a message can say which are folders.
            unfollowed: list[str] = []
            matched = tuple(sorted(p + os.sep if os.path.isdir(p) else p
                                   for p in glob_files(path, folders=True, unfollowed=unfollowed)))
            return Location(name, "missing", path, matched=matched, links=_links_among(matched),
                            behind=_data_behind(path, unfollowed))
        return Location(name, "missing", path)
    link = stat.S_ISLNK(mode)
    if link and not os.path.exists(path):
        # A dangling link: missing, as EVAL003 says (naming its target), not a file that cannot be read.
        return Location(name, "missing", path, link_target=os.readlink(path))
    folder, last = os.path.split(path)
    # A last part that is no link lies where its folder does.
    resolved = real(path) if link or last in ("", os.curdir, os.pardir) else os.path.join(real(folder), last)
    if not at_or_below(resolved, root):
        return Location(name, "outside", path, why="it is outside the repository holding the plan")
    if os.path.isdir(path) if link else stat.S_ISDIR(mode):
        shards = _shards(name, path, *shard_files(path), root=root)
        if shards.kind == "shards":  # else its documents may still be (RAG sources read any file)
            return shards
        # No data file read: the links it holds (to folders the walk does not follow, to nothing,
        # out of the repository) say why, as the entries a glob matches do (EVID005).
        held = _links_held(path)
        if held:
            return Location(name, "local", path, matched=held, links=_links_among(held))
    return Location(name, "local", path)


def _links_held(folder: str) -> tuple[str, ...]:
    """The symbolic links in ``folder`` and below it, as a data folder's walk meets them (hidden
    names left out, linked folders not entered), sorted; links to folders end in a separator."""
    held: list[str] = []
    for below, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        held.extend(os.path.join(below, d) + os.sep for d in dirs if os.path.islink(os.path.join(below, d)))
        held.extend(os.path.join(below, f) for f in files
                    if not f.startswith(".") and os.path.islink(os.path.join(below, f)))
    return tuple(sorted(held))


def _data_behind(pattern: str, unfollowed: list[str]) -> tuple[str, ...]:
    """Of the links to folders a glob's walk did not follow, those behind which a data file
    matches the glob (as ``glob.glob``, and so EVAL003, finds it), each ending in a separator."""
    behind = []
    for link in sorted(unfollowed):
        below = glob_files(os.path.join(link, "**", "*"))  # the link spelled out: followed, links below it not
        if any(_matches_glob(pattern, link, path) for path in below):
            behind.append(link + os.sep)
    return tuple(behind)


def _matches_glob(pattern: str, link: str, path: str) -> bool:
    """Whether ``path``, found below the linked folder ``link``, is a data file ``pattern`` matches."""
    parts = pattern.split(os.sep)
    fixed = first_wildcard(parts)
    base = os.sep.join(parts[:fixed]) or os.sep
    relative = os.path.relpath(path, base).replace(os.sep, "/")
    return (os.path.isfile(path) and path.lower().removesuffix(".gz").endswith(RECORD_SUFFIXES)
            and path_glob("/".join(parts[fixed:])).match(relative) is not None)


def _links_among(matched: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Of a glob's ``matched`` entries, the links to nothing and to folders, with their targets."""
    links = []
    for entry in matched:
        path = entry.rstrip(os.sep)
        if os.path.islink(path) and (entry.endswith(os.sep) or not os.path.exists(path)):
            try:
                links.append((entry, os.readlink(path)))
            except OSError:  # gone since the walk: named without a target
                links.append((entry, ""))
    return tuple(links)


def _shards(name: str, path: str, matches: tuple[str, ...], broken: tuple[str, ...] = (), root: str = "") -> Location:
    """The data files a glob or folder matched, those inside the repository read and
    the others kept as ``skipped``; ``outside`` when none is inside (or none matched)."""
    inside = [is_within(p, root) for p in matches]
    if not any(inside):
        return Location(name, "outside", path, why="its files are outside the repository holding the plan")
    return Location(name, "shards", path, parts=tuple(p for p, ok in zip(matches, inside) if ok),
                    skipped=tuple(p for p, ok in zip(matches, inside) if not ok), broken=broken)


def is_within(path: str, root: str) -> bool:
    """Whether ``path``, resolved, is ``root`` or below it (:func:`locate`'s rule)."""
    return at_or_below(os.path.realpath(path), root)


class ResolvedFolders:
    """``os.path.realpath`` of folders, for one run: each folder is resolved once, from its
    parent's resolved path and one ``lstat`` of its own (a folder that is no symbolic link
    lies where its parent does), so ten thousand data files in four thousand folders cost
    one ``lstat`` per folder instead of one per component of every path. A symbolic link,
    a missing folder, ``.`` or ``..``, or a relative path is resolved by ``realpath`` itself.
    """

    __slots__ = ("_real",)

    def __init__(self) -> None:
        self._real: dict[str, str] = {}

    def __call__(self, folder: str) -> str:
        real = self._real.get(folder)
        if real is None:
            real = self._real[folder] = self._resolve(folder)
        return real

    def _resolve(self, folder: str) -> str:
        parent, name = os.path.split(folder)
        if not os.path.isabs(folder) or name in ("", os.curdir, os.pardir) or parent == folder:
            return os.path.realpath(folder)
        try:
            link = stat.S_ISLNK(os.lstat(folder).st_mode)
        except (OSError, ValueError):
            return os.path.realpath(folder)
        return os.path.realpath(folder) if link else os.path.join(self(parent), name)


class WithinRepository:
    """Whether a data file a cached result read still lies inside the repository holding
    the plan (:func:`locate`'s rule), for one run's cache lookups: a file replaced by a
    link to an identical file outside the repository, or under a folder replaced by one
    (at any level), is outside now, although :func:`stamp_holds` finds its bytes unchanged.

    Each data file is looked at with one ``lstat`` (kept: :meth:`status` hands it to
    :func:`stamp_holds`, which needs no ``stat`` of its own then); a file that is no link
    lies where its folder does, and folders are resolved once each (:class:`ResolvedFolders`).
    A link, or a file that cannot be looked at, is resolved on its own.
    """

    __slots__ = ("_roots", "_folders", "_real", "_lstat", "_prefixes")

    def __init__(self) -> None:
        self._roots: dict[str, str] = {}
        self._folders = ResolvedFolders()
        # Per path: where it leads (:meth:`real`); a lookup asks twice (locate, listing_stamp).
        self._real: dict[str, str] = {}
        # Per path: its lstat, or None when there is nothing to look at (:meth:`status`, :meth:`mode`).
        self._lstat: dict[str, "os.stat_result | None"] = {}
        # Per plan folder: what a plain name is joined to (:meth:`prefix`).
        self._prefixes: dict[str, "str | None"] = {}

    def _looked_at(self, path: str) -> "os.stat_result | None":
        """``os.lstat(path)``, or ``None`` (missing, unreachable, a NUL in the name); once per path in a run."""
        try:
            return self._lstat[path]
        except KeyError:
            pass
        try:
            info: os.stat_result | None = os.lstat(path)
        except (OSError, ValueError):
            info = None
        self._lstat[path] = info
        return info

    def status(self, path: str) -> "os.stat_result | None":
        """``os.lstat(path)`` if ``path`` is no symbolic link (then it is its ``os.stat``
        too), else ``None``; once per path in a run."""
        info = self._looked_at(path)
        return None if info is None or stat.S_ISLNK(info.st_mode) else info

    def root(self, base_dir: str) -> str:
        """:func:`repository_root` of ``base_dir``, once per folder in a run."""
        root = self._roots.get(base_dir)
        if root is None:
            root = self._roots[base_dir] = repository_root(base_dir)
        return root

    def real(self, path: str) -> str:
        """``os.path.realpath(path)`` from its folder's resolved path (:class:`ResolvedFolders`)
        and one ``lstat`` of its own: a last part that is no link, or does not exist (a glob),
        lies where its folder does, as ``realpath`` leaves it. A link, ``.``, ``..`` or a
        relative path is resolved by ``realpath`` itself."""
        found = self._real.get(path)
        if found is None:
            found = self._real[path] = self._resolve(path)
        return found

    def _resolve(self, path: str) -> str:
        folder, name = os.path.split(path)
        if not os.path.isabs(path) or name in ("", os.curdir, os.pardir) or "\0" in path:  # NUL: realpath's answer
            return os.path.realpath(path)
        mode = self.mode(path)
        if mode is not None and stat.S_ISLNK(mode):
            return os.path.realpath(path)
        return os.path.join(self._folders(folder), name)

    def regular_file(self, path: str) -> str | None:
        """:meth:`real` of ``path`` when it is a regular file and no symbolic link (it lies where
        its folder does), else ``None``; from the run's one ``lstat`` of it."""
        info = self._looked_at(path)
        if info is None or not stat.S_ISREG(info.st_mode):
            return None
        if SLASH_ONLY:  # os.path.split and join without their generality: a regular file's path has a name
            cut = path.rfind("/")
            folder = path[:cut] or "/"
            real = self._folders(folder)
            return real + path[cut:] if real != "/" else path[cut:]
        folder, name = os.path.split(path)
        return os.path.join(self._folders(folder), name)

    def names_regular_file(self, base_dir: str, name: str) -> bool:
        """Whether the plain name ``name`` (:func:`_plain`) is a regular file, no symbolic link, in
        ``base_dir`` (absolute and normalised), from the run's one ``lstat`` of it: then it exists.
        False for any other name."""
        prefix = self.prefix(base_dir)
        if prefix is None or not _plain(name):
            return False
        info = self._looked_at(prefix + name)
        return info is not None and stat.S_ISREG(info.st_mode)

    def prefix(self, base_dir: str) -> str | None:
        """``base_dir`` and a separator, when a name joined to it needs no normalising (it is
        absolute and normalised, and "/" the only separator), else ``None``; once per folder in a run."""
        try:
            return self._prefixes[base_dir]
        except KeyError:
            pass
        normal = SLASH_ONLY and os.path.isabs(base_dir) and os.path.normpath(base_dir) == base_dir
        found = self._prefixes[base_dir] = (base_dir if base_dir.endswith("/") else base_dir + "/") if normal else None
        return found

    def mode(self, path: str) -> int | None:
        """:func:`lstat_mode` of ``path``, from the run's one ``lstat`` of it: :func:`locate`
        and :meth:`real` both look at a listing check's path."""
        info = self._looked_at(path)
        return None if info is None else info.st_mode

    def __call__(self, base_dir: str, path: str) -> bool:
        root = self.root(base_dir)
        folder, name = os.path.split(path)
        if name in ("", os.curdir, os.pardir) or self.status(path) is None:
            return is_within(path, root)
        return at_or_below(os.path.join(self._folders(folder), name), root)


def shard_files(path: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(data files, broken links)`` a glob or a folder names, each sorted: the files are the
    regular files with a data suffix, hidden ones left out (a folder is searched recursively);
    the broken links are those with a data suffix that point at nothing (named by EVID008, not
    dropped silently)."""
    if os.path.isdir(path):
        found = [os.path.join(folder, file) for folder, dirs, files in os.walk(path)
                 for file in files if not file.startswith(".")]
    else:
        found = glob_files(path)
    named = [p for p in found if p.lower().removesuffix(".gz").endswith(RECORD_SUFFIXES)
             and not os.path.basename(p).startswith(".")]
    return (tuple(sorted(p for p in named if os.path.isfile(p))),
            tuple(sorted(p for p in named if os.path.islink(p) and not os.path.exists(p))))


def glob_files(pattern: str, *, folders: bool = False, unfollowed: list[str] | None = None) -> list[str]:
    """What ``glob.glob(pattern, recursive=True)`` finds for a plan's glob (an absolute path),
    its files only unless ``folders`` (then the folders it matches too, links to folders among them),
    except that a symbolic link to a folder met on the way is not followed, as a data folder's
    walk (``os.walk``) does not follow one: `data/` and `data/**/*.jsonl` name the same files,
    and a link loop cannot multiply them. Links the pattern spells out (its parts before the
    first wildcard) are followed, as a folder the plan names is. Hidden names are matched only
    when the pattern has a part that starts with a dot, as glob matches them. ``unfollowed``
    receives the links to folders the walk would have entered were they folders."""
    parts = pattern.split(os.sep)
    fixed = first_wildcard(parts)
    rest = parts[fixed:]
    base = os.sep.join(parts[:fixed]) or os.sep
    if not rest or not os.path.isdir(base):
        return [pattern] if not rest and os.path.lexists(pattern) else []
    matcher = path_glob("/".join(rest))
    levels = [path_glob(part) for part in rest]
    deep = "**" in rest  # a whole part only: within a name (`**.jsonl`) it is `*` (path_glob)
    hidden = any(part.startswith(".") for part in rest)
    found: list[str] = []
    for folder, dirs, files in os.walk(base):
        relative = os.path.relpath(folder, base)
        prefix = "" if relative == os.curdir else relative.replace(os.sep, "/") + "/"
        depth = prefix.count("/")
        if folders:
            found.extend(os.path.join(folder, d) for d in dirs
                         if (hidden or not d.startswith(".")) and matcher.match(prefix + d))
        dirs[:] = [d for d in dirs if (hidden or not d.startswith("."))
                   and (deep or (depth + 1 < len(rest) and levels[depth].match(d)))]
        if unfollowed is not None:
            unfollowed.extend(os.path.join(folder, d) for d in dirs if os.path.islink(os.path.join(folder, d)))
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        found.extend(os.path.join(folder, file) for file in files
                     if (hidden or not file.startswith(".")) and matcher.match(prefix + file))
    return found


def listing_stamp(where: Location, base_dir: str, resolved: bool = False,
                  real: Callable[[str], str] = os.path.realpath) -> str:
    """What a result asked about a glob or folder depends on: where it points
    (its kind: a glob matching nothing is missing) and which files it matched; with
    ``resolved``, also where the name leads once links are followed (whether two names
    are one file, :meth:`EvidenceReader.same_file`)."""
    names = "\n".join([where.kind] + [os.path.relpath(p, base_dir) for p in where.parts]
                      + ["\x00" + os.path.relpath(p, base_dir) for p in where.skipped]
                      + ["\x01" + os.path.relpath(p, base_dir) for p in where.broken]
                      + ["\x02" + os.path.relpath(p, base_dir) + p[-1] for p in where.matched]
                      + (["\x03" + where.link_target] if where.link_target else [])  # a dangling link's target
                      + ["\x04" + os.path.relpath(p, base_dir) + p[-1] + "\x00" + target for p, target in where.links]
                      # Where each leads: EVID005 says whether it leads out of the repository.
                      + ["\x05" + os.path.relpath(p, base_dir) + "\x00"
                         + os.path.relpath(real(p.rstrip(os.sep)), base_dir) for p in where.behind])
    stamp = _listing_digest(names)
    return _resolved_stamp(stamp, _relative(real(where.path), base_dir)) if resolved else stamp


def _listing_digest(names: str) -> str:
    """A listing stamp of what :func:`listing_stamp` lists, one line each."""
    return "listing:" + hashlib.sha256(names.encode("utf-8", "surrogateescape")).hexdigest()


def _resolved_stamp(stamp: str, leads: str) -> str:
    """A listing ``stamp`` that also records where the name ``leads`` (relative to the plan)."""
    return "listing:resolved:" + hashlib.sha256(f"{stamp}\n{leads}".encode("utf-8", "surrogateescape")).hexdigest()


# The listing stamp of every name that is a file (kind ``local``: it lists nothing else).
_LOCAL_STAMP = _listing_digest("local")


def _relative(path: str, base_dir: str) -> str:
    """``os.path.relpath(path, base_dir)``; a resolved path below an absolute, normalised
    ``base_dir`` is cut after it without relpath's two ``abspath`` calls (a second run asks once a plan)."""
    if (SLASH_ONLY and path.startswith(base_dir) and path[len(base_dir):len(base_dir) + 1] == "/"
            and base_dir[:1] == "/" and os.path.normpath(path) == path and os.path.normpath(base_dir) == base_dir):
        return path[len(base_dir) + 1:]
    return os.path.relpath(path, base_dir)


def listing_holds(base_dir: str, name: str, stamp: str, within: "WithinRepository | None" = None) -> bool:
    """Whether the glob or folder ``name`` (relative to ``base_dir``) still matches what ``stamp``
    recorded; ``within``: the run's, whose roots and resolved folders its lookups share (plans
    beside each other name globs in the same folders: three ``realpath`` calls a plan, one
    ``lstat`` per part of each path, were most of a second run's time)."""
    within = within or WithinRepository()
    resolved = stamp.startswith("listing:resolved:")
    leads = _regular_file_leads(name, base_dir, within)
    if leads is not None:  # what listing_stamp of locate's Location says, without building it
        return (_resolved_stamp(_LOCAL_STAMP, leads) if resolved else _LOCAL_STAMP) == stamp
    where = locate(name, base_dir, within.root(base_dir), within.real, within.mode)
    return listing_stamp(where, base_dir, resolved=resolved, real=within.real) == stamp


def _regular_file_leads(name: str, base_dir: str, within: "WithinRepository") -> str | None:
    """Where ``name`` leads, relative to ``base_dir``, when it is a regular file (no link) inside
    the repository, which :func:`locate` classifies ``local`` on every branch; else ``None``.
    Most names a listing check asks about are such files (a held-out set compared with the
    training data, :meth:`EvidenceReader.same_file`)."""
    prefix = within.prefix(base_dir)
    if prefix is not None and _plain(name):  # named_path's answer by concatenation: no join, normpath
        leads = within.regular_file(prefix + name)
        if leads is None or not at_or_below(leads, within.root(base_dir)):
            return None
        # _relative's own shortcut, its normalisation known: both paths are (leads: realpath's folder, a name)
        return leads[len(prefix):] if leads.startswith(prefix) else _relative(leads, base_dir)
    if REMOTE_SCHEME.match(name):
        return None
    leads = within.regular_file(named_path(name, base_dir))
    return _relative(leads, base_dir) if leads is not None and at_or_below(leads, within.root(base_dir)) else None


def _plain(name: str) -> bool:
    """Whether ``name`` goes down from its folder by plain names only: not empty, relative, no
    ``~`` to expand and no empty, ``.`` or ``..`` part (so no ``://`` either: no remote name).
    Joined to a normalised absolute folder, such a name needs no normalising (:func:`named_path`)."""
    if not name or name[0] in "~/":
        return False
    around = f"/{name}/"
    return "//" not in around and "/./" not in around and "/../" not in around


def extra_holds(module: str, stamp: str) -> bool:
    """Whether the optional extra whose top-level ``module`` a result found missing
    (``stamp``: ``extra:absent``) is still not installed. Looked up, not imported."""
    import importlib.util  # the cache's check: only for results that found an extra missing

    try:
        return stamp == "extra:absent" and importlib.util.find_spec(module) is None
    except (ImportError, ValueError):
        return False


def check_regular(path: str) -> os.stat_result:
    """``os.stat`` of a regular file; raises :class:`Unreadable` for anything else."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})", "Check that the file exists and is readable.") from None
    if stat.S_ISDIR(info.st_mode):  # a folder holding data files is read as its shards, never here
        raise _folder_without_data(path)
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else \
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a regular file"
        raise Unreadable(f"is {kind}, not a regular file, so it was not read",
                         "Name a regular data file.")
    return info


# The reason of a named folder that holds no file at all: EVID007 reports it as holding no record, as
# it does an empty file (a folder holding other files is EVID005's: something is there, not data).
EMPTY_FOLDER = "is a folder that holds no files"
# Files of a folder without data files a message names before "and N more".
_FOLDER_SHOWN = 3


def _folder_without_data(path: str) -> Unreadable:
    """Why the folder ``path``, which holds no data file (:func:`shard_files`), is no data set."""
    suffixes = ", ".join(f"`{suffix}`" for suffix in RECORD_SUFFIXES)
    hint = f"Put the data files in the folder (data files end in {suffixes}), or name the data file itself."
    held: list[str] = []
    for folder, dirs, files in os.walk(path):  # walked as shard_files walks it; stops at a few
        # A link to a folder is listed among the folders, unfollowed: the folder is not empty.
        linked = [name for name in dirs if os.path.islink(os.path.join(folder, name))]
        held += sorted(os.path.relpath(os.path.join(folder, name), path).replace(os.sep, "/")
                       for name in files + linked if not name.startswith("."))
        if len(held) > _FOLDER_SHOWN:
            break
    if not held:
        return Unreadable(EMPTY_FOLDER, hint)
    shown = ", ".join(held[:_FOLDER_SHOWN]) + (" and more" if len(held) > _FOLDER_SHOWN else "")
    return Unreadable(f"is a folder that holds no data file (it holds {shown})", hint)


class HashingReader(io.RawIOBase):
    """A binary file whose every byte read is counted and hashed."""

    def __init__(self, handle, limit: int | None = None):
        self._handle = handle
        self._limit = limit   # bytes to read at most (a range of the file), or None: to the end
        self.sha256 = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wanted = len(buffer) if self._limit is None else min(len(buffer), self._limit - self.count)
        data = self._handle.read(wanted) if wanted > 0 else b""
        size = len(data)
        buffer[:size] = data
        self.sha256.update(data)
        self.count += size
        return size

    def close(self) -> None:
        self._handle.close()
        super().close()


# The reason of a file that is not text at all: no reader, a trainer's included, finds a record in it
# (EVID007 reports it as holding none; the other reasons are about how the records are stored).
NOT_TEXT = "is binary, not text (it holds NUL bytes)"


def sniff_text(head: bytes, name: str) -> None:
    """Raise :class:`Unreadable` if ``head`` (the first bytes) is not UTF-8 text."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise Unreadable("is UTF-32 encoded", f"Save {name} as UTF-8.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("is UTF-16 encoded", f"Save {name} as UTF-8 (for example `iconv -f UTF-16 -t UTF-8`).")
    if b"\x00" in head:
        sample = head[:512]
        zeros_odd = sample[1::2].count(0)
        zeros_even = sample[0::2].count(0)
        if len(sample) >= 4 and max(zeros_odd, zeros_even) > len(sample) // 4 and min(zeros_odd, zeros_even) == 0:
            raise Unreadable("looks UTF-16 encoded (no byte order mark)", f"Save {name} as UTF-8.")
        raise Unreadable(NOT_TEXT,
                         "Name a JSON Lines, JSON, CSV or TSV file (or Parquet with `pip install 'aiplan[parquet]'`).")


def open_data(path: str, name: str, start: int = 0, end: int | None = None):
    """``(hashing_reader, binary_stream)`` for a regular file, decompressing ``.gz``.

    The stream yields the data's bytes; the reader counts and hashes what came
    from disk. ``start`` and ``end`` read a byte range of a plain file (the
    text checks are the whole file's: made on its first bytes). Raises :class:`Unreadable`.
    """
    check_regular(path)
    try:
        raw = open(path, "rb")
        if start:
            raw.seek(start)
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})", "Check that the file is readable.") from None
    hashing = HashingReader(raw, None if end is None else end - start)
    buffered = io.BufferedReader(hashing, buffer_size=1 << 20)
    stream: io.BufferedReader[Any]
    if path.lower().endswith(".gz"):
        import gzip  # only for .gz files

        magic = buffered.peek(2)[:2]
        if magic != b"\x1f\x8b":
            buffered.close()
            raise Unreadable("ends in .gz but is not gzip-compressed", f"Compress {name} with gzip or drop the .gz suffix.")
        stream = io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"), buffer_size=1 << 20)
    else:
        stream = buffered
    try:
        head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except (OSError, EOFError) as exc:
        stream.close()
        raise Unreadable(f"cannot be decompressed ({exc})", f"Check that {name} is a complete gzip file.") from None
    try:
        if not start:
            sniff_text(head, name)
    except Unreadable:
        stream.close()
        raise
    return hashing, stream


# A data file's status, (size, st_mtime_ns, st_ctime_ns, st_ino), is trusted
# without reading the file only if it changed at least this long before the
# stamp was taken (git's "racy git" rule, as for plans in aiplan.run.cache).
RACY_NS = 2_000_000_000


def file_status(path: str) -> tuple[int, int, int, int] | None:
    """``(size, st_mtime_ns, st_ctime_ns, st_ino)`` of ``path``, or ``None``.
    Taken before a data file is read, it is passed to :func:`content_stamp`."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def content_stamp(path: str, count: int, digest: str, before: tuple[int, int, int, int] | None = None) -> str:
    """What a result read from ``path`` depends on: the SHA-256 of the first
    ``count`` bytes (all of it unless sampled) and, when it can vouch for them,
    the file's status.

    The status is recorded only if it is the one taken ``before`` the read
    (the file did not change while it was read) and both its times are at least
    :data:`RACY_NS` old: a same-size edit within one tick of the file system's
    clock, or one that restores the modification time (``touch -d``,
    ``cp -p``), then still shows in the change time or inode. Otherwise the
    stamp holds only a digest and :func:`stamp_holds` hashes the file again.

    A file read in two processes (:mod:`aiplan.evidence.split`) has a digest per
    range: ``digest`` is then ``<sha256 of the first bytes>@<where the second range starts>+<its
    sha256>@<where it ends>``.
    """
    now = time.time_ns()
    after = file_status(path)
    settled = (after is not None and after == before and max(after[1], after[2]) <= now - RACY_NS)
    size = after[0] if after is not None else -1
    status = f"{after[1]}/{after[2]}/{after[3]}" if settled and after is not None else "-"
    return f"evidence:{size}:{status}:{count}:{digest}"


def _range_digests(digest: str, count: int) -> list[tuple[int, int, str]]:
    """``(start, end, sha256)`` of each range a stamp's digest covers."""
    if "+" not in digest:
        return [(0, count, digest)]
    first, second = digest.split("+", 1)
    first_digest, cut = first.split("@", 1)
    second_digest, _, end = second.partition("@")
    return [(0, int(cut), first_digest), (int(cut), int(end) if end else count, second_digest)]


_NOT_A_FILE = "mode-"   # the digest of a stamp of a folder, FIFO or device: its file type


def unreadable_stamp(path: str, limit: int) -> str:
    """What a result that found ``path`` unreadable depends on, as a :func:`content_stamp`:
    for a regular file, the SHA-256 of its first ``limit`` bytes and its status (so an
    encoding fixed in place is seen); for a folder, FIFO or device, its file type (what the
    result said depends on nothing else; :func:`stamp_holds` never opens it); a missing or
    unopenable file gets a stamp no path holds."""
    never = "evidence:-1:-:0:" + hashlib.sha256(b"").hexdigest()
    before = file_status(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):   # never opened: a FIFO would block
            # What was found depends only on its type (the data files in a folder: its listing stamp).
            return f"evidence:-1:-:0:{_NOT_A_FILE}{stat.S_IFMT(info.st_mode)}"
        with open(path, "rb") as handle:
            digest, count = _hash_next(handle, limit)
    except (OSError, ValueError):
        return never
    return content_stamp(path, count, digest, before)


def _hash_next(handle, limit: int) -> tuple[str, int]:
    """The SHA-256 of the next ``limit`` bytes of ``handle`` (fewer at its end), read a
    mebibyte at a time, and how many bytes that was."""
    sha = hashlib.sha256()
    count = 0
    while count < limit:
        chunk = handle.read(min(limit - count, 1 << 20))
        if not chunk:
            break
        sha.update(chunk)
        count += len(chunk)
    return sha.hexdigest(), count


def stamp_holds(path: str, stamp: str, info: os.stat_result | None = None) -> bool:
    """Whether ``path`` still holds what ``stamp`` (from :func:`content_stamp`) recorded.

    Another size: no. The same settled status (modification and change times,
    inode): yes, without reading. Otherwise the recorded bytes are hashed again
    (a touched but unchanged file keeps its cached result). ``info``: the ``os.stat``
    of ``path`` if the caller just took it (:meth:`WithinRepository.status`).
    """
    try:
        _, size, status, count, digest = stamp.split(":")
        if info is None:
            info = os.stat(path)
        if digest.startswith(_NOT_A_FILE):   # unreadable_stamp's folder or FIFO: still one
            return digest == f"{_NOT_A_FILE}{stat.S_IFMT(info.st_mode)}"
        if not stat.S_ISREG(info.st_mode) or info.st_size != int(size):
            return False
        # As content_stamp wrote it (any other spelling of the numbers: hashed again).
        if status != "-" and status == f"{info.st_mtime_ns}/{info.st_ctime_ns}/{info.st_ino}":
            return True
        with open(path, "rb") as handle:
            for start, end, expected in _range_digests(digest, int(count)):
                handle.seek(start)
                if _hash_next(handle, end - start)[0] != expected:
                    return False
        return True
    except (OSError, ValueError):
        return False
