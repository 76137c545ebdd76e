"""Reading one large JSON Lines file in two processes.

A reference implementation (DuckDB) reads a file on every core; so does the
training pass when it can: the file is cut at a line boundary near the middle
of what the byte budget lets be read, a forked child reads the second half
while this process reads the first, each into its own tallies, and the child's
tallies are merged into this process's afterwards (their line numbers shifted
by the first half's lines). The merge gives exactly the result of reading the
file in one pass (``_Counts.merge`` in :mod:`aiplan.evidence.profile` says
how), so findings do not depend on whether a file was split.

Only where it is safe and pays: Linux (fork), two cores or more, no other
thread in this process, a plain (not ``.gz``) JSON Lines file with at least
:data:`SPLIT_MIN_BYTES` to read. A child that dies or fails leaves no trace but
a slower run: this process then reads the second half itself. A child never
outlives this process (it is killed when this process is interrupted, and
asks Linux to kill it if this process dies).
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
from typing import Any, Callable

from aiplan.core.child import die_with_parent, end_now

# Below this many bytes to read, a file is read in one process: forking and
# merging cost more than the second core saves.
SPLIT_MIN_BYTES = 16 * 1024 * 1024
_SCAN = 1 << 16


def can_split() -> bool:
    """Whether this process may fork a reader: Linux, two cores, no other thread."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2 and threading.active_count() == 1


def split_point(path: str, end: int) -> int | None:
    """A line boundary (the offset just after a newline) near ``end // 2``, or
    ``None`` when there is none before ``end``."""
    try:
        with open(path, "rb") as handle:
            handle.seek(end // 2)
            position = end // 2
            while position < end:
                chunk = handle.read(_SCAN)
                if not chunk:
                    return None
                newline = chunk.find(b"\n")
                if newline >= 0:
                    cut = position + newline + 1
                    return cut if cut < end else None
                position += len(chunk)
    except OSError:
        return None
    return None


class Child:
    """``work()`` running in a forked child; :meth:`result` is what it returned
    (builtin values, sent back with :mod:`marshal`), or ``None`` if it failed."""

    def __init__(self, work: Callable[[], Any]):
        read_end, write_end = os.pipe()
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            code = 70
            try:
                os.close(read_end)
                _become_child(parent)
                data = marshal.dumps(work())
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                code = 0
            except BaseException:
                pass
            finally:
                end_now(code)
        os.close(write_end)
        self._pid: int | None = pid
        self._read_end: int | None = read_end

    def result(self) -> Any:
        """Wait for the child: its result, or ``None`` if it died or failed."""
        try:
            read_end, self._read_end = self._read_end, None
            assert read_end is not None
            with os.fdopen(read_end, "rb") as source:
                data = source.read()
            assert self._pid is not None
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
        except BaseException:
            self.stop()
            raise
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None

    def stop(self) -> None:
        """Kill the child and reap it (this process was interrupted, or failed)."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        except OSError:
            pass
        self._pid = None
        if self._read_end is not None:
            os.close(self._read_end)
            self._read_end = None


def _become_child(parent: int) -> None:  # pragma: no cover - runs in the child
    """Die with the parent; leave Ctrl-C and the parent's time budget to the parent."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # the watchdog's timer is the parent's
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
