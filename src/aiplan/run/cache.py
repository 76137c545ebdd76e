"""An on-disk cache of lint results, so unchanged plans are not linted again.

ruff's cache is the model. A file's result is reused only when all of these are
unchanged:

* the file's bytes (SHA-256) and the path it is shown under (findings carry it).
  When the file's status (size, modification and change times, inode) is the
  one recorded with the result, the file is not read at all: see *The stat
  fast path* below;
* the lint context: :meth:`LintContext.fingerprint` covers aiplan's version,
  every rule's ID, plugin, name, severity, options and whether it is enabled,
  and the limits;
* the code that produced it: the size and modification time of every file of
  the aiplan package and of each package that contributes a rule (so editing a
  rule, upgrading a plugin or installing another aiplan invalidates it);
* which YAML parser reads plans, libyaml or the pure one (they word syntax
  errors differently): installing or removing ``ruamel.yaml.clib`` invalidates it;
* every file-existence check the rules made (``plan.path_exists``): the answers
  are recorded with the result and checked again before it is reused;
* the content of every data file the evidence rules read (``plan.evidence``):
  recorded the same way, as a content stamp instead of a yes/no
  (:func:`aiplan.evidence.files.stamp_holds` checks it again).

An entry also keeps the source lines its findings point at (:data:`ShownLines`), taken
from the bytes its digest vouches for: the text report shows them without reading
each plan again, and they are the lines the findings were made from even if the file
changes while the report is written.

An entry also keeps what a warm run prints for the file (:data:`Shown`): the result's
tally (the summary line and the exit code need no more) and its part of the text report
rendered under the options CI logs and pipes use (:data:`aiplan.reporters.text.CACHED_KEY`;
the command hands the cache its renderer: :data:`PartRenderer`).
A hit is a :class:`aiplan.run.codec.CachedResult`, whose findings are decoded only if
something reads them: a warm run printing that report decodes none.

Results with internal errors are never stored. The layout::

    .aiplan_cache/
      .gitignore               "*": never committed
      CACHEDIR.TAG             backup tools skip it
      lint-v7/<scope>/<shard>  one marshal file per shard of display paths

``scope`` is a digest of the context and code; each scope holds 64 shards so
that linting one file reads one small shard and a run over thousands of files
reads them all (scopes no run has written for 30 days are removed:
:func:`prune_scopes`). Shards are written whole, atomically (temporary file, then
``os.replace``), after merging what another process wrote meanwhile, so
concurrent runs (parallel pre-commit batches) never corrupt one; at worst one
run's new entries are lost and recomputed later.

Entries hold results as builtin values (:mod:`aiplan.run.codec`), written with
``marshal``: nothing in a shard names a function or class to call, and decoding
only ever builds the result records of :mod:`aiplan.core.findings`. A shard
that cannot be read or decoded, or holds anything unexpected, is ignored and
rebuilt. The scope includes the size and modification time of aiplan's own
files, so another installation never reads these shards at all. The cache
never fails a run: when its directory cannot be written (read-only, disk full)
the run goes on without it.

The stat fast path (git's "racy git" rule). Reading and hashing ten thousand
unchanged plans is most of a warm run, so an entry also records the file's
status as it was *before* the bytes it describes were read: size,
``st_mtime_ns``, ``st_ctime_ns`` and inode. A later run that finds the same
status trusts the digest without reading the file. Writing a file changes its
modification and change times, replacing it (as editors and ``git checkout``
do) its inode, and ``chmod``, ``touch -d`` or a restored modification time
its change time, which no ordinary tool can set back. What a status cannot
show is an edit within the same tick of a coarse file-system clock (one or two
seconds on some file systems, a few milliseconds for ctime on Linux) that keeps
the size. So a status is recorded only when both times are at least
:data:`RACY_NS` (2 s) older than the moment it was taken; a file written more
recently is read and hashed on every run until it is that old, and an entry
verified by its hash then records the settled status (written at the end of
that run). A clock more than that far behind the file system's (a network
file system) could defeat the rule; ``touch``-ing such files only costs a
re-hash.
"""

from __future__ import annotations

import gc
import marshal
import os
import stat
import sys
import time
from binascii import crc32  # zlib.crc32's CRC-32 from binascii, which ruamel.yaml loads: a run that parses loads no zlib
from typing import TYPE_CHECKING, Any, Callable, Iterable

from aiplan.core.digest import blake2b_256, hmac_sha256, same_digest
from aiplan.core.findings import FileResult
from aiplan.core.paths import SLASH_ONLY, repository_root
from aiplan.fileio import atomic_write, read_regular
from aiplan.run import codec
from aiplan.lint.engine import names_existing
from aiplan.parse.loader import SHOWN_SOURCE_LIMIT, c_parser_available, text_lines

if TYPE_CHECKING:  # imported when a result read data (ExistenceChecks.data_file_holds)
    from typing import Mapping

    from aiplan.evidence.files import WithinRepository
    from aiplan.run.discovery import Listing

CACHE_DIR_NAME = ".aiplan_cache"
FORMAT = "lint-v7"
SHARDS = 64
# A shard is read whole; past this size it is ignored (and not written: the
# entries of the run that would overflow it are left out).
MAX_SHARD_BYTES = 32 * 1024 * 1024
# Entries not written for this long are dropped when their shard is next written.
MAX_AGE_SECONDS = 30 * 24 * 3600
# A file's status is trusted only if it changed at least this long before it was
# taken (nanoseconds): see "The stat fast path" above.
RACY_NS = 2_000_000_000
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by aiplan.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

# A dependency of a result: a path a rule asked about, relative to the plan's
# directory, and whether it existed; or a data file the evidence reader read
# (the path behind aiplan.evidence.reader.STAMP_PREFIX) and its content stamp.
Dependency = tuple[str, "bool | str"]
# A file's status, (size, st_mtime_ns, st_ctime_ns, st_ino): see "The stat fast path".
FileStatus = tuple[int, int, int, int]
# The lines a result's findings point at: each flagged line (number, text), in order, as the
# text report would read them (aiplan.parse.loader.text_lines). A finding past the last one
# points past the end of the file (or the file is too large to show): no line is shown for it.
ShownLines = tuple[tuple[int, str], ...]
# What a warm run prints for a result without decoding it: (its tally, the key of the
# text report's options its part was rendered under, that part): see the module's docstring.
Shown = tuple[tuple[int, int, int, int, int], tuple, str]


