""""Did you mean" suggestions for misspelled keys and enumeration values."""

from __future__ import annotations

import re
from typing import Iterable

_SEPARATORS = re.compile(r"[\s\-_.]+")


def normalise(word: str) -> str:
    """``Fine Tuning``, ``fine-tuning`` and ``fine_tuning`` all normalise alike."""
    return _SEPARATORS.sub("_", word.strip().lower())


def _squash(word: str) -> str:
    return normalise(word).replace("_", "")


def closest(word: object, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The one candidate ``word`` most plausibly meant, or ``None``.

    An alias (same letters once case and separators are ignored) wins outright;
    otherwise a close spelling, but only if it is unambiguous.
    """
    if not isinstance(word, str) or not word:
        return None
    options = [c for c in candidates if isinstance(c, str)]
    squashed = _squash(word)
    aliases = [c for c in options if _squash(c) == squashed]
    if len(aliases) == 1:
        return aliases[0]
    import difflib  # only when a key or value is misspelled: not on every run

    by_squash = {_squash(c): c for c in options}
    matches = difflib.get_close_matches(squashed, list(by_squash), n=2, cutoff=cutoff)
    if not matches:
        return None
    if len(matches) == 2:
        first = difflib.SequenceMatcher(None, squashed, matches[0]).ratio()
        second = difflib.SequenceMatcher(None, squashed, matches[1]).ratio()
        if first - second < 0.05:
            return None
    return by_squash[matches[0]]
