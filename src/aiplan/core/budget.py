"""Time budgets: per rule call, per file (every phase), per run.

A :class:`Budget` says how long things may take; a :class:`FileClock` applies
it to one file, from reading it to the last fix attempt; a :class:`Watchdog`
stops code that overruns. The watchdog is the only part with process-wide
effect (a periodic ``SIGALRM`` timer and its handler): the run installs it once
(:mod:`aiplan.run.runner`, and each worker process once), never the engine per
file. Without a watchdog (another thread, Windows, a library caller) budgets
are still checked between phases and rules, but a rule stuck in a loop is not
interrupted.

Python runs signal handlers between bytecodes and interrupts blocking calls
and long regular-expression matches, so the watchdog stops a rule stuck in a
loop as well as one that waits. Once a deadline has passed, the handler raises
:class:`OutOfTime` at every tick until the guarded call is left, and a call
that swallowed it (a bare ``except:``) is treated as stopped all the same.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, ContextManager, Iterator, TypeVar

from aiplan.core.records import Record

try:
    # The C module behind `signal`, which on import turns every signal, handler and mask
    # constant into enums (about 3 M instructions, a run's start-up); the watchdog needs
    # four plain functions. The same functions and values, without the enum wrapping.
    import _signal as signal  # type: ignore[import-not-found]  # typeshed has no stub for the C module
except ImportError:  # pragma: no cover - an interpreter without it
    import signal

T = TypeVar("T")

# Scopes of a deadline: what ran out.
RULE, FILE, RUN = "rule", "file", "run"


class OutOfTime(BaseException):
    """Raised in code that overran a deadline. A ``BaseException``, like
    ``KeyboardInterrupt``, so a rule's ``except Exception`` cannot swallow it."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