def shown_lines(data: bytes, result: FileResult) -> ShownLines | None:
    """The lines of ``data`` that ``result``'s findings point at, or ``None`` when
    it has none. A file over :data:`SHOWN_SOURCE_LIMIT` shows no line: the text report
    does not read such a file again either."""
    if not result.findings:
        return None
    if len(data) > SHOWN_SOURCE_LIMIT:
        return ()
    lines = text_lines(data)
    count = len(lines)
    wanted = sorted({finding.line for finding in result.findings if 0 < finding.line <= count})
    return tuple([(number, lines[number - 1]) for number in wanted])


# Renders a result's part of the text report for the cache: ``(rendering key, text)`` from the
# result and the lines its findings point at. The reporters sit above this layer: the command
# hands it over (aiplan.reporters.text.cached_part); without it an entry keeps its tally only.
PartRenderer = Callable[[FileResult, "ShownLines | None"], tuple[tuple, str]]
_NO_PART = ((), "")  # a key no report has: never shown


def shown(result: FileResult, lines: ShownLines | None, render: PartRenderer | None = None) -> Shown:
    """:data:`Shown` of ``result``, whose findings point at ``lines`` (``render``: see
    :data:`PartRenderer`)."""
    return (result.tally(), *(render(result, lines) if render is not None else _NO_PART))


def _valid_shown(value: Any, payload: Any, display_path: str) -> bool:
    """Whether a stored value is :data:`Shown`, and its payload an encoded result of
    ``display_path`` with no errors (checked without decoding it)."""
    if not (type(value) is tuple and len(value) == 3 and type(value[1]) is tuple and type(value[2]) is str
            and type(payload) is list and len(payload) == 7 and payload[0] == "FileResult"
            and payload[1] == display_path and payload[3] == ()):
        return False
    tally = value[0]  # five ints, each looked at (a fifth of building a tuple of their types, per plan)
    return (type(tally) is tuple and len(tally) == 5 and type(tally[0]) is int and type(tally[1]) is int
            and type(tally[2]) is int and type(tally[3]) is int and type(tally[4]) is int)


def _valid_lines(value: Any) -> bool:
    """Whether a stored value is :data:`ShownLines` (or ``None``)."""
    if value is None:
        return True
    if type(value) is not tuple:
        return False
    previous = 0
    for item in value:
        if not (type(item) is tuple and len(item) == 2 and type(item[0]) is int and item[0] > previous
                and type(item[1]) is str):
            return False
        previous = item[0]
    return True


def settled_status(path: str) -> FileStatus | None:
    """The status of the regular file at ``path``, or ``None`` if it changed too
    recently (:data:`RACY_NS`) to vouch for its content, or is no regular file.
    Take it *before* reading the bytes it is recorded with: an edit after it then
    shows as another status."""
    now = time.time_ns()
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode) or max(info.st_mtime_ns, info.st_ctime_ns) > now - RACY_NS:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _current_status(path: str) -> FileStatus | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) if stat.S_ISREG(info.st_mode) else None


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


def _package_stamp(module_name: str, limit: int = 5000) -> list:
    """Size and mtime of every file of the top-level package of ``module_name``
    (a namespace package's files too, in every directory it spans)."""
    top = module_name.split(".", 1)[0]
    module = sys.modules.get(top)
    location = getattr(module, "__file__", None) if module is not None else None
    stamp: list = [top, str(getattr(module, "__version__", ""))]
    if location and os.path.basename(location) != "__init__.py":
        try:
            info = os.stat(location)
        except OSError:
            return stamp + ["unreadable"]
        return stamp + [[os.path.basename(location), info.st_size, info.st_mtime_ns]]
    if location:
        roots = [os.path.dirname(location)]
    else:  # a namespace package: no __init__.py, one or more directories
        try:
            roots = sorted(str(path) for path in getattr(module, "__path__", None) or ())
        except Exception:  # an exotic importer's path object
            roots = []
        if not roots:
            return stamp + ["no file"]
    files = []
    for root in roots:
        pending = [root]
        cut = len(root) if len(roots) == 1 else 0  # one root: paths relative to it
        while pending:  # os.scandir, not os.walk: this runs on every cached run, pre-commit included
            try:
                entries = list(os.scandir(pending.pop()))
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name != "__pycache__":
                        pending.append(entry.path)
                elif not name.endswith((".pyc", ".pyo")):
                    try:
                        info = entry.stat()
                    except OSError:
                        continue
                    files.append((entry.path[cut:], info.st_size, info.st_mtime_ns))
                    if len(files) >= limit:
                        return stamp + sorted(files) + ["truncated"]
    files.sort()
    return stamp + files


def code_packages(ctx) -> list[str]:
    """The top-level packages whose code decides ``ctx``'s findings: aiplan and each
    package a rule's check comes from, once each (the built-in rules' ten modules are
    one package: one stamp to hash, not ten)."""
    tops = {"aiplan"} | {
        (getattr(rule.check, "__module__", None) or "").split(".", 1)[0]
        for rule in ctx.rules.values() if rule.check is not None
    }
    return sorted(top for top in tops if top)


# -- trust: a per-user key outside the repository ------------------------------

KEY_BYTES = 32
_MAC_BYTES = 32


def key_path() -> str:
    """Where this user's cache key lives: ``$XDG_CACHE_HOME/aiplan/cache-key``
    (default ``~/.cache``), never in the repository being linted."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(os.path.abspath(base), "aiplan", "cache-key")


def _load_key() -> bytes:
    """This user's key (made on first use, readable by this user only). Raises
    ``OSError`` when there is no trustworthy key: then there is no cache."""
    path = key_path()
    for _ in range(2):
        try:
            data = read_regular(path, KEY_BYTES, follow_symlinks=False)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            try:
                atomic_write(path, os.urandom(KEY_BYTES), overwrite=False, mode=0o600)
            except FileExistsError:  # another run made it meanwhile
                pass
            continue
        info = os.lstat(path)
        if info.st_uid != os.geteuid() or info.st_mode & 0o077 or len(data) != KEY_BYTES:
            raise OSError(f"{path} is not this user's private cache key (owner, permissions or size)")
        return data
    raise OSError(f"cannot create the cache key {path}")


_FORMAT_CONTEXT = FORMAT.encode() + b"\0"


def _mac(key: bytes, payload: "bytes | memoryview", context: bytes = b"") -> bytes:
    """A file's MAC: HMAC-SHA256 over the format, ``context`` and ``payload``, hashed where
    they lie (a warm run authenticates megabytes of shards: no copy of them). OpenSSL's
    SHA-256 runs on the CPU's SHA extensions, three times keyed BLAKE2b's speed there (the
    MAC of ``lint-v6``; see :mod:`aiplan.core.digest`)."""
    return hmac_sha256(key, _FORMAT_CONTEXT, context, payload)


def _read_authenticated(path: str, limit: int, key: bytes | None, context: bytes = b"") -> dict | None:
    """The dict a file of this format holds (a shard, the checked-packs records), or ``None``
    if it is missing, unreadable, not written with ``key`` (its MAC over ``context`` and the
    payload) or not of this format; the caller checks the dict's shape."""
    try:
        # A file replaced by a FIFO, a link or a huge file is none of ours.
        data = read_regular(path, limit, follow_symlinks=False)
    except (OSError, ValueError):
        return None
    if key is None or len(data) < _MAC_BYTES:
        return None
    payload = memoryview(data)[_MAC_BYTES:]  # a view: the shard's megabytes are not copied
    if not same_digest(data[:_MAC_BYTES], _mac(key, payload, context)):
        return None  # written by someone else, or damaged: never trusted
    try:
        content = _loads_long_lived(payload)
    except Exception:  # corrupt, truncated or foreign: ignored, rebuilt on the next write
        return None
    if not (isinstance(content, dict) and content.get("format") == FORMAT):
        return None
    return content


