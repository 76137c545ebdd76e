"""core: records and small shared models (see docs/architecture.md), and the errors every
layer may raise and the command line turns into an exit code (here: every run imports the
package, and a module of its own cost each start about 0.3 M instructions)."""

from __future__ import annotations


class ConfigError(ValueError):
    """A usage or configuration error: exit code 2. ``problems``: its separate
    problems when there are several, each shown on a line of its own under ``head``."""

    def __init__(self, message: str, problems: tuple[str, ...] = (), head: str = "invalid configuration"):
        super().__init__(message)
        self.problems = tuple(problems)
        self.head = head