class Watchdog:
    """``with Watchdog() as watchdog:`` for a whole run: stops calls made through
    :meth:`run` once their deadline has passed (at most one tick late)."""

    def __init__(self, tick: float = 0.05) -> None:
        self.tick = tick
        self._installed = False
        self._previous: Any = None
        self._deadline: float | None = None
        self._scope = RULE
        self._fired = False

    @property
    def enforced(self) -> bool:
        """Whether calls are actually interrupted (POSIX, main thread, timer free)."""
        return self._installed

    def __enter__(self) -> "Watchdog":
        if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
            return self
        if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            return self  # someone else's timer (a test runner's): leave the signal to them
        self._previous = signal.signal(signal.SIGALRM, self._expired)
        self._installed = True
        signal.setitimer(signal.ITIMER_REAL, self.tick, self.tick)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._installed:
            self._installed = False
            self._deadline = None
            signal.setitimer(signal.ITIMER_REAL, 0)
            # A tick already raised but not yet delivered would meet the previous
            # (usually default: terminate) action; ignoring discards it first.
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            signal.signal(signal.SIGALRM, self._previous)

    def _expired(self, signum: int, frame: Any) -> None:
        deadline = self._deadline
        if deadline is not None and time.monotonic() >= deadline:
            self._fired = True
            raise OutOfTime(self._scope)

    @contextmanager
    def paused(self, outer: float | None, outer_scope: str) -> Iterator[None]:
        """Stop the running call's own clock while the block runs (only the
        ``outer`` deadline applies meanwhile); the call gets back the time it had left."""
        if self._deadline is None:
            yield
            return
        deadline, scope = self._deadline, self._scope
        left = deadline - time.monotonic()
        self._deadline, self._scope = outer, outer_scope
        try:
            yield
        finally:
            self._deadline, self._scope = _earliest((time.monotonic() + max(left, 0.0), scope), (outer, outer_scope))

    def run(self, deadline: float | None, scope: str, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)``, stopped with :class:`OutOfTime` past ``deadline``
        (:meth:`FileClock.run_rule` inlines this body: change both)."""
        if not self._installed or deadline is None:
            return function(*args)
        previous = self.arm(deadline, scope)
        try:
            result = function(*args)
        except BaseException:
            self.disarm(previous)
            raise
        if self.disarm(previous):  # it caught OutOfTime and carried on: stopped all the same
            raise OutOfTime(scope)
        return result

    def arm(self, deadline: float, scope: str) -> tuple:
        """Stop the code that runs from now on past ``deadline`` (installed watchdog only);
        returns what :meth:`disarm` restores when that code is left."""
        previous = (self._deadline, self._scope, self._fired)
        self._deadline, self._scope, self._fired = deadline, scope, False
        return previous

    def disarm(self, previous: tuple) -> bool:
        """Put back the deadline :meth:`arm` replaced; whether the armed one ran out meanwhile."""
        fired = self._fired
        self._deadline, self._scope, self._fired = previous
        return fired


class Budget(Record):
    """How long one rule call, one file and the run may take (``None``: no limit).

    ``run_deadline`` is a :func:`time.monotonic` value, shared by the worker
    processes of a run (the clock is system-wide). ``file_deadline``, when set,
    replaces ``file_seconds`` (``--fix`` shares one deadline over its rounds).
    """

    rule_seconds: float | None = None
    file_seconds: float | None = None
    run_deadline: float | None = None
    file_deadline: float | None = None
    watchdog: Watchdog | None = None
    # Told each phase as it starts (a worker that may crash leaves a trail).
    trace: Callable[[str], None] | None = None

    def for_file(self) -> "FileClock":
        return FileClock(self)


class FileClock:
    """One file's deadlines, started when the file is: ``check()`` between
    phases, ``run_rule()`` around each rule call, ``guard()`` around it all."""

    __slots__ = ("budget", "deadline", "scope", "started", "phase")

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.started = time.monotonic()
        self.phase = "reading and parsing the file"
        file_deadline = budget.file_deadline
        if file_deadline is None and budget.file_seconds is not None:
            file_deadline = self.started + budget.file_seconds
        self.deadline, self.scope = _earliest((file_deadline, FILE), (budget.run_deadline, RUN))

    def at(self, phase: str) -> None:
        """Record the phase that starts now (named in a report if time runs out)."""
        self.phase = phase
        if self.budget.trace is not None:
            self.budget.trace(phase)

    def paused(self) -> ContextManager[None]:
        """While the block runs, the running rule's own budget stops (reading
        data files is bounded by bytes instead); the file's and run's go on."""
        watchdog = self.budget.watchdog
        if watchdog is None:
            return nullcontext()
        return watchdog.paused(self.deadline, self.scope)

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise OutOfTime(self.scope)

    def guard(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` under the file's and the run's deadline."""
        self.check()
        watchdog = self.budget.watchdog
        if watchdog is None:
            return function(*args)
        return watchdog.run(self.deadline, self.scope, function, *args)

    def run_rule(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` under the rule's deadline as well (around every rule
        call: one clock reading, the earlier deadline chosen inline, and the watchdog
        armed here rather than through :meth:`Watchdog.run`, a second call through ``*args``)."""
        now = time.monotonic()
        file_deadline = self.deadline
        if file_deadline is not None and now >= file_deadline:
            raise OutOfTime(self.scope)
        budget = self.budget
        watchdog = budget.watchdog
        if watchdog is None or not watchdog._installed:  # `enforced`, without a property call per rule
            return function(*args)
        seconds = budget.rule_seconds
        if seconds is not None and (file_deadline is None or now + seconds <= file_deadline):
            deadline, scope = now + seconds, RULE
        elif file_deadline is not None:
            deadline, scope = file_deadline, self.scope
        else:
            return function(*args)
        # Watchdog.run's body with arm() and disarm() inlined on purpose: this runs around
        # every rule call of every file, and a change to one must be made to the others
        # (the engine's rule loop, aiplan.lint.engine._run_rules, inlines this method too).
        previous = (watchdog._deadline, watchdog._scope, watchdog._fired)
        watchdog._deadline, watchdog._scope, watchdog._fired = deadline, scope, False
        try:
            result = function(*args)
        finally:
            fired = watchdog._fired
            watchdog._deadline, watchdog._scope, watchdog._fired = previous
        if fired:  # it caught OutOfTime and carried on: stopped all the same
            raise OutOfTime(scope)
        return result


def _earliest(*candidates: tuple[float | None, str]) -> tuple[float | None, str]:
    known = [(deadline, scope) for deadline, scope in candidates if deadline is not None]
    return min(known, key=lambda c: c[0]) if known else (None, FILE)