def _loads_long_lived(payload: "bytes | memoryview") -> Any:
    """``marshal.loads(payload)``, its objects handed straight to the cyclic collector's oldest
    generation. A shard's entries live until the run's lookups are done and hold no reference
    cycles, but as new objects they counted towards the next young collection, which then
    traversed all of them: a second run over the 10,000 bench plans made one such collection
    of a few hundred thousand objects in its lookups, and none with this. ``freeze`` then
    ``unfreeze`` moves every tracked object to the oldest generation without traversing any
    (and starts the young count afresh); left alone when the collector is off or a program
    holding aiplan froze objects of its own, which ``unfreeze`` would thaw."""
    if not gc.isenabled() or gc.get_freeze_count():
        return marshal.loads(payload)
    gc.disable()  # no young collection in the middle of the decoding either
    try:
        return marshal.loads(payload)
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


# The evidence store's entries keep HMAC-SHA256, bound to the format it came with: they are
# small, so keyed BLAKE2b would save little. (Their scopes are named by BLAKE2b since round 7,
# so an upgrade starts them afresh all the same.)
_EVIDENCE_MAC_CONTEXT = b"lint-v4\0"


def _evidence_mac(key: bytes, payload: bytes) -> bytes:
    return hmac_sha256(key, _EVIDENCE_MAC_CONTEXT + payload)


def _tracked_by_git(directory: str) -> bool:
    """Whether git tracks anything under ``directory`` (its index names a path
    there): a cache committed to the repository came from someone else."""
    current = repository_root(os.path.dirname(directory))
    if current is None:
        return False
    dot_git = os.path.join(current, ".git")
    git_dir = dot_git
    if os.path.isfile(dot_git):  # a worktree or submodule: "gitdir: <path>"
        try:
            line = read_regular(dot_git, 4096).decode("utf-8", "replace").strip()
        except OSError:
            return False
        if not line.startswith("gitdir:"):
            return False
        git_dir = os.path.join(current, line[len("gitdir:"):].strip())
    try:
        index = read_regular(os.path.join(git_dir, "index"), MAX_INDEX_BYTES)
    except OSError:
        return False
    relative = os.path.relpath(directory, current).replace(os.sep, "/")
    return (relative + "/").encode("utf-8", "surrogateescape") in index


# The git index read to tell whether the cache is tracked; a larger one is not read.
MAX_INDEX_BYTES = 64 * 1024 * 1024


