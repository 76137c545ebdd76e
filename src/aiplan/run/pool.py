"""Run independent jobs on every core, results in input order.

Linting is CPU-bound Python, so parallelism means processes. They are forked
(Linux): a child inherits the lint context as it is, including rules from
plugins and policy packs that could not be pickled, and starts in about a
millisecond. Elsewhere the caller lints serially.

How the work is shared:

* The indexes are cut into chunks. Chunk numbers go into a pipe before any
  worker starts; each worker (the parent included) takes the next chunk by
  reading four bytes from it, so a fast worker simply takes more chunks.
* Each child appends its results to its own unnamed temporary file (so it
  never blocks on a full pipe) and exits; the parent reads them at the end.
  Only results travel between processes, never inputs.
* If a child dies (a crash in a C extension, the OOM killer), the parent does
  its missing jobs itself: the run still completes, with the same results.
* Children ignore SIGINT. Ctrl-C raises ``KeyboardInterrupt`` in the parent,
  which kills the children and re-raises: one clean exit (130), no worker
  tracebacks.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, TypeVar

Result = TypeVar("Result")

# Below this many jobs a run stays serial: forking and collecting results
# costs more than it saves (measured with bench/run.py on 2 cores).
PARALLEL_MIN_JOBS = 48
_TOKEN_SIZE = 4  # a chunk number, little-endian unsigned
_PIPE_CAPACITY = 65536  # Linux's default pipe buffer: every token is written before any is read


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def workers_for(count: int, jobs: int) -> int:
    """How many processes to use for ``count`` jobs when ``jobs`` are allowed (0: all cores)."""
    jobs = available_cores() if jobs <= 0 else jobs
    if jobs <= 1 or count < PARALLEL_MIN_JOBS or not can_fork():
        return 1
    return min(jobs, count)


def run_ordered(work: Callable[[int], Result], count: int, workers: int,
                pack: Callable | None = None, unpack: Callable | None = None) -> list[Result]:
    """``[work(0), ..., work(count - 1)]``, computed by ``workers`` processes.

    A child sends ``pack(work(index))`` and the parent turns it back with
    ``unpack``: a cheaper form to move between processes (both default to as-is).
    """
    if workers <= 1 or count == 0:
        return [work(index) for index in range(count)]
    pack = pack or _same
    unpack = unpack or _same
    chunk = max(1, min(64, count // (workers * 8)))
    chunks = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    while len(chunks) * _TOKEN_SIZE > _PIPE_CAPACITY:  # keep every token in the pipe's buffer
        chunk *= 2
        chunks = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]

    import signal  # start-up: only when workers are forked
    import tempfile  # start-up: only when workers are forked

    results: dict[int, Result] = {}
    read_end, write_end = os.pipe()
    children: list[tuple[int, object]] = []
    finished = False
    try:
        os.write(write_end, b"".join(number.to_bytes(_TOKEN_SIZE, "little") for number in range(len(chunks))))
        os.close(write_end)
        write_end = -1
        sys.stdout.flush()
        sys.stderr.flush()
        for _ in range(workers - 1):
            output = tempfile.TemporaryFile()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, which never returns
                _child(lambda index: pack(work(index)), chunks, read_end, output)
            children.append((pid, output))
        _take_chunks(work, chunks, read_end, results.__setitem__)
        for pid, output in children:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0:
                _collect(output, results, unpack)
        finished = True
    finally:
        if write_end >= 0:
            os.close(write_end)
        os.close(read_end)
        if not finished:  # interrupted or failed: no orphans
            for pid, _ in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except OSError:
                    pass
        for _, output in children:
            output.close()
    # Jobs of a child that did not finish: done here, so the run is complete.
    return [results[index] if index in results else work(index) for index in range(count)]


def _take_chunks(work, chunks, read_end: int, deliver) -> None:
    while True:
        token = os.read(read_end, _TOKEN_SIZE)
        if len(token) < _TOKEN_SIZE:
            return
        start, end = chunks[int.from_bytes(token, "little")]
        for index in range(start, end):
            deliver(index, work(index))


def _child(work, chunks, read_end: int, output) -> None:  # pragma: no cover - runs in the child
    code = 70
    try:
        import pickle  # in the child only
        import signal  # in the child only

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        done: list = []
        _take_chunks(work, chunks, read_end, lambda index, result: done.append((index, result)))
        pickle.dump(done, output, protocol=pickle.HIGHEST_PROTOCOL)
        output.flush()
        code = 0
    except BaseException:
        pass
    os._exit(code)


def _collect(output, results: dict, unpack) -> None:
    import pickle  # start-up: only when workers ran

    output.seek(0)
    try:
        done = pickle.load(output)
    except Exception:  # a child that wrote nothing usable: its jobs are redone
        return
    for index, result in done:
        results[index] = unpack(result)


def _same(value):
    return value
