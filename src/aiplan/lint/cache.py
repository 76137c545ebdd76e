"""An on-disk cache of lint results, so unchanged plans are not linted again.

ruff's cache is the model. A file's result is reused only when all of these are
unchanged:

* the file's bytes (SHA-256) and the path it is shown under (findings carry it);
* the lint context: :meth:`LintContext.fingerprint` covers aiplan's version,
  every rule's ID, plugin, name, severity, options and whether it is enabled,
  and the limits;
* the code that produced it: the size and modification time of every file of
  the aiplan package and of each package that contributes a rule (so editing a
  rule, upgrading a plugin or installing another aiplan invalidates it);
* every file-existence check the rules made (``plan.path_exists``): the answers
  are recorded with the result and checked again before it is reused.

Results with internal errors are never stored. The layout::

    .aiplan_cache/
      .gitignore               "*": never committed
      CACHEDIR.TAG             backup tools skip it
      lint-v1/<scope>/<shard>  one pickle per shard of display paths

``scope`` is a digest of the context and code; each scope holds 64 shards so
that linting one file reads one small shard and a run over thousands of files
reads them all. Shards are written whole, atomically (temporary file, then
``os.replace``), after merging what another process wrote meanwhile, so
concurrent runs (parallel pre-commit batches) never corrupt one; at worst one
run's new entries are lost and recomputed later.

A shard that cannot be read, does not unpickle, or holds anything unexpected is
ignored and rebuilt. Unpickling only ever resolves the result classes of
:mod:`aiplan.lint.findings` (the "restricting globals" recipe of the pickle
documentation), so a crafted cache file cannot run code: linting a repository
never executes anything from it. The cache never fails a run: when its
directory cannot be written (read-only, disk full) the run goes on without it.
"""

from __future__ import annotations

import io
import os
import sys
import time
import zlib
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, Callable, Iterable

from aiplan.lint import findings as _findings
from aiplan.lint.findings import FileResult

CACHE_DIR_NAME = ".aiplan_cache"
FORMAT = "lint-v1"
SHARDS = 64
# Entries not written for this long are dropped when their shard is next written.
MAX_AGE_SECONDS = 30 * 24 * 3600
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by aiplan.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

# A dependency of a result: a path a rule asked about, relative to the plan's
# directory, and whether it existed.
Dependency = tuple[str, bool]


def default_cache_dir(base: str | None = None) -> str:
    """``AIPLAN_CACHE_DIR`` if set, else ``.aiplan_cache`` in ``base`` (default: the working directory)."""
    configured = os.environ.get("AIPLAN_CACHE_DIR")
    if configured:
        return configured
    return os.path.join(base or os.getcwd(), CACHE_DIR_NAME)


def cache_disabled_by_environment() -> bool:
    """``AIPLAN_NO_CACHE`` set to anything but ``""``, ``0`` or ``false``."""
    value = os.environ.get("AIPLAN_NO_CACHE", "").strip().lower()
    return value not in ("", "0", "false", "no")


@lru_cache(maxsize=None)
def _result_classes() -> dict[str, type]:
    """The record classes of aiplan.lint.findings: all a stored result may contain."""
    return {
        name: value for name, value in vars(_findings).items()
        if isinstance(value, type) and value.__module__ == _findings.__name__
        and (is_dataclass(value) or issubclass(value, Enum))
    }


@lru_cache(maxsize=None)
def _unpicklers() -> tuple[type, type]:
    """The two restricted unpicklers (built on first use: pickle is imported
    only by runs that read or write the cache)."""
    import pickle

    allowed = _result_classes()

    class ResultUnpickler(pickle.Unpickler):
        """Resolves only the record classes of aiplan.lint.findings; everything else is refused."""

        def find_class(self, module: str, name: str) -> Any:
            if module == _findings.__name__ and name in allowed:
                return allowed[name]
            raise pickle.UnpicklingError(f"{module}.{name} is not a lint result class")

    class PlainUnpickler(pickle.Unpickler):
        """Shard files hold only builtin values (dicts, tuples, bytes, str, numbers)."""

        def find_class(self, module: str, name: str) -> Any:
            raise pickle.UnpicklingError(f"{module}.{name}: shard files hold no objects")

    return ResultUnpickler, PlainUnpickler