class LintCache:
    """Results by file, for one run. Look up before linting, store after, save at the end."""

    def __init__(self, directory: str, render: PartRenderer | None = None):
        self.directory = os.path.abspath(directory)
        self.render = render  # each stored result's part of the text report (see PartRenderer)
        self.usable = True
        self.problem: str | None = None   # why the cache was turned off during this run
        self.hits = 0
        self.misses = 0
        # The lines the findings of each result looked up or stored point at, by display
        # path: what the text report shows (RunResult.sources).
        self.sources: dict[str, ShownLines] = {}
        self._scopes: dict[int, tuple[Any, str]] = {}
        self._read: dict[tuple[str, int], dict] = {}      # shards read for lookups
        self._new: dict[tuple[str, int], dict] = {}       # entries to write, by shard
        self._packages: dict[str, str] = {}  # a top-level package's code stamp, digested once a run
        self._decode: Callable[[Any], FileResult] | None = None  # shards share equal strings already
        self._shared: dict = {}                           # equal strings of stored entries share one object
        self._exists = ExistenceChecks()                  # existence checks of this run's lookups
        self._now = int(time.time())
        self._key: bytes | None = None

    def _ready(self) -> bool:
        """Whether this cache may be trusted and written, checked once per run:
        its directory is no symbolic link and not tracked by git, and this
        user's key is at hand. Otherwise the run goes on without the cache."""
        if self._key is not None or not self.usable:
            return self.usable
        problem = None
        if os.path.islink(self.directory):
            problem = "it is a symbolic link; aiplan never writes its cache through one"
        elif os.path.isdir(self.directory) and _tracked_by_git(self.directory):
            problem = "it is tracked by git: a committed cache came from someone else"
        else:
            try:
                self._key = _load_key()
            except (OSError, ValueError) as exc:
                problem = f"no private key to authenticate it: {getattr(exc, 'strerror', None) or exc}"
        if problem is not None:
            self.usable = False
            self.problem = f"not using the cache in {self.directory}: {problem}"
        return self.usable

    # -- keys -----------------------------------------------------------------

    def scope(self, ctx) -> str:
        """The digest of everything besides the file that decides its findings."""
        known = self._scopes.get(id(ctx))
        if known is not None and known[0] is ctx:
            return known[1]
        code = [self._code_stamp(top) for top in code_packages(ctx)]
        state = [FORMAT, list(sys.version_info[:2]), ctx.fingerprint(), code, codec.layout(),
                 c_parser_available()]  # the two parsers word syntax errors differently
        digest = blake2b_256(marshal.dumps(state, 0)).hexdigest()[:32]  # marshal: see LintContext.fingerprint
        self._scopes[id(ctx)] = (ctx, digest)
        return digest

    def _code_stamp(self, top: str) -> str:
        """The digest of ``top``'s :func:`_package_stamp`, made once a run: the lint results'
        scope and the evidence store's both hold it (each hashed the ~115 file stamps' text)."""
        stamp = self._packages.get(top)
        if stamp is None:
            stamp = self._packages[top] = blake2b_256(marshal.dumps(_package_stamp(top), 0)).hexdigest()
        return stamp

    @staticmethod
    def digest(data: bytes) -> bytes:
        return blake2b_256(data).digest()

    @staticmethod
    def _shard_of(display_path: str) -> int:
        return crc32(display_path.encode("utf-8", "surrogatepass")) % SHARDS

    def _shard_path(self, scope: str, shard: int) -> str:
        return os.path.join(self.directory, FORMAT, scope, f"{shard:02x}")

    # -- reading --------------------------------------------------------------

    def _read_shard(self, path: str) -> dict:
        """The entries of a shard file; empty if it is missing, unreadable, not a
        shard, or not written with this user's key."""
        content = _read_authenticated(path, MAX_SHARD_BYTES, self._key)
        if content is None or not isinstance(content.get("entries"), dict):
            return {}
        return content["entries"]

    def lookup(self, real_path: str, display_path: str, ctx, read: Callable[[str], bytes | None]) -> FileResult | None:
        """The stored result for this file as it is now, or ``None``.

        ``read(real_path)`` returns the file's bytes, or ``None`` if it cannot
        be read as a plan (those files are linted, never cached). It is called
        only when the file's status is not the one recorded (see "The stat fast
        path" above).
        """
        if not self._ready():
            return None
        try:
            key = (self.scope(ctx), self._shard_of(display_path))
            entries = self._read.get(key)
            if entries is None:
                entries = self._read[key] = self._read_shard(self._shard_path(*key))
            entry = entries.get(display_path)
            if entry is None:
                return None
            digest, status, dependencies, payload, lines = entry[0], entry[1], entry[2], entry[3], entry[5]
            settled = None
            if status is None or _current_status(real_path) != status:
                settled = settled_status(real_path)  # before reading: an edit meanwhile shows next time
                data = read(real_path)
                if data is None or self.digest(data) != digest:
                    return None
            if dependencies and not _dependencies_hold(real_path, dependencies, self._exists):
                return None
            if self._decode is None:
                self._decode = codec.result_decoder()
            printed = entry[6]
            result: FileResult
            if _valid_shown(printed, payload, display_path):  # its path and no errors, checked
                result = codec.CachedResult.of(display_path, payload, self._decode, printed)
            else:
                result = self._decode(payload)
                printed = None
                if result.path != display_path or result.errors:
                    return None
        except Exception:  # a damaged entry is a miss, never a failure
            return None
        if lines is not None and not _valid_lines(lines):
            return None
        if settled is not None and settled != status:  # its bytes vouched for it: next time its status will
            if printed is None:
                try:
                    printed = shown(result, lines, self.render)
                except Exception:  # as in store: the entry is kept without its part, never a failed run
                    printed = shown(result, lines, None)
            self._new.setdefault(key, {})[display_path] = (digest, settled, dependencies, payload, self._now, lines,
                                                           printed)
        if lines is not None:
            self.sources[display_path] = lines
        self.hits += 1
        return result

    def answer_from(self, listings: "Mapping[str, Listing]") -> None:
        """Answer the existence checks of this run's lookups from what discovery listed
        (:class:`ExistenceChecks`)."""
        self._exists = ExistenceChecks(listings)

    def done_reading(self) -> None:
        """Forget the shards read for lookups (the files' results are out): memory
        for the rest of the run. Saving reads what it merges from disk again."""
        self._read.clear()
        self._decode = None  # the cached results keep theirs
        self._exists = ExistenceChecks()

    # -- writing --------------------------------------------------------------

    def store(self, display_path: str, ctx, digest: bytes, dependencies: Iterable[Dependency],
              result: FileResult, payload: Any = None, status: FileStatus | None = None,
              lines: ShownLines | None = None) -> None:
        """Remember ``result`` for the file whose bytes hash to ``digest``
        (``payload``: the result already encoded, if it is at hand; ``status``:
        the file's :func:`settled_status` taken before those bytes were read;
        ``lines``: :func:`shown_lines` of those bytes)."""
        self.misses += 1
        if not self.usable or result.errors or result.path != display_path:
            return
        if lines is not None:
            self.sources[display_path] = lines
        if payload is None:
            payload = codec.encode(result)
            if payload is None:  # holds something the codec does not know: lint it next time
                return
        try:
            key = (self.scope(ctx), self._shard_of(display_path))
            printed = shown(result, lines, self.render)
        except Exception:  # never fails the run: the file is linted again next time
            return
        # Equal strings and string tuples of every entry become one object, so that
        # marshal writes each once per shard (a reference after that) and reads it once.
        payload = _shared(payload, self._shared)
        dependencies = tuple(sorted(set(dependencies)))
        self._new.setdefault(key, {})[display_path] = (digest, status, dependencies, payload, self._now, lines,
                                                       printed)

    def save(self) -> None:
        """Write every shard this run added to. Never raises."""
        if not self._new or not self._ready():
            return
        try:
            self._prepare_directory()
            for key in sorted(self._new):
                self._write_shard(*key)
            self._new.clear()
        except (OSError, ValueError) as exc:
            self.usable = False
            self.problem = f"cannot write the cache in {self.directory}: {getattr(exc, 'strerror', None) or exc}"
            return
        prune_scopes(self.directory, {scope for _, scope in self._scopes.values()})

    def _prepare_directory(self) -> None:
        _prepare_directory(self.directory)

    def evidence_store(self) -> "EvidenceStore | None":
        """Where the evidence reader keeps each data file's results, or ``None``
        when this cache cannot be trusted or written."""
        if not self._ready():
            return None
        assert self._key is not None
        scope = blake2b_256(repr([EVIDENCE_FORMAT, list(sys.version_info[:2]),
                             self._code_stamp("aiplan")]).encode()).hexdigest()[:32]
        return EvidenceStore(os.path.join(self.directory, EVIDENCE_FORMAT, scope), self.directory, self._key)

    def checked_packs(self) -> "CheckedPacks":
        """The record of policy packs whose rule schemas were found valid (see :class:`CheckedPacks`)."""
        return CheckedPacks(self)

    def _write_shard(self, scope: str, shard: int) -> None:
        path = self._shard_path(scope, shard)
        _real_directory(os.path.dirname(os.path.dirname(path)))
        _real_directory(os.path.dirname(path))
        # Another run may have written this shard since it was read: keep its
        # entries, ours win for the files we linted. Old entries are dropped.
        oldest = self._now - MAX_AGE_SECONDS
        merged = {key: entry for key, entry in self._read_shard(path).items()
                  if type(entry) is tuple and len(entry) == 7 and type(entry[4]) is int and entry[4] >= oldest}
        merged.update(self._new[(scope, shard)])
        data = marshal.dumps({"format": FORMAT, "entries": merged})
        if len(data) + _MAC_BYTES > MAX_SHARD_BYTES:  # keep this run's entries only, if they fit
            data = marshal.dumps({"format": FORMAT, "entries": self._new[(scope, shard)]})
            if len(data) + _MAC_BYTES > MAX_SHARD_BYTES:
                return
        assert self._key is not None
        _replace(path, _mac(self._key, data) + data)


