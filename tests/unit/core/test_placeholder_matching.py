"""The placeholder tests written with str methods (``normalise``, ``_bracketed``, ``_marked``)
answer what the regular expressions they replaced answer."""

import itertools
import re
import sys

import pytest

from aiplan.core import placeholders
from aiplan.core.placeholders import PLACEHOLDER_MARKERS, normalise

SPACES = re.compile(r"\s+")
BRACKETED = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\])$")
MARKED = re.compile(r"^(?:" + "|".join(PLACEHOLDER_MARKERS) + r")\b(?:\s*[:\-(,;]|\s*$)")


def regex_normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip().casefold().rstrip(".:! ").strip()


def test_str_whitespace_is_the_regular_expressions_whitespace():
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    assert re.findall(r"\s", every) == [character for character in every if character.isspace()]


# Short texts over the characters that matter (brackets, separators, word and non-word
# characters, spaces, line breaks, a non-ASCII letter and digit), each also after a marker.
PIECES = ("<", ">", "[", "]", "x", " ", "\n", ":", "-", "(", ";", "_", "é", "٣", ".", "\u2003")
TEXTS = ["".join(letters) for size in range(5) for letters in itertools.product(PIECES, repeat=size)]
SUFFIXES = [text for text in TEXTS if len(text) <= 3]


@pytest.mark.parametrize("marker", ("", *PLACEHOLDER_MARKERS, "tb", "TBD", "xxxx"))
def test_the_same_answers_as_the_regular_expressions(marker):
    for text in (TEXTS if not marker else [marker + suffix for suffix in SUFFIXES]):
        assert normalise(text) == regex_normalise(text), repr(text)
        word = normalise(text)  # what is_placeholder_text hands _bracketed: no line break left
        assert placeholders._bracketed(word) == bool(BRACKETED.match(word)), repr(text)
        assert placeholders._marked(text) == bool(MARKED.match(text)), repr(text)
