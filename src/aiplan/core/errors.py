"""Errors every layer may raise and the command line turns into an exit code."""

from __future__ import annotations


class ConfigError(ValueError):
    """A usage or configuration error: exit code 2."""