# -- policy packs already checked against the JSON Schema meta-schema -----------------

# The packages whose code checks a pack's schemas (aiplan.policy.pack): jsonschema, the
# meta-schemas it ships in jsonschema_specifications, the resolver of their references, and the
# optional modules jsonschema checks the meta-schema's `uri`/`uri-reference` formats with
# (`$ref`, `$id`, `$schema`) when they can be imported: installing one changes the verdict.
SCHEMA_CHECKER_PACKAGES = ("jsonschema", "jsonschema_specifications", "referencing", "rfc3987", "rfc3986_validator")
CHECKED_PACKS = "checked-packs"   # in the format folder: no scope name, so pruning leaves it alone
MAX_CHECKED_PACKS_BYTES = 1024 * 1024
_CHECKED_PACKS_CONTEXT = CHECKED_PACKS.encode() + b"\0"   # its MAC is no shard's


def _checker_stamp() -> list:
    """The name, size and modification time of each file at the top of the packages of
    :data:`SCHEMA_CHECKER_PACKAGES`, found without importing them (importing jsonschema is
    what the record spares): an upgrade, a downgrade or an edit of one changes it."""
    from importlib.machinery import PathFinder  # start-up: only a run with a policy pack

    stamp: list = []
    for name in SCHEMA_CHECKER_PACKAGES:
        module = sys.modules.get(name)
        try:
            spec = module.__spec__ if module is not None else PathFinder.find_spec(name)
            locations = list(spec.submodule_search_locations or ()) if spec is not None else []
        except Exception:  # an exotic finder or module: no stamp, so no record holds
            return ["unknown"]
        if not locations:
            origin = getattr(spec, "origin", None) if spec is not None else None
            try:  # a single-file module (rfc3987.py): that file
                info = os.stat(origin) if origin else None
            except (OSError, TypeError, ValueError):
                info = None
            stamp.append([name, [(origin, info.st_size, info.st_mtime_ns)] if info else "missing"])
            continue
        files = []
        for location in sorted(locations):
            try:
                with os.scandir(location) as entries:
                    for entry in entries:
                        if entry.is_file(follow_symlinks=False):
                            info = entry.stat(follow_symlinks=False)
                            files.append((entry.path, info.st_size, info.st_mtime_ns))
            except OSError:
                return ["unreadable"]
        stamp.append([name, sorted(files)])
    return stamp


class CheckedPacks:
    """The policy packs whose rules' ``when`` and ``require`` schemas this user's runs
    found valid against the draft 2020-12 meta-schema (and using only formats jsonschema
    checks), so that a repository with an unchanged pack does not import jsonschema to
    check them again on every run (:func:`aiplan.policy.pack.load_pack`).

    A record is the digest of everything the verdict depends on: the pack's bytes
    (their SHA-256), aiplan's code (its stamp, as for the lint results), the code of
    jsonschema and the meta-schemas (:func:`_checker_stamp`) and the Python version
    (its regular expressions). Records are kept in one file of the results cache,
    authenticated with the user's key like the shards (a record that fails is none:
    the pack is checked in full), written atomically and dropped after
    :data:`MAX_AGE_SECONDS`. Without a usable cache (``--no-cache``), every pack is
    checked in full."""

    def __init__(self, cache: LintCache):
        self._cache = cache
        self._records: dict | None = None
        self._checker: list | None = None

    def _path(self) -> str:
        return os.path.join(self._cache.directory, FORMAT, CHECKED_PACKS)

    def _record_key(self, digest: str) -> str:
        if self._checker is None:
            self._checker = _checker_stamp()
        state = [FORMAT, CHECKED_PACKS, sys.version, self._cache._code_stamp("aiplan"), self._checker, digest]
        return blake2b_256(repr(state).encode()).hexdigest()

    def _read(self) -> dict:
        cache = self._cache
        content = _read_authenticated(self._path(), MAX_CHECKED_PACKS_BYTES, cache._key, _CHECKED_PACKS_CONTEXT)
        if content is None or not isinstance(content.get("records"), dict):
            return {}
        oldest = cache._now - MAX_AGE_SECONDS
        return {key: when for key, when in content["records"].items()
                if type(key) is str and type(when) is int and when >= oldest}

    def holds(self, digest: str) -> bool:
        """Whether the pack whose bytes have the SHA-256 ``digest`` was found valid before."""
        if not self._cache._ready():
            return False
        try:
            if self._records is None:
                self._records = self._read()
            return self._record_key(digest) in self._records
        except Exception:  # the record only saves time: a failure is a full check
            return False

    def record(self, digest: str) -> None:
        """Remember that the pack whose bytes have the SHA-256 ``digest`` is valid. Never raises."""
        cache = self._cache
        if not cache._ready():
            return
        try:
            records = self._read()   # again: another run may have added records since
            records[self._record_key(digest)] = cache._now
            data = marshal.dumps({"format": FORMAT, "records": records})
            if len(data) + _MAC_BYTES > MAX_CHECKED_PACKS_BYTES:
                return
            _prepare_directory(cache.directory)
            _real_directory(os.path.dirname(self._path()))
            assert cache._key is not None
            _replace(self._path(), _mac(cache._key, data, _CHECKED_PACKS_CONTEXT) + data)
            self._records = records
        except (OSError, ValueError):  # a cache that cannot be written: the next run checks in full again
            pass


# -- old scopes: what upgrades and other settings left behind ------------------------

# A scope folder not written for this long is removed by a run that writes another:
# every entry in it is older than MAX_AGE_SECONDS, so its next write would drop them all.
SCOPE_PRUNE_SECONDS = 24 * 3600   # at most this often (the marker's modification time)
_PRUNED = ".pruned"   # its modification time: when the folder holding it was last pruned
_HEX = frozenset("0123456789abcdef")


def _is_format_name(name: str) -> bool:
    """``lint-v<N>``: a results folder of this or another version of the cache format."""
    return name.startswith("lint-v") and name[6:].isascii() and name[6:].isdigit()


def _is_scope_name(name: str) -> bool:
    return len(name) == 32 and set(name) <= _HEX


def _is_ours(name: str) -> bool:
    """A name aiplan writes in a scope folder: a shard, or a temporary file of :func:`_replace`."""
    return (len(name) == 2 and set(name) <= _HEX) or (name.startswith(".") and name.endswith(".tmp"))


def _claim_pruning(marker: str, now: float, interval: float) -> bool:
    """Whether this run prunes now: the ``marker`` file (its modification time: the last
    pruning) is older than ``interval`` seconds or absent, and this run rewrote it first, so
    a concurrent run sees it and does not prune too. False when it cannot be written."""
    try:
        if now - os.stat(marker, follow_symlinks=False).st_mtime < interval:
            return False
    except OSError:
        pass
    try:
        _replace(marker, b"")
        os.utime(marker, (now, now), follow_symlinks=False)
    except OSError:
        return False
    return True


