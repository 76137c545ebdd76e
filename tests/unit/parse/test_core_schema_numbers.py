"""The loader types plain scalars as YAML 1.2's core schema does: its int, float, .inf and
.nan forms, tested with str methods, accept what the schema's regular expressions accept."""

import itertools
import math
import re

from aiplan.parse.loader import resolve_plain

INT10 = re.compile(r"[-+]?[0-9]+\Z")
FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")


NOT_A_NUMBER = object()  # NaN equals nothing, itself included


def expected(text: str):
    """What the core schema's expressions make of a plain scalar that starts like a number."""
    if INT10.match(text):
        return int(text)
    if text.startswith("0o") and len(text) > 2 and all(c in "01234567" for c in text[2:]):
        return int(text[2:], 8)
    if text.startswith("0x") and len(text) > 2 and all(c in "0123456789abcdefABCDEF" for c in text[2:]):
        return int(text[2:], 16)
    if FLOAT.match(text):
        return float(text)
    if INF.match(text):
        return float("-inf") if text[0] == "-" else float("inf")
    if NAN.match(text):
        return NOT_A_NUMBER
    return text


# Every text of up to five of these characters (digits, signs, points, exponents, and
# what lies just outside: a non-ASCII digit, a line break, a letter), and the special forms.
PIECES = ("1", "0", "-", "+", ".", "e", "E", "٣", "\n", "x")
SPECIAL = [sign + point + word for sign in ("", "-", "+", "--") for point in (".", "", "..")
           for word in ("inf", "Inf", "INF", "iNf", "nan", "NaN", "NAN", "nAn", "inf\n")]


def test_numbers_are_typed_as_the_core_schemas_expressions_type_them():
    texts = ["".join(letters) for size in range(1, 6) for letters in itertools.product(PIECES, repeat=size)]
    for text in itertools.chain(texts, SPECIAL, ["1_000", "1²", "0o17", "0x1F", "1e5E3", " 1"]):
        if text[0] not in "-+.0123456789":  # words (`null`, `true`) are typed before numbers are tried
            continue
        got, want = resolve_plain(text), expected(text)
        if want is NOT_A_NUMBER:
            assert isinstance(got, float) and math.isnan(got), repr(text)
        else:
            assert got == want and type(got) is type(want), repr(text)
