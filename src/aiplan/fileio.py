"""Reading and writing files safely.

Every file aiplan reads (plans, configuration, baselines, policy packs, cache
shards, data files) goes through :func:`read_regular`: regular files only,
never more than a limit, never a hang on a FIFO or device. Every file it writes
goes through :func:`atomic_write`: whole or not at all.
"""

from __future__ import annotations

import os
import stat
from typing import Callable, Iterable

# Temporary files of atomic_write(): `.aiplan-<pid>-XXXXXXXX.tmp` beside the target.
TEMPORARY_PREFIX = ".aiplan-"
TEMPORARY_SUFFIX = ".tmp"
# A temporary file whose writer still runs is stale after this long anyway.
STALE_TEMPORARY_SECONDS = 24 * 3600


class NotRegularFile(OSError):
    """The path names a directory, FIFO, socket or device (or, with
    ``follow_symlinks=False``, a symbolic link)."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{kind}, not a regular file")
        self.filename = path
        self.kind = kind
        self.strerror = f"it is {kind}, not a regular file"


class FileTooLarge(OSError):
    """The file holds more than the reader's limit."""

    def __init__(self, path: str, size: int | None, limit: int) -> None:
        what = f"{size:,} bytes" if size is not None else "larger than that"
        super().__init__(f"over the {limit:,}-byte limit ({what})")
        self.filename = path
        self.size = size
        self.limit = limit
        self.strerror = f"it is over the {limit:,}-byte limit"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a device"


# O_NONBLOCK: opening a FIFO (swapped in after any stat()) returns at once
# instead of waiting for a writer; the opened file is then checked with fstat().
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_regular(path: str, max_bytes: int, *, follow_symlinks: bool = True, partial: bool = False) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_bytes`` of them.

    Raises :class:`NotRegularFile` for anything but a regular file (a symbolic
    link to ``/dev/zero`` or a FIFO included: checked on the opened file, so a
    swap between a check and the open changes nothing), :class:`FileTooLarge`
    when it holds more than ``max_bytes`` (found by reading at most one byte
    past the limit, whatever the file claims), or ``OSError``. With
    ``partial=True`` a larger file gives its first ``max_bytes`` instead.
    """
    # Devices are refused before they are opened (opening some has effects of
    # its own); the opened file is checked again, as it may have been swapped.
    before = os.stat(path) if follow_symlinks else os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotRegularFile(path, _kind(before.st_mode))
    if before.st_size > max_bytes and not partial:
        raise FileTooLarge(path, before.st_size, max_bytes)
    flags = _READ_FLAGS
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and os.path.islink(path):
            raise NotRegularFile(path, "a symbolic link") from None
        raise exc
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, _kind(info.st_mode))
        if info.st_size > max_bytes and not partial:
            raise FileTooLarge(path, info.st_size, max_bytes)
        # Ask for what fstat() promised plus one byte (asking for the whole
        # limit would allocate it for every file); if the file grows
        # meanwhile, read on, at most one byte past the limit.
        chunks = []
        total = 0
        wanted = min(info.st_size, max_bytes) + 1
        while total <= max_bytes:
            chunk = os.read(descriptor, min(wanted, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            wanted = max(wanted - len(chunk), 64 * 1024)
        if total > max_bytes:
            if partial:
                return b"".join(chunks)[:max_bytes]
            raise FileTooLarge(path, None, max_bytes)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def atomic_write(path: str, data: bytes | Iterable[bytes], *, overwrite: bool = True, mode: int | None = None,
                 before_replace: Callable[[], None] | None = None) -> None:
    """Write ``data`` (bytes, or pieces of them written as they come) to ``path`` atomically.

    The bytes go to a temporary file in the same directory, are flushed to disk,
    then take the target's name in one step: readers see the old file or the new
    one, never half of either. With ``overwrite=False`` the final step is a hard
    link, which fails with ``FileExistsError`` if the target appeared meanwhile.
    ``mode`` sets the permissions (default: the existing file's, else 0o644
    less the umask). An existing file's owner and group are kept where the
    process may set them (root fixing another user's file). ``before_replace``
    runs last, just before the rename: raising there leaves the target as it is.

    A symbolic link is followed: the file it points to is replaced and the link
    stays, as an editor's save does. A FIFO, socket or device (``/dev/null``,
    ``/dev/stdout``) is written straight through, never renamed over: replacing
    it would turn ``/dev/null`` into a regular file.
    """
    import tempfile  # only writers pay for its import (the pre-commit path reads)

    try:
        current = os.stat(path)  # through links: `/dev/stdout` -> `/proc/self/fd/1` -> a pipe
    except OSError:
        current = None
    if current is not None and not stat.S_ISREG(current.st_mode) and not stat.S_ISDIR(current.st_mode):
        if not overwrite:
            raise FileExistsError(path)
        # Opened by the name given: a pipe's resolved name (`/proc/1/fd/pipe:[5]`) cannot be opened.
        _write_through(path, data, before_replace)
        return
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    fd, temporary = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=TEMPORARY_SUFFIX,
                                     dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            existing: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            existing = None
        if mode is None:
            if existing is not None:
                mode = existing.st_mode & 0o7777
            else:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o644 & ~umask
        if existing is not None and (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(temporary, existing.st_uid, existing.st_gid)
            except OSError:  # not permitted: the file becomes ours, as any editor's save does
                pass
        os.chmod(temporary, mode)  # after chown, which may clear set-id bits
        if before_replace is not None:
            before_replace()
        if overwrite:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except (AttributeError, NotImplementedError, PermissionError):  # no hard links here
                if os.path.lexists(path):
                    raise FileExistsError(path) from None
                os.rename(temporary, path)
                return
            os.unlink(temporary)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _write_through(path: str, data: bytes | Iterable[bytes], before_replace: Callable[[], None] | None) -> None:
    """Write to a FIFO, socket or device in place: it has no contents to keep whole."""
    if before_replace is not None:
        before_replace()
    descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "wb") as handle:
        _write_all(handle, data)


def _write_all(handle, data: bytes | Iterable[bytes]) -> None:
    """Write ``data``, bytes or pieces of them as they come, to the open ``handle``."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        handle.write(data)
    else:
        handle.writelines(data)


def remove_stale_temporaries(directory: str) -> int:
    """Remove temporary files :func:`atomic_write` left in ``directory`` when its
    process was killed (``kill -9`` mid-write): those whose process has ended, or
    older than a day. Returns how many were removed; never raises."""
    import re  # start-up: only --fix cleans temporaries
    import time  # start-up: only --fix cleans temporaries

    pattern = re.compile(re.escape(TEMPORARY_PREFIX) + r"(\d+)-[A-Za-z0-9_]{8}" + re.escape(TEMPORARY_SUFFIX) + r"\Z")
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            pid = int(match.group(1))
            if _process_alive(pid) and now - info.st_mtime < STALE_TEMPORARY_SECONDS:
                continue  # another run is writing it right now
            os.unlink(entry.path)
            removed += 1
        except (OSError, ValueError):
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or not a pid: leave the file to age
    return True