def prune_scopes(directory: str, in_use: Iterable[str], now: float | None = None) -> None:
    """Remove the scope folders of the results cache in ``directory`` (any ``lint-v<N>``
    format) not written for :data:`MAX_AGE_SECONDS` and not in ``in_use`` (this run's
    scopes), then format folders left empty; at most once every :data:`SCOPE_PRUNE_SECONDS`.

    Only what aiplan wrote goes: a folder whose name is a scope's and that holds nothing
    but shards and temporary files of the cache, none of them a link. It is renamed first
    (atomically: a concurrent run sees no scope, a miss, never part of one), then emptied
    and removed. Anything else (a link, a file of another name) leaves it as it is.
    Never raises."""
    now = time.time() if now is None else now
    if not _claim_pruning(os.path.join(directory, FORMAT, _PRUNED), now, SCOPE_PRUNE_SECONDS):
        return
    try:
        formats = [name for name in os.listdir(directory) if _is_format_name(name)]
    except OSError:
        return
    keep = set(in_use)
    oldest = now - MAX_AGE_SECONDS
    for format_name in sorted(formats):
        folder = os.path.join(directory, format_name)
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                continue
            names = os.listdir(folder)
        except OSError:
            continue
        for name in sorted(names):
            stale = name.startswith(".") and name.endswith(".removing")   # a removal cut short
            if not stale and (not _is_scope_name(name) or (format_name == FORMAT and name in keep)):
                continue
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) and info.st_mtime < oldest:
                _remove_scope(path, now)
        if format_name != FORMAT:
            try:
                os.rmdir(folder)   # only if empty
            except OSError:
                pass


def _remove_scope(path: str, now: float) -> None:
    """Rename the scope folder ``path`` out of the way, empty it and remove it, if it holds
    only files the cache writes (see :func:`prune_scopes`)."""
    def only_ours(folder: str) -> bool:
        try:
            return all(_is_ours(name) and stat.S_ISREG(os.lstat(os.path.join(folder, name)).st_mode)
                       for name in os.listdir(folder))
        except OSError:
            return False

    if not only_ours(path):
        return
    folder, name = os.path.split(path)
    doomed = path
    if not name.endswith(".removing"):
        doomed = os.path.join(folder, f".{name}.{os.getpid()}.{int(now)}.removing")
        try:
            os.rename(path, doomed)
        except OSError:
            return
    if not only_ours(doomed):   # something came in before the rename: left where it is now
        return
    for entry in os.listdir(doomed):
        _unlink(os.path.join(doomed, entry))
    try:
        os.rmdir(doomed)
    except OSError:
        pass


# -- evidence: each data file's results, apart from the plans' ---------------------

EVIDENCE_FORMAT = "evidence-v1"
# An entry (a data file's profile, a training pass) is small; a larger file is no entry.
MAX_EVIDENCE_ENTRY_BYTES = 4 * 1024 * 1024
# Pruning, at most once a day, by a run that wrote an entry: entries not used (read or
# written) for MAX_AGE_SECONDS go, in every code scope (an upgrade leaves the old one
# behind), then the least recently used ones until the store holds MAX_EVIDENCE_BYTES.
MAX_EVIDENCE_BYTES = 256 * 1024 * 1024
EVIDENCE_PRUNE_SECONDS = 24 * 3600


