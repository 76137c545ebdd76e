""""Did you mean" suggestions for misspelled keys and enumeration values."""

from __future__ import annotations

import functools
import re
from typing import Iterable

from aiplan.core.rule_ids import canonical_rule_id, family_of

_SEPARATORS = re.compile(r"[\s\-_.]+")


def normalise(word: str) -> str:
    """``Fine Tuning``, ``fine-tuning`` and ``fine_tuning`` all normalise alike."""
    return _SEPARATORS.sub("_", word.strip().lower())


def squash(word: str) -> str:
    """``normalise`` without separators: ``answer-accuracy`` and ``AnswerAccuracy`` alike."""
    return normalise(word).replace("_", "")


def closest(word: object, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The one candidate ``word`` most plausibly meant, or ``None``.

    An alias (same letters once case and separators are ignored) wins outright;
    otherwise a close spelling, but only if it is unambiguous.
    """
    if not isinstance(word, str) or not word:
        return None
    options = tuple(c for c in candidates if isinstance(c, str))
    try:
        return _closest(word, options, cutoff)
    except TypeError:  # a str subclass that cannot be hashed: worked out without remembering
        return _closest.__wrapped__(word, options, cutoff)


# Remembered: an explanation asks twice about each misspelling (the hint's guess, and whether
# --fix may rename it: safe_replacement), and plans of one team repeat the same misspellings.
@functools.lru_cache(maxsize=1024)
def _closest(word: str, options: tuple[str, ...], cutoff: float) -> str | None:
    squashed = squash(word)
    aliases = [c for c in options if squash(c) == squashed]
    if len(aliases) == 1:
        return aliases[0]
    import difflib  # only when a key or value is misspelled: not on every run

    by_squash = {squash(c): c for c in options}
    matches = difflib.get_close_matches(squashed, list(by_squash), n=2, cutoff=cutoff)
    if not matches:
        return None
    if len(matches) == 2:
        first = difflib.SequenceMatcher(None, squashed, matches[0]).ratio()
        second = difflib.SequenceMatcher(None, squashed, matches[1]).ratio()
        if first - second < 0.05:
            return None
    return by_squash[matches[0]]


def did_you_mean_rule(written: object, rule_ids: Iterable[str], otherwise: str = "", *,
                      same_family: bool = False) -> str:
    """What a message about a rule ID (or selector) that names no rule ends with:
    ``; did you mean FT003?`` for a close one, ``; it has whitespace before it: write FT003``
    for an exact one but for spaces or line breaks around it, else ``otherwise``. When ``written``'s
    letters are a family of ``rule_ids``, only that family's IDs are guessed: ZED005
    of a plugin's ZED family is no misspelled EVID005, but a typed EVD001 may be EVID001.
    ``same_family``: never guess across families (an ID a rule declares is a rule ID as
    its author knew it: ORG009 of a pack not in use is no misspelled RAG009)."""
    candidates = [rule_id for rule_id in rule_ids if isinstance(rule_id, str)]
    if isinstance(written, str) and written != written.strip() and canonical_rule_id(written) in candidates:
        # Refused, not stripped, where a file states it (the shipped schema refuses it too): the exact ID to write.
        side = ("around" if written[:1].isspace() and written[-1:].isspace()
                else "before" if written[:1].isspace() else "after")
        return f"; it has whitespace {side} it: write {canonical_rule_id(written)}"
    if isinstance(written, str):
        family = family_of(canonical_rule_id(written))
        kin = [c for c in candidates if family_of(c) == family]
        candidates = kin if kin or same_family else candidates
    guess = closest(written, candidates, cutoff=0.6)
    return f"; did you mean {guess}?" if guess else otherwise


def safe_replacement(word: object, candidates: Iterable[str]) -> str | None:
    """The one candidate ``word`` can be replaced with automatically, or ``None``.

    Stricter than :func:`closest`, whose guess is only shown as a hint: an alias
    (``Fine Tuning``, ``fine-tuning``, ``finetuning`` for ``fine_tuning``) always
    qualifies; a misspelling only when :func:`closest` agrees, it is at most two
    edits away (one for words of four letters or fewer) once case and separators
    are ignored, and no other candidate is as close.
    """
    if not isinstance(word, str) or not word:
        return None
    options = tuple(c for c in candidates if isinstance(c, str))
    try:
        return _safe_replacement(word, options)
    except TypeError:  # as in closest
        return _safe_replacement.__wrapped__(word, options)


@functools.lru_cache(maxsize=1024)  # as _closest
def _safe_replacement(word: str, options: tuple[str, ...]) -> str | None:
    guess = closest(word, options)
    if guess is None:
        return None
    squashed = squash(word)
    if squash(guess) == squashed:
        return guess
    distances = sorted((_edit_distance(squashed, squash(c)), c) for c in options)
    best, chosen = distances[0]
    limit = 1 if len(squashed) <= 4 else 2
    if chosen != guess or best > limit or (len(distances) > 1 and distances[1][0] == best):
        return None
    return guess


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions
    and swaps of adjacent letters each count one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
