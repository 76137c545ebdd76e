"""Errors every layer may raise and the command line turns into an exit code."""

from __future__ import annotations


class ConfigError(ValueError):
    """A usage or configuration error: exit code 2. ``problems``: its separate
    problems when there are several, each shown on a line of its own under ``head``."""

    def __init__(self, message: str, problems: tuple[str, ...] = (), head: str = "invalid configuration"):
        super().__init__(message)
        self.problems = tuple(problems)
        self.head = head