def _dumps(value: Any) -> bytes:
    import pickle

    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _layout() -> list:
    """The shape of the stored records: a change of fields invalidates every entry."""
    return [
        [cls.__name__, [(f.name, str(f.type)) for f in fields(cls)] if is_dataclass(cls) else list(cls.__members__)]
        for _, cls in sorted(_result_classes().items())
    ]


def _package_stamp(module_name: str, limit: int = 5000) -> list:
    """Size and mtime of every file of the top-level package of ``module_name``."""
    top = module_name.split(".", 1)[0]
    module = sys.modules.get(top)
    location = getattr(module, "__file__", None) if module is not None else None
    stamp: list = [top, str(getattr(module, "__version__", ""))]
    if not location:
        return stamp + ["no file"]
    if os.path.basename(location) != "__init__.py":
        try:
            info = os.stat(location)
        except OSError:
            return stamp + ["unreadable"]
        return stamp + [[os.path.basename(location), info.st_size, info.st_mtime_ns]]
    root = os.path.dirname(location)
    files = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            files.append([os.path.relpath(path, root), info.st_size, info.st_mtime_ns])
            if len(files) >= limit:
                return stamp + files + ["truncated"]
    return stamp + files


class LintCache:
    """Results by file, for one run. Look up before linting, store after, save at the end."""

    def __init__(self, directory: str):
        self.directory = os.path.abspath(directory)
        self.usable = True
        self.problem: str | None = None   # why the cache was turned off during this run
        self.hits = 0
        self.misses = 0
        self._scopes: dict[int, tuple[Any, str]] = {}
        self._shards: dict[tuple[str, int], dict] = {}
        self._dirty: set[tuple[str, int]] = set()
        self._packages: dict[str, list] = {}
        self._now = int(time.time())

    # -- keys -----------------------------------------------------------------

    def scope(self, ctx) -> str:
        """The digest of everything besides the file that decides its findings."""
        known = self._scopes.get(id(ctx))
        if known is not None and known[0] is ctx:
            return known[1]
        import hashlib
        import json

        modules = {"aiplan"} | {
            getattr(rule.check, "__module__", None) or "" for rule in ctx.rules.values() if rule.check is not None
        }
        code = []
        for name in sorted(m for m in modules if m):
            top = name.split(".", 1)[0]
            if top not in self._packages:
                self._packages[top] = _package_stamp(top)
            code.append(self._packages[top])
        state = [FORMAT, list(sys.version_info[:2]), ctx.fingerprint(), code, _layout()]
        digest = hashlib.sha256(json.dumps(state, sort_keys=True, default=repr).encode()).hexdigest()[:32]
        self._scopes[id(ctx)] = (ctx, digest)
        return digest

    @staticmethod
    def digest(data: bytes) -> bytes:
        import hashlib

        return hashlib.sha256(data).digest()

    @staticmethod
    def _shard_of(display_path: str) -> int:
        return zlib.crc32(display_path.encode("utf-8", "surrogatepass")) % SHARDS

    def _shard_path(self, scope: str, shard: int) -> str:
        return os.path.join(self.directory, FORMAT, scope, f"{shard:02x}.pickle")

    # -- reading --------------------------------------------------------------

    def _entries(self, scope: str, shard: int) -> dict:
        key = (scope, shard)
        entries = self._shards.get(key)
        if entries is None:
            entries = self._shards[key] = self._read_shard(self._shard_path(scope, shard))
        return entries

    @staticmethod
    def _read_shard(path: str) -> dict:
        """The entries of a shard file; empty if it is missing, unreadable or not a shard."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return {}
        try:
            content = _unpicklers()[1](io.BytesIO(data)).load()
        except Exception:  # corrupt, truncated or foreign: ignored, rebuilt on the next write
            return {}
        if not (isinstance(content, dict) and content.get("format") == FORMAT
                and isinstance(content.get("entries"), dict)):
            return {}
        return content["entries"]

    def lookup(self, real_path: str, display_path: str, ctx, read: Callable[[str], bytes | None]) -> FileResult | None:
        """The stored result for this file as it is now, or ``None``.

        ``read(real_path)`` returns the file's bytes, or ``None`` if it cannot
        be read as a plan (those files are linted, never cached).
        """
        if not self.usable:
            return None
        try:
            scope = self.scope(ctx)
            entry = self._entries(scope, self._shard_of(display_path)).get(display_path)
            if entry is None:
                return None
            digest, dependencies, blob = entry[0], entry[1], entry[2]
            data = read(real_path)
            if data is None or self.digest(data) != digest:
                return None
            if dependencies and not _dependencies_hold(real_path, dependencies):
                return None
            result = _unpicklers()[0](io.BytesIO(blob)).load()
        except Exception:  # a damaged entry is a miss, never a failure
            return None
        if not isinstance(result, FileResult) or result.path != display_path or result.errors:
            return None
        self.hits += 1
        return result

    # -- writing --------------------------------------------------------------

    def store(self, display_path: str, ctx, digest: bytes, dependencies: Iterable[Dependency],
              result: FileResult) -> None:
        """Remember ``result`` for the file whose bytes hash to ``digest``."""
        self.misses += 1
        if not self.usable or result.errors or result.path != display_path:
            return
        try:
            scope = self.scope(ctx)
            blob = _dumps(result)
        except Exception:  # something in the result does not pickle: lint it next time
            return
        shard = self._shard_of(display_path)
        entries = self._entries(scope, shard)
        entries[display_path] = (digest, tuple(sorted(dependencies)), blob, self._now)
        self._dirty.add((scope, shard))

    def save(self) -> None:
        """Write every shard this run changed. Never raises."""
        if not self.usable or not self._dirty:
            return
        try:
            self._prepare_directory()
            for scope, shard in sorted(self._dirty):
                self._write_shard(scope, shard)
            self._dirty.clear()
        except OSError as exc:
            self.usable = False
            self.problem = f"cannot write the cache in {self.directory}: {exc.strerror or exc}"

    def _prepare_directory(self) -> None:
        os.makedirs(self.directory, exist_ok=True)
        for name, text in ((".gitignore", "# Created by aiplan: this cache is never committed.\n*\n"),
                           ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            path = os.path.join(self.directory, name)
            if not os.path.exists(path):
                _replace(path, text.encode())

    def _write_shard(self, scope: str, shard: int) -> None:
        path = self._shard_path(scope, shard)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ours = self._shards[(scope, shard)]
        # Another run may have written this shard since we read it: keep its
        # entries, ours win for the files we linted.
        merged = self._read_shard(path)
        oldest = self._now - MAX_AGE_SECONDS
        merged = {key: entry for key, entry in merged.items()
                  if isinstance(entry, tuple) and len(entry) == 4 and isinstance(entry[3], int) and entry[3] >= oldest}
        merged.update((key, entry) for key, entry in ours.items() if entry[3] >= oldest)
        data = _dumps({"format": FORMAT, "entries": merged})
        _replace(path, data)


def _dependencies_hold(real_path: str, dependencies) -> bool:
    base = os.path.dirname(os.path.abspath(real_path))
    return all(os.path.exists(os.path.join(base, relative)) == existed for relative, existed in dependencies)


def _replace(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file, then ``os.replace``.

    Unlike :func:`aiplan.fileio.atomic_write` it does not fsync: after a crash
    a cache file may be lost or damaged, and a damaged one is ignored.
    """
    directory = os.path.dirname(path)
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def recording_exists(real_path: str | None) -> tuple[Callable[[str], bool] | None, list[Dependency]]:
    """A ``file_exists`` check for the engine that also records what it was asked."""
    if real_path is None:
        return None, []
    base = os.path.dirname(os.path.abspath(real_path))
    asked: list[Dependency] = []

    def exists(relative: str) -> bool:
        found = os.path.exists(os.path.join(base, relative))
        asked.append((relative, found))
        return found

    return exists, asked
