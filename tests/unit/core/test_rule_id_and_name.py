"""Rule IDs and names are checked with str methods (``is_rule_id``, ``is_rule_name``) that
accept exactly what the regular expressions they replaced accept."""

import itertools
import re

import pytest

from aiplan.core.rule import is_rule_id, is_rule_name, make_rule

ID = re.compile(r"[A-Z][A-Z0-9]*[0-9]{3}\Z")
NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")


def strings(alphabet: str, longest: int):
    for size in range(longest + 1):
        for letters in itertools.product(alphabet, repeat=size):
            yield "".join(letters)


# Every string of up to five characters over letters of both cases, digits, a hyphen and what
# lies just outside the classes (an underscore, a space, a line break, a non-ASCII digit).
EDGES = ("FT001", "ECHO001", "FT01", "ft001", "F001", "FT0001", "FT001\n", "FT００1", "A0001", "Ä001",
         "fine-tuning-without-held-out", "a-", "-a", "a--b", "a1-2b", "1a", "a_b", "a b", "naïve", "a\n", "é")


@pytest.mark.parametrize("alphabet", ["Fa1-_", "T0 \n٣"])
def test_the_same_answers_as_the_regular_expressions(alphabet):
    for text in itertools.chain(strings(alphabet, 5), EDGES):
        assert is_rule_id(text) == bool(ID.match(text)), text
        assert is_rule_name(text) == bool(NAME.match(text)), text


def test_make_rule_refuses_what_is_no_id_or_name():
    with pytest.raises(ValueError, match="rule ID"):
        make_rule("FT01", "a-name", "error", None, "Doc.")
    with pytest.raises(ValueError, match="rule name"):
        make_rule("FT001", "a--name", "error", None, "Doc.")
    with pytest.raises(ValueError, match="superseded_by"):
        make_rule("FT001", "a-name", "error", None, "Doc.", superseded_by=("ft002",))
    assert make_rule("FT001", "a-name", "error", None, "Doc.").id == "FT001"