class EvidenceStore:
    """The results of reading data files, one authenticated file per entry.

    The evidence reader (:class:`aiplan.evidence.reader.EvidenceReader`) keys
    an entry by what it read (the files' paths, the per-file settings, the byte
    budget, the near-duplicate searches) and stores it with the content stamp
    of every file it read, which it checks again before reusing it. So editing
    a plan re-lints the plan without reading unchanged data again; changing a
    data file (or aiplan's code: ``directory`` is per code stamp) reads it again.
    Entries are written atomically and authenticated with the cache's key, like
    the shards of :class:`LintCache`; one that fails either is a miss.
    """

    def __init__(self, directory: str, cache_directory: str, key: bytes):
        self.directory = directory
        self._cache_directory = cache_directory
        self._key = key

    def _path(self, entry_key: str) -> str:
        return os.path.join(self.directory, entry_key[:2], entry_key)

    def get(self, entry_key: str) -> Any:
        path = self._path(entry_key)
        try:
            data = read_regular(path, MAX_EVIDENCE_ENTRY_BYTES, follow_symlinks=False)
        except (OSError, ValueError):
            return None
        mac, payload = data[:_MAC_BYTES], data[_MAC_BYTES:]
        if len(data) < _MAC_BYTES or not same_digest(mac, _evidence_mac(self._key, entry_key.encode() + b"\0" + payload)):
            return None
        try:
            value = marshal.loads(payload)
        except Exception:  # damaged: a miss, rewritten after the next read
            return None
        try:
            os.utime(path, follow_symlinks=False)  # used now: pruning goes by last use
        except OSError:
            pass
        return value

    def put(self, entry_key: str, value: Any) -> None:
        payload = marshal.dumps(value)
        if len(payload) + _MAC_BYTES > MAX_EVIDENCE_ENTRY_BYTES:
            return
        _prepare_directory(self._cache_directory)
        folder = os.path.dirname(self._path(entry_key))
        for level in (os.path.dirname(os.path.dirname(self.directory)), os.path.dirname(self.directory),
                      self.directory, folder):
            _real_directory(level)
        _replace(self._path(entry_key), _evidence_mac(self._key, entry_key.encode() + b"\0" + payload) + payload)
        self.prune()

    def prune(self, now: float | None = None) -> None:
        """Drop entries unused for ``MAX_AGE_SECONDS``, then the least recently used
        until the store (every code scope) holds ``MAX_EVIDENCE_BYTES``; at most once
        every ``EVIDENCE_PRUNE_SECONDS``. Safe beside other runs: an entry removed while
        another run wants it is a miss there, and a folder is removed only when empty."""
        now = time.time() if now is None else now
        root = os.path.dirname(self.directory)
        marker = os.path.join(root, _PRUNED)
        if not _claim_pruning(marker, now, EVIDENCE_PRUNE_SECONDS):
            return
        entries: list[tuple[float, int, str]] = []
        folders: list[str] = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            folders.append(folder)
            for name in files:
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path, follow_symlinks=False)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode) or path == marker:
                    continue
                if name.startswith("."):   # a temporary file a crashed run left
                    if now - info.st_mtime > EVIDENCE_PRUNE_SECONDS:
                        _unlink(path)
                    continue
                entries.append((info.st_mtime, info.st_size, path))
        entries.sort(reverse=True)   # most recently used first
        kept = 0
        full = False
        for used, size, path in entries:
            full = full or kept + size > MAX_EVIDENCE_BYTES
            if full or now - used > MAX_AGE_SECONDS:
                _unlink(path)
            else:
                kept += size
        for folder in sorted(folders, key=len, reverse=True):
            if folder != root:
                try:
                    os.rmdir(folder)   # only if empty
                except OSError:
                    pass


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _prepare_directory(directory: str) -> None:
    os.makedirs(os.path.dirname(directory), exist_ok=True)
    _real_directory(directory)
    for name, text in ((".gitignore", "# Created by aiplan: this cache is never committed.\n*\n"),
                       ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        path = os.path.join(directory, name)
        if not os.path.lexists(path):  # a link is replaced by the rename, never written through
            _replace(path, text.encode())


def _real_directory(path: str) -> None:
    """Make ``path`` a directory if it is not one; raise ``OSError`` if it is
    anything else (a symbolic link above all: the cache never writes through one)."""
    try:
        os.mkdir(path, 0o755)
    except FileExistsError:
        pass
    if not stat.S_ISDIR(os.lstat(path).st_mode):
        raise OSError(f"{path} is not a directory (a symbolic link?)")


class ExistenceChecks:
    """Whether the paths plans name exist (:func:`aiplan.lint.engine.names_existing`),
    for one run's lookups, answered from one listing per folder asked about often.

    Plans beside each other name the same folders (``evals/``, ``data/``): ten thousand
    plans ask about ~49,000 paths in ~4,000 folders, one ``stat`` each. A folder discovery
    listed in this run (``listings``: :func:`aiplan.run.discovery.discover`'s) is answered
    from that listing from the first path asked about in it; another one from the
    :data:`LISTED_AFTER` th time it is asked about on (a cached result's paths in one folder
    ask once), when it is listed once (``os.scandir``). A name in the listing that is no
    symbolic link exists. The first listed name is also looked up with
    ``stat``: a folder that can be read but not searched (mode ``r--``) lists names ``stat``
    cannot reach, and is then never answered from its listing. A name not in the listing (a
    glob, a symbolic link, another case on a case-insensitive file system, ``.`` or ``..``)
    is checked with ``stat`` as before. Discovery's listings are found by the folder's path
    as discovery walked it, only when the path a plan names goes down by plain names (no
    ``.``, ``..`` or empty part).
    """

    LISTED_AFTER = 3

    __slots__ = ("_folders", "_stamps", "_listed", "_within", "_files", "_absolute", "_listings")

    def __init__(self, listings: "Mapping[str, Listing] | None" = None) -> None:
        # Per (plan's folder, folder part of the path it names): how many paths were asked
        # about in it so far (an int), then its listing (a frozenset of names), or None when
        # it cannot be listed or trusted.
        self._folders: dict[tuple[str, str], "int | frozenset[str] | None"] = {}
        # Per (data file's path, content stamp), and per (plan's folder, glob or folder it names,
        # listing stamp): whether the stamp held when first checked.
        self._stamps: dict[tuple[str, str], bool] = {}
        self._listed: dict[tuple[str, str, str], bool] = {}
        # Made when a result read data: evidence.files is not imported at start-up. The module is
        # kept with it: an import statement per check cost more than the check (a few microseconds).
        self._within: "WithinRepository | None" = None
        self._files: Any = None
        # Per plan folder as found: its absolute path (one getcwd() per folder, not per plan).
        self._absolute: dict[str, str] = {}
        # What discovery listed in this run, by folder path as it walked them.
        self._listings = listings or {}

    def absolute(self, folder: str) -> str:
        """``os.path.abspath(folder)``, once per folder in a run (the working directory
        does not change during one)."""
        found = self._absolute.get(folder)
        if found is None:
            found = self._absolute[folder] = os.path.abspath(folder)
        return found

    def within(self) -> "WithinRepository":
        """The run's :class:`aiplan.evidence.files.WithinRepository`: repository roots and
        resolved folders, shared by every lookup of the run."""
        if self._within is None:
            from aiplan.evidence import files  # start-up: only for results that read data

            self._files = files
            self._within = files.WithinRepository()
        return self._within

    def data_file_holds(self, base: str, path: str, stamp: str) -> bool:
        """Whether the data file ``path`` a result read still lies inside the repository
        holding the plan in ``base`` (the evidence location rule, applied again) and still
        holds what its content ``stamp`` recorded (:func:`aiplan.evidence.files.stamp_holds`).
        A data file named by many plans is looked at once per run (one ``lstat`` answers
        both questions for a file that is no symbolic link)."""
        if not self.within()(base, path):
            return False
        key = (path, stamp)
        held = self._stamps.get(key)
        if held is None:
            held = self._stamps[key] = self._files.stamp_holds(path, stamp, self.within().status(path))
        return held

    def listing_holds(self, base: str, name: str, stamp: str) -> bool:
        """Whether the glob, folder or file ``name`` a result located from ``base`` still lists
        what its ``stamp`` recorded (:func:`aiplan.evidence.files.listing_holds`); once per run
        for the plans of one folder that name it."""
        key = (base, name, stamp)
        held = self._listed.get(key)
        if held is None:
            within = self.within()
            held = self._listed[key] = self._files.listing_holds(base, name, stamp, within)
        return held

    def __call__(self, base: str, relative: str) -> bool:
        """Whether ``relative`` (a path as a plan names it) exists in ``base``."""
        if not SLASH_ONLY:  # the names below are split at "/" only
            return names_existing(os.path.join(base, relative))
        slash = relative.rfind("/")
        listed = self.names_in(base, relative[:slash] if slash > 0 else "/" if slash == 0 else "")
        if listed is not None and relative[slash + 1:] in listed:
            return True
        return self.looked_up(base, relative)

    def names_in(self, base: str, below: str) -> "frozenset[str] | None":
        """The names that are no symbolic links in the folder ``below`` ``base`` (as the folder part
        of a path a plan names: ``""`` for ``base`` itself, ``"/"`` for the root), when it is
        answered from its listing; else ``None`` (each name is then looked up with ``stat``).
        A name not in it may still exist (see the class's docstring)."""
        key = (base, below)
        listed = self._folders.get(key, 0)
        if isinstance(listed, int):
            found = self._discovered(base, below) if self._listings else None
            if found is not None:
                listed = self._folders[key] = _searchable(os.path.join(base, below), found)
            elif listed + 1 < self.LISTED_AFTER:
                self._folders[key] = listed + 1
                return None
            else:
                listed = self._folders[key] = _listing(os.path.join(base, below))
        return listed

    def looked_up(self, base: str, relative: str) -> bool:
        """Whether ``relative`` exists in ``base``, by ``stat`` (a path its folder's listing does not answer)."""
        return names_existing(os.path.join(base, relative))

    def _discovered(self, base: str, below: str) -> "frozenset[str] | None":
        """The names that are no symbolic links in the folder ``below`` ``base`` as discovery
        listed it in this run, or ``None`` when it did not (listings are kept by the path
        discovery walked, as plans are found: ``base`` is one of those)."""
        if not below:
            folder = base
        elif below[0] == "/" or below[-1] == "/" or not _NOT_NAMES.isdisjoint(below.split("/")):
            return None
        else:
            folder = os.path.join(base, below)
        seen = self._listings.get(folder)
        if seen is None:
            return None
        files, dirs, symlinks = seen
        names = frozenset(files).union(dirs)
        return names.difference(symlinks) if symlinks else names


# The parts of a path that are no name in the folder above: discovery's listing cannot answer.
_NOT_NAMES = frozenset(("", ".", ".."))


def _searchable(folder: str, names: "frozenset[str]") -> "frozenset[str] | None":
    """``names`` (listed in ``folder``), or ``None`` when ``folder`` cannot be searched
    (see :class:`ExistenceChecks`)."""
    if names:
        try:
            os.stat(os.path.join(folder, next(iter(names))))
        except OSError:
            return None
    return names


def _listing(folder: str) -> "frozenset[str] | None":
    """The names in ``folder`` that are no symbolic links, or ``None`` when it cannot be
    listed, or searched (see :class:`ExistenceChecks`)."""
    try:
        with os.scandir(folder or os.curdir) as entries:  # "": the working directory
            names = frozenset([entry.name for entry in entries if not entry.is_symlink()])
    except OSError:
        return None
    return _searchable(folder, names)


def _dependencies_hold(real_path: str, dependencies, exists: ExistenceChecks) -> bool:
    """Whether every path the rules asked about still exists, or still does not
    (``exists``: an :class:`ExistenceChecks` of the run)."""
    # Relative to the working directory, as the run found the plan: no getcwd() per plan.
    folder = os.path.dirname(real_path)
    base = None
    # Paths whose content stamp held: they are regular files, so they exist. A data file a
    # plan names is also a path a rule asked about; its stamp (sorted first: "\0evidence:")
    # answers both. So does a listing check that held of a regular file ("\0listing:", the
    # training and held-out files compared): its lstat answers, not its folder's listing.
    stamped: set[str] = set()
    # The folder part of the last path asked about and the names listed in it: the paths are
    # sorted, so a plan's paths in one folder (data/ft/x/train.jsonl, data/ft/x/held-out.jsonl)
    # ask for its listing once (ExistenceChecks.names_in).
    below: str | None = None
    listed: "frozenset[str] | None" = None
    for relative, existed in dependencies:
        if type(existed) is str:  # a data file's content stamp, or a glob's listing (aiplan.evidence)
            if base is None:  # once per result: a plan names several data files
                base = exists.absolute(folder)
            name = relative.split(":", 1)[-1]
            if existed.startswith("evidence:"):
                path = os.path.join(base, name)
                if not exists.data_file_holds(base, path, existed):
                    return False
                stamped.add(name)
            elif existed.startswith("listing:"):
                if not exists.listing_holds(base, name, existed):
                    return False
                if exists.within().names_regular_file(base, name):
                    stamped.add(name)
            elif existed.startswith("extra:"):  # an optional extra the result found missing
                from aiplan.evidence.files import extra_holds  # start-up: as above

                if not extra_holds(name, existed):
                    return False
            elif existed.startswith("documents:"):  # a RAG source's documents
                from aiplan.evidence.corpus import documents_hold  # start-up: as above

                if not documents_hold(base, name, existed):
                    return False
            else:  # a stamp of a kind this code does not know: never trusted
                return False
            continue
        if existed is True and relative in stamped:
            continue
        if not SLASH_ONLY:  # the folder part below is split at "/" only
            if exists(folder, relative) != existed:
                return False
            continue
        # ExistenceChecks.__call__, its folder's listing kept from the path before.
        slash = relative.rfind("/")
        part = relative[:slash] if slash > 0 else "/" if slash == 0 else ""
        if part != below:
            below = part
            listed = exists.names_in(folder, part)
        if listed is not None and relative[slash + 1:] in listed:
            if existed is not True:
                return False
        elif exists.looked_up(folder, relative) != existed:
            return False
    return True


def _shared(value: Any, table: dict) -> Any:
    """``value`` (an encoded result) with each string, and each tuple of strings,
    replaced by the equal one already in ``table``. Only strings: ``(1,)``,
    ``(True,)`` and ``(1.0,)`` are equal keys but not the same value."""
    kind = type(value)
    if kind is str:
        return table.setdefault(value, value)
    if kind is tuple:
        if not value:
            return value
        key = ("tuple", value)
        try:
            found = table.get(key)  # a known tuple of strings (a result's `checked`): one lookup
        except TypeError:  # a record inside (a list): its parts
            return tuple([_shared(item, table) for item in value])
        if found is not None:
            return found
        items = tuple([table.setdefault(item, item) if type(item) is str else _shared(item, table)
                       for item in value])
        if all(type(item) is str for item in items):
            table[key] = items
        return items
    if kind is list:
        return [table.setdefault(item, item) if type(item) is str else item if type(item) in _PLAIN_VALUES
                else _shared(item, table) for item in value]
    return value


_PLAIN_VALUES = frozenset((str, int, float, bool, type(None)))


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


def recording_exists(real_path: str | None, evidence_store: EvidenceStore | None = None
                     ) -> tuple[Callable[[str], bool] | None, list[Dependency]]:
    """A ``file_exists`` check for the engine that also records what it was asked
    (and hands the evidence reader ``evidence_store``)."""
    if real_path is None:
        return None, []
    exists = _RecordingExists(os.path.dirname(os.path.abspath(real_path)), evidence_store)
    return exists, exists.asked


class _RecordingExists:
    """``file_exists(relative)`` for the engine, recording each answer in ``asked``.
    The evidence reader records its data files' content stamps with ``record`` and
    keeps each data file's results in ``evidence_store``."""

    __slots__ = ("base", "asked", "evidence_store")

    def __init__(self, base: str, evidence_store: EvidenceStore | None) -> None:
        self.base = base
        self.asked: list[Dependency] = []
        self.evidence_store = evidence_store

    def __call__(self, relative: str) -> bool:
        found = names_existing(os.path.join(self.base, relative))
        self.asked.append((relative, found))
        return found

    def record(self, dependency: Dependency) -> None:
        self.asked.append(dependency)
