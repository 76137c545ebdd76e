"""Where the evidence rules point in a data file: a line of a text document, a page of a PDF
(whose places are pages: the related location is its first line, the page named in words).
A rule fixture cannot hold a PDF, so the places are pinned here."""

from aiplan.core.findings import RelatedLocation
from aiplan.rules.evidence import _document_location, _in_document


def test_a_text_document_is_pointed_at_by_line():
    assert _document_location("corpus/guide.md", 7, "a table") == RelatedLocation("corpus/guide.md", 7, "a table")
    assert _in_document("corpus/guide.md", 7) == "corpus/guide.md:7"


def test_a_pdf_is_pointed_at_by_page():
    assert _document_location("corpus/Guide.PDF", 3, "a table") == RelatedLocation(
        "corpus/Guide.PDF", 1, "a table (page 3)")
    assert _in_document("corpus/Guide.PDF", 3) == "corpus/Guide.PDF page 3"
