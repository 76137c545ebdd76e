import pytest

from aiplan.server.positions import UTF8, UTF16, UTF32, LineIndex


def test_ascii_offsets_and_positions_round_trip():
    index = LineIndex("ab\ncd\n")
    assert [index.position(o) for o in range(7)] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0)]
    assert [index.offset(*index.position(o)) for o in range(7)] == list(range(7))


@pytest.mark.parametrize("encoding, character", [(UTF16, 6), (UTF8, 9), (UTF32, 5)])
def test_characters_count_in_the_negotiated_code_units(encoding, character):
    # "é" is one UTF-16 unit and two UTF-8 bytes; "😀" two UTF-16 units and four UTF-8 bytes.
    text = "x: é😀z\n"
    index = LineIndex(text, encoding)
    z = text.index("z")
    assert index.position(z) == (0, character)
    assert index.offset(0, character) == z


def test_crlf_and_cr_break_lines_but_yaml_only_breaks_do_not():
    index = LineIndex("a\r\nb\rc\u2028d\n")
    assert index.position(3) == (1, 0)          # after CRLF
    assert index.position(5) == (2, 0)          # after CR
    assert index.position(7) == (2, 2)          # U+2028 is not a line break for the protocol
    assert index.line_text(0) == "a" and index.line_text(2) == "c\u2028d"


def test_positions_past_a_line_end_or_the_text_are_clamped():
    index = LineIndex("ab\r\ncd")
    assert index.offset(0, 99) == 2             # the end of the line, before CRLF
    assert index.offset(7, 0) == len("ab\r\ncd")
    assert index.position(3) == (0, 2)          # between CR and LF: the end of the line
    assert index.position(99) == (1, 2)
