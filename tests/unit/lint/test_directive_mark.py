"""The engine's quick test for a suppression comment (``mentions_directive``, str methods)
answers what the pattern it replaced (``QUICK``) answers."""

import itertools
import re

from aiplan.lint import QUICK, mentions_directive

PIECES = ("#", " ", "\t", "aiplan", ":", "x", "\n", "aipla", "n")


def test_the_same_answer_as_the_pattern():
    pattern = re.compile(QUICK)
    for size in range(6):
        for pieces in itertools.product(PIECES, repeat=size):
            text = "".join(pieces)
            assert mentions_directive(text) == bool(pattern.search(text)), repr(text)
