"""core: records and small shared models (see docs/architecture.md), and the errors every
layer may raise and the command line turns into an exit code (here: every run imports the
package, and a module of its own cost each start about 0.3 M instructions)."""

from __future__ import annotations

from typing import Sequence


class ConfigError(ValueError):
    """A usage or configuration error: exit code 2. ``problems``: its separate
    problems when there are several, each shown on a line of its own under ``head``."""

    def __init__(self, message: str, problems: tuple[str, ...] = (), head: str = "invalid configuration"):
        super().__init__(message)
        self.problems = tuple(problems)
        self.head = head

    @classmethod
    def of(cls, problems: Sequence[str], head: str = "invalid configuration") -> "ConfigError":
        """One error for ``problems``: the problem itself when there is one, else ``head``
        with each problem on a line of its own."""
        if len(problems) == 1:
            return cls(problems[0])
        return cls(head + ":\n  " + "\n  ".join(problems), problems=tuple(problems), head=head)

    def named_in(self, where: str) -> "ConfigError":
        """This error, of a file named in ``where`` (``--policy-pack``, a configuration key)."""
        return ConfigError(f"{self} (named in {where})", problems=self.problems, head=f"{self.head} (named in {where})")
