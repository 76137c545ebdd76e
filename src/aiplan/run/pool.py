"""Run independent jobs on every core, results in input order.

flake8's model: a standard process pool (:class:`concurrent.futures.ProcessPoolExecutor`,
forked, so workers inherit the lint context as it is, including rules from
plugins and policy packs that cannot be pickled) with a serial fallback for
small runs and where fork is unavailable.

What the pool adds to the standard one:

* Workers die with the parent (``PR_SET_PDEATHSIG``): SIGTERM or SIGKILL of
  ``aiplan`` leaves no worker linting on and holding its output pipes. They
  ignore SIGINT: Ctrl-C raises ``KeyboardInterrupt`` in the parent only, which
  stops them and re-raises.
* A worker that dies (a segfault in a C extension, ``os._exit`` in a plugin,
  the OOM killer) does not lose the run: the jobs it left unfinished are run
  again one by one, each in a process of its own that reports what it was
  doing (``trace``), and a job whose process dies again gets
  ``on_crash(index, how, last_trace)`` as its result. The parent never runs a
  job that killed a worker.
* ``isolate`` with one worker (a serial run that calls plugins' code): the
  jobs run in order in one forked child, without a pool, and a job that kills
  it is reported the same way.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, TypeVar

from aiplan.core.child import die_with_parent, end_now

Result = TypeVar("Result")

# Below this many jobs a run stays serial: starting workers costs more than it
# saves (measured with bench/run.py on 2 cores).
PARALLEL_MIN_JOBS = 48
_TRAIL_SIZE = 256

Trace = Callable[[str], None]


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


def run_ordered(work: Callable[[int], Result], count: int, workers: int, *,
                pack: Callable | None = None, unpack: Callable | None = None,
                init: Callable[[Trace | None], None] | None = None,
                on_crash: Callable[[int, str, str], Result] | None = None,
                isolate: bool = False) -> list[Result]:
    """``[work(0), ..., work(count - 1)]``, computed by ``workers`` processes.

    A worker sends ``pack(work(index))`` and the parent turns it back with
    ``unpack`` (a cheaper form to move between processes). ``init(trace)`` runs
    once in each worker process (``trace`` is ``None`` there, and a function
    recording the job's progress in a process running one suspect job).
    ``isolate``: never run a job in this process, even with one worker, so that
    a job that kills its process (untrusted code) ends in ``on_crash``.
    """
    if count == 0 or (workers <= 1 and not (isolate and can_fork())):
        return [work(index) for index in range(count)]
    if workers <= 1:
        return _serial_in_child(work, count, pack=pack or _same, unpack=unpack or _same, init=init,
                                on_crash=on_crash)
    import multiprocessing  # start-up: only when workers start (a few files, the pre-commit case, lint serially)
    from concurrent.futures import ProcessPoolExecutor  # start-up: as above
    from concurrent.futures.process import BrokenProcessPool  # start-up: as above
    import mmap  # start-up: as above

    pack = pack or _same
    unpack = unpack or _same
    size = max(1, min(64, count // (workers * 8)))
    chunks = [range(start, min(start + size, count)) for start in range(0, count, size)]
    results: dict[int, Result] = {}
    # Each job's state, shared with the workers: 0 not started, 1 running, 2 done.
    progress = mmap.mmap(-1, count)
    sys.stdout.flush()
    sys.stderr.flush()
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(), init, work, pack, progress))
    try:
        futures = [executor.submit(_run_chunk, chunk) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                done = future.result()
            except BrokenProcessPool:
                continue  # a worker died: its unfinished jobs are isolated below
            for index, packed in zip(chunk, done):
                results[index] = unpack(packed)
    except BaseException:
        _stop(executor)
        raise
    executor.shutdown(wait=True)
    missing = [index for index in range(count) if index not in results]
    if missing:
        # The jobs running when a worker died are suspects: each runs alone. The
        # others never started (or were lost with their chunk): a new pool.
        suspects = [index for index in missing if progress[index] == 1]
        for index in suspects:
            results[index] = _isolated(index, work, init, on_crash)
        rest = [index for index in missing if progress[index] != 1]
        again = run_ordered(lambda position: work(rest[position]), len(rest), workers,
                            pack=pack, unpack=unpack, init=init, on_crash=on_crash, isolate=isolate) if rest else []
        results.update(zip(rest, again))
    progress.close()
    return [results[index] for index in range(count)]


# -- in a worker ------------------------------------------------------------------

_WORKER: tuple | None = None  # (work, pack, progress), set in each worker process by _start_worker


def _start_worker(parent: int, init, work, pack, progress) -> None:  # pragma: no cover - runs in a worker
    global _WORKER
    import signal  # start-up: only workers use it (its import builds enums: ~3 M instructions)

    _become_worker(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER = (work, pack, progress)
    if init is not None:
        init(None)


def _run_chunk(chunk: range) -> list:  # pragma: no cover - runs in a worker
    work, pack, progress = _WORKER  # type: ignore[misc]
    done = []
    for index in chunk:
        progress[index] = 1
        done.append(pack(work(index)))
        progress[index] = 2
    return done


def _stop(executor) -> None:
    """Interrupted or failed: kill the workers, leave no orphans."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, AttributeError):
            pass
    executor.shutdown(wait=True, cancel_futures=True)


# -- one worker, no pool ----------------------------------------------------------


def _serial_in_child(work, count: int, *, pack, unpack, init, on_crash) -> list:
    """The jobs in order in one forked child (no pool: it costs a fork, not the
    ~50 ms of importing and starting :mod:`concurrent.futures`). A job that
    kills the child gets ``on_crash`` with what it was doing (its trace); the
    jobs after it run in a new child."""
    results: list = []
    while len(results) < count:
        done, status, last = _child_run(work, range(len(results), count), pack, init)
        results.extend(unpack(packed) for packed in done)
        if status is not None and len(results) < count:
            results.append(_crashed(len(results), status, last, on_crash))
    return results


def _child_run(work, jobs: range, pack, init) -> tuple[list, int | None, str]:
    """Run ``jobs`` in order in a forked child: ``(packed results, wait status
    if the child died before finishing them, its last trace)``. A job that
    raises stops the child and raises here, as in a serial run. The one model of
    a job run in a child of its own: the serial isolated run and a job that
    killed a pool worker both use it."""
    import mmap  # only when a run lints in a child
    import pickle  # as above
    import struct  # as above

    read_results, write_results = os.pipe()
    trail = mmap.mmap(-1, _TRAIL_SIZE)  # shared with the child: its last trace, whatever it wrote before
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        code = 70
        try:
            os.close(read_results)
            _become_worker(parent)

            def trace(text: str) -> None:
                data = text.encode("utf-8", "replace")[:_TRAIL_SIZE - 1]
                trail[:len(data) + 1] = data + b"\0"

            if init is not None:
                init(trace)
            with os.fdopen(write_results, "wb") as out:
                for index in jobs:
                    try:
                        record = (True, pack(work(index)))
                    except Exception as exc:  # raised in the parent, as a serial run would
                        record = (False, exc)
                    try:
                        data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception as exc:  # an exception that cannot be pickled
                        data = pickle.dumps((False, RuntimeError(f"job {index} failed: {exc}")))
                    out.write(struct.pack("<Q", len(data)) + data)
                    out.flush()
                    if not record[0]:
                        break
            code = 0
        except BaseException:
            pass
        end_now(code)
    os.close(write_results)
    try:
        with os.fdopen(read_results, "rb") as source:
            stream = source.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:  # Ctrl-C: the child goes too
        _kill(pid)
        raise
    last = trail[:].split(b"\0", 1)[0].decode("utf-8", "replace")
    trail.close()
    done: list[Any] = []   # the results, unpickled
    offset = 0
    while offset + 8 <= len(stream) and len(done) < len(jobs):
        size = struct.unpack_from("<Q", stream, offset)[0]
        if offset + 8 + size > len(stream):
            break  # cut short by the child's death
        finished, value = pickle.loads(stream[offset + 8:offset + 8 + size])
        if not finished:
            raise value
        done.append(value)
        offset += 8 + size
    finished = os.waitstatus_to_exitcode(status) == 0 and len(done) == len(jobs)
    return done, None if finished else status, last


def _become_worker(parent: int) -> None:  # pragma: no cover - runs in a child
    """What every child does first: no crash dump of its own (the parent reports
    it), die with the parent, leave Ctrl-C to the parent."""
    import faulthandler  # only in child processes
    import signal  # start-up: only workers use it (its import builds enums: ~3 M instructions)

    faulthandler.disable()
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _kill(pid: int) -> None:
    import signal  # start-up: only workers use it (its import builds enums: ~3 M instructions)

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


# -- a job that killed its worker --------------------------------------------------


def _isolated(index: int, work, init, on_crash):
    """Run one job in a forked process of its own; its death is reported, never repeated here."""
    done, status, last = _child_run(work, range(index, index + 1), _same, init)
    return done[0] if status is None else _crashed(index, status, last, on_crash)


def _crashed(index: int, status: int, last: str, on_crash):
    """The result of job ``index``, whose process ended with wait status ``status`` while
    doing ``last`` (its trace): ``on_crash``'s, or an error without one."""
    how = _describe_exit(status)
    if on_crash is None:
        raise RuntimeError(f"job {index} {how}")
    return on_crash(index, how, last)


def _describe_exit(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        import signal  # start-up: only workers use it (its import builds enums: ~3 M instructions)

        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}"
    return f"ended with exit status {code}"


def _same(value):
    return value
