"""What a forked child process does to stay the parent's: die with it, and end
without ever returning into the parent's code.

Used by the process pool (:mod:`aiplan.run.pool`) and the evidence reader's
second process (:mod:`aiplan.evidence.split`).
"""

from __future__ import annotations

import os

_PR_SET_PDEATHSIG = 1
_SIGKILL = 9  # signal.SIGKILL on every POSIX system; `signal`'s import builds enums (start-up)


def die_with_parent(parent: int) -> None:  # pragma: no cover - runs in a child
    """Ask Linux to SIGKILL this process when its parent ends; end now if it already has."""
    try:
        import ctypes  # only in child processes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: a child may outlive a killed parent
        pass
    if os.getppid() != parent:
        end_now(1)


def end_now(code: int) -> None:  # pragma: no cover - runs in a child
    """End this process now, whatever happens. ``posix._exit``, not ``os._exit``:
    the engine replaces that one while a rule runs (aiplan.lint.isolation), and a
    child forked by a rule that went on would lint the plan again."""
    try:
        import posix  # where fork is, so is posix; imported here: not on Windows

        posix._exit(code)
    finally:
        os.kill(os.getpid(), _SIGKILL)
