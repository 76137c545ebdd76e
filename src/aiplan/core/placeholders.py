"""Placeholder text: words that hold a key's place without saying anything.

`evidence: TBD`, `quality_review: none`, `cleaning: no`, `tables: n/a`, `"-"`,
`"?"`, `"<fill in>"` and the texts `aiplan init` writes are not content: a
rule that asks for a text treats them as missing (see
:meth:`aiplan.core.plan.Plan.text`) and quotes them in its message.

A text is a placeholder when, compared case-insensitively with runs of
whitespace collapsed and trailing `.`, `:` or `!` dropped:

- it has no letter or digit at all (`-`, `?`, `...`, `—`);
- it is one of :data:`PLACEHOLDER_WORDS`, or one of the words a team adds with
  the `placeholders` setting of its configuration;
- it is wholly in angle or square brackets (`<fill in>`, `[team name]`);
- it starts with a marker of unfinished work (:data:`PLACEHOLDER_MARKERS`)
  followed by a separator (`TBD: ask legal`, `TODO - measure`).

A path is read the same way, except that a glob of wildcards alone (`*`,
`**/*`, `./*`) names files, however few letters it has: `fine_tuning.dataset.path: '*'`
is every file beside the plan, not a key left blank (:func:`is_placeholder_path`).
A bare `?` stays a placeholder there too: it is how a team writes "unknown".

An address at a reserved example domain is content (`support-platform@example.com`
is how documentation and fixtures write a real owner); only the one `aiplan init`
writes, `team@example.com`, is a starter text.
"""

from __future__ import annotations

import functools
from typing import Any, Iterable

# The texts `aiplan init` writes for a team to replace (aiplan.starter.starter_plan):
# a test keeps the two in step.
STARTER_TEXTS = (
    "my ai initiative",
    "team@example.com",
    "the problem in a paragraph: who struggles with what today",
)

# Whole texts that state nothing (compared normalised: see `normalise`).
PLACEHOLDER_WORDS = frozenset({
    "tbd", "tbc", "tba", "todo", "to do", "fixme", "xxx", "wip",
    "none", "no", "nope", "nothing", "nil", "null", "empty", "n/a", "na", "n.a", "not applicable",
    "unknown", "not known", "not yet", "not yet known", "pending", "later",
    "to be decided", "to be determined", "to be defined", "to be confirmed", "to be added",
    "fill in", "fill me in", "placeholder", "lorem ipsum", "same as above", "see above",
    *STARTER_TEXTS,
})

# Words that mark a whole text as unfinished when they open it (`TBD: ask legal`).
PLACEHOLDER_MARKERS = ("tbd", "tbc", "tba", "todo", "fixme", "xxx")

# Bracketed texts and marker words are tested with str methods: the three regular
# expressions they were (r"\s+", r"^(?:<[^<>]*>|\[[^\[\]]*\])$",
# r"^(?:tbd|...)\b(?:\s*[:\-(,;]|\s*$)") cost 1.2 M instructions to compile on every start;
# tests/unit/core/test_placeholder_matching.py holds the functions to those expressions.
_BRACKETS = (("<", ">"), ("[", "]"))
_SEPARATORS = ":-(,;"  # and an em dash, which is_placeholder_text reads as "-"


def normalise(text: str) -> str:
    """``"  TBD. "`` -> ``"tbd"``: how placeholder words are compared."""
    return " ".join(text.split()).casefold().rstrip(".:! ").strip()


def _bracketed(word: str) -> bool:
    """Whether ``word`` (:func:`normalise`d: no line break left) is wholly in angle or square
    brackets, none inside (``<fill in>``)."""
    inner = word[1:-1]
    return len(word) >= 2 and any(word[0] == opening and word[-1] == closing
                                  and opening not in inner and closing not in inner
                                  for opening, closing in _BRACKETS)


def _marked(word: str) -> bool:
    """Whether ``word`` opens with a whole marker word followed by a separator or nothing (``tbd: ask``)."""
    marker = next((marker for marker in PLACEHOLDER_MARKERS if word.startswith(marker)), None)
    if marker is None:
        return False
    rest = word[len(marker):]
    if rest[:1].isalnum() or rest[:1] == "_":  # the marker is only the start of a word (`todos`)
        return False
    rest = rest.lstrip()
    return not rest or rest[0] in _SEPARATORS


def normalise_words(words: Iterable[str]) -> frozenset[str]:
    """A team's own placeholder words, normalised for comparison."""
    return frozenset(word for word in (normalise(str(w)) for w in words) if word)


# Remembered: rules ask about the same few texts of a plan about sixty times a plan.
@functools.lru_cache(maxsize=4096)
def is_placeholder_text(text: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether a string holds a key's place without content (see the module docstring).

    ``extra`` holds a team's own words, already normalised (:func:`normalise_words`).
    A blank string is not a placeholder here: it is empty, which callers report as such.
    """
    if not text.strip():
        return False
    word = normalise(text)
    if not any(character.isalnum() for character in word):
        return True
    return (word in PLACEHOLDER_WORDS or word in extra or _bracketed(word)
            or _marked(word.replace("\u2014", "-")))


# The characters of a glob that names files by wildcards alone (`*`, `**/*`, `./*`).
_WILDCARD_PATH = frozenset("*/.")


def is_placeholder_path(text: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether a path a plan writes is placeholder text: as :func:`is_placeholder_text`,
    except that a glob of wildcards alone (`*`, `**/*`) names files and is content."""
    stripped = text.strip()
    if "*" in stripped and set(stripped) <= _WILDCARD_PATH:
        return False
    return is_placeholder_text(text, extra)


def is_placeholder(value: Any, extra: frozenset[str] = frozenset()) -> bool:
    """Whether a plan value is placeholder text (only strings can be)."""
    return isinstance(value, str) and is_placeholder_text(value, extra)


def says_nothing(value: Any, extra: frozenset[str] = frozenset()) -> bool:
    """Whether a value states nothing: null, blank or placeholder text, or a mapping
    or list all of whose values say nothing (`{}`, `[]`, `{model: TBD}`)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip() or is_placeholder_text(value, extra)
    # Loops, not all() over a generator: asked about 33 times a plan, mostly of a mapping
    # whose first value says something, where making the generator costs more than the answer.
    if isinstance(value, dict):
        for item in value.values():
            if not says_nothing(item, extra):
                return False
        return True
    if isinstance(value, list):
        for item in value:
            if not says_nothing(item, extra):
                return False
        return True
    return False
