"""A time budget for each rule call, so one stuck rule cannot hang a CI job.

On POSIX the budget is a one-shot ``ITIMER_REAL`` timer whose ``SIGALRM``
handler raises :class:`RuleTimeout` inside the rule. Python runs signal
handlers between bytecodes and interrupts blocking calls (``time.sleep``,
socket reads) and long regular-expression matches, so this stops a rule stuck
in a loop as well as one that waits. Signals reach only the main thread: in
another thread, on Windows, or when something else (a test runner's own
timeout) already runs the real-time timer, calls run without a budget rather
than fight over the signal.

The handler and a periodic timer are installed once per :class:`TimeBudget`
(per file); each call only records its deadline, and the handler, which runs
every quarter of the budget (at most every 0.25 s), stops the call once the
deadline has passed. Arming a one-shot timer around every call instead cost
two system calls per rule per document, a few percent of linting time with
forty rules. A rule is stopped at most a quarter of its budget late.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")


class RuleTimeout(BaseException):
    """Raised inside a rule that overran its budget.

    A ``BaseException``, like ``KeyboardInterrupt``, so that a rule's own
    ``except Exception`` cannot swallow it and carry on.
    """


class TimeBudget:
    """``with TimeBudget(5.0) as budget: budget.run(check, plan, options)``."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds if seconds and seconds > 0 else None
        self._previous: Any = None
        self._installed = False
        self._armed = False
        self._deadline = 0.0

    @property
    def enforced(self) -> bool:
        """Whether calls are actually limited on this platform and thread."""
        return self._installed

    def __enter__(self) -> "TimeBudget":
        if self.seconds is None or not hasattr(signal, "setitimer"):
            return self
        if threading.current_thread() is not threading.main_thread():
            return self
        if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
            return self  # someone else's timer is running: leave the signal to them
        self._previous = signal.signal(signal.SIGALRM, self._expired)
        self._installed = True
        tick = min(max(self.seconds / 4, 0.005), 0.25)
        signal.setitimer(signal.ITIMER_REAL, tick, tick)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._installed:
            self._installed = False
            self._armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)

    def _expired(self, signum, frame) -> None:
        # The timer ticks between calls too: only a call past its deadline is
        # stopped, and a tick after the call returned hits nothing.
        if self._armed and time.monotonic() >= self._deadline:
            self._armed = False
            raise RuleTimeout()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the running call's clock while the block runs (reading the data
        files an evidence rule asks about is bounded by its byte budget, not by
        the rule's time budget); the call gets back the time it had left."""
        if not self._armed:
            yield
            return
        left = self._deadline - time.monotonic()
        self._armed = False
        try:
            yield
        finally:
            self._deadline = time.monotonic() + max(left, 0.0)
            self._armed = True

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """Call ``function(*args)``; raises :class:`RuleTimeout` if it overruns."""
        if not self._installed:
            return function(*args)
        self._deadline = time.monotonic() + self.seconds
        self._armed = True
        try:
            return function(*args)
        finally:
            # The handler disarms before it raises, so at most one RuleTimeout
            # can interrupt this block.
            self._armed = False
            self._deadline = 0.0
