"""The text reporter's fast path for printable text changes nothing."""

import re

from aiplan.core.notation import UNSEEN
from aiplan.reporters.text import visible


def test_printable_text_needs_no_escaping():
    # Every code point str.isprintable() accepts is one visible() would keep as it is,
    # so returning printable text untouched is exactly the slow path's result.
    escaped = [c for c in map(chr, range(0x110000))
               if c.isprintable() and (c in "\r\n\t" or re.search(UNSEEN, c))]
    assert escaped == []


def test_escapes_still_apply():
    assert visible("a\tb\nc\x1b[31m\u202e") == "a\\tb\\nc\\x1b[31m\\u202e"
    assert visible("plain text, ünïcode ok") == "plain text, ünïcode ok"
