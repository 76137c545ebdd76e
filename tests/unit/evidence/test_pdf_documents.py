"""PDF documents of a RAG source: tables found by page, running headers measured (the aiplan[pdf] extra)."""

import pytest

import aiplan.evidence.corpus as corpus
from aiplan.evidence.corpus import profile_corpus
from aiplan.testing import lint_yaml


def _pdf(pages):
    """A minimal PDF, written by hand: one page per content stream, Helvetica text."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for stream in pages:
        data = stream.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text(lines, top=740):
    return "".join(f"BT /F1 11 Tf 72 {top - 16 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines))


def _table(top=500):
    """A ruled table of 3 rows and 2 columns, with text in its cells."""
    rules = "".join(f"0.8 w 100 {top - 24 * r} m 400 {top - 24 * r} l S\n" for r in range(4))
    rules += "".join(f"0.8 w {x} {top} m {x} {top - 72} l S\n" for x in (100, 250, 400))
    cells = "".join(f"BT /F1 10 Tf {x + 6} {top - 24 * r - 16} Td (cell {r} {x}) Tj ET\n"
                    for r in range(3) for x in (100, 250))
    return rules + cells


HEADER = ["Acme Insurance policy handbook for members", "Page footer: internal use only, do not share"]


def _handbook(folder, tables_on_page=2):
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(3):
        pages = [_text(HEADER + [f"Chapter {number} explains the rules for claim type {number} in detail"]),
                 _text(HEADER + [f"Claims of type {number} are paid within {number + 5} business days"])
                 + (_table() if number == 1 and tables_on_page == 2 else "")]
        (folder / f"policy-{number}.pdf").write_bytes(_pdf(pages))


PLAN = """
aiplan: 1
name: Policy answers
approach: rag
rag:
  corpus:
    sources:
      - name: handbook
        path: docs
  data_pipeline:
    owner: data-eng
    chunking:
      strategy: fixed
"""


def test_without_the_extra_one_info_finding_says_which_extra_to_install(tmp_path, monkeypatch):
    _handbook(tmp_path / "docs")
    monkeypatch.setattr(corpus, "_pdf_library", lambda: False)
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert (profile.documents, profile.pdfs_unread, profile.first_pdf_unread) == (0, 3, "docs/policy-0.pdf")
    found = lint_yaml(PLAN, base_dir=str(tmp_path), select=["EVID008", "RAG003", "RAG004"])
    assert [(f.rule, f.message, f.fix) for f in found] == [(
        "EVID008", "`rag.corpus.sources[0].path` names 3 PDF documents (first: docs/policy-0.pdf), which aiplan "
        "reads only with the PDF extra: their tables and boilerplate are not measured",
        "Install the PDF extra to measure them: `pip install 'aiplan[pdf]'`.")]


pdfplumber = pytest.importorskip("pdfplumber", reason="the PDF extra (pip install 'aiplan[pdf]') is not installed")


def test_a_ruled_table_is_found_on_its_page(tmp_path):
    _handbook(tmp_path / "docs")
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert (profile.documents, profile.with_tables, profile.pdfs_unread) == (3, 1, 0)
    assert profile.first_tables == (("docs/policy-1.pdf", 2),)
    assert len(profile.stamps) == 3


def test_without_a_table_none_is_found(tmp_path):
    _handbook(tmp_path / "docs", tables_on_page=0)
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert (profile.documents, profile.with_tables) == (3, 0)


def test_rag003_fires_on_a_pdf_table_and_names_the_file_and_page(tmp_path):
    _handbook(tmp_path / "docs")
    [finding] = lint_yaml(PLAN, base_dir=str(tmp_path), select=["RAG003"])
    assert "holds tables (measured: 1 of its 3 documents; first: docs/policy-1.pdf page 2)" in finding.message
    assert [(r.path, r.line, r.message) for r in finding.related] == [("docs/policy-1.pdf", 1, "a table (page 2)")]
    _handbook(tmp_path / "docs", tables_on_page=0)
    assert lint_yaml(PLAN, base_dir=str(tmp_path), select=["RAG003"]) == []


def test_running_headers_across_pdfs_feed_rag004_and_table_cells_do_not(tmp_path):
    _handbook(tmp_path / "docs")
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    # Per document: 2 pages x (2 header lines + 1 own line); the header lines are on every page.
    assert (profile.units, profile.lines, profile.repeated_lines) == (6, 18, 12)
    assert profile.first_repeated == ("docs/policy-0.pdf", 1, "Acme Insurance policy handbook for members")  # as written
    [finding] = lint_yaml(PLAN, base_dir=str(tmp_path), select=["RAG004"])
    assert "67% of lines repeat across at least half of the 6 documents and PDF pages" in finding.message
    assert "docs/policy-0.pdf page 1" in finding.message


def test_running_headers_of_one_long_pdf_are_boilerplate_too(tmp_path):
    (tmp_path / "docs").mkdir()
    pages = [_text(HEADER + [f"Section {n} covers a different topic, number {n}"]) for n in range(4)]
    (tmp_path / "docs" / "manual.pdf").write_bytes(_pdf(pages))
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert (profile.documents, profile.units, profile.lines, profile.repeated_lines) == (1, 4, 12, 8)
    pages = [_text([f"Section {n} covers a different topic, number {n}"]) for n in range(4)]
    (tmp_path / "docs" / "manual.pdf").write_bytes(_pdf(pages))
    assert profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20).repeated_lines == 0


def test_a_damaged_pdf_is_skipped(tmp_path):
    _handbook(tmp_path / "docs")
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert profile.documents == 3


PROSE = ["Claims are paid within five business days after the adjuster approves them and the",
         "member has sent every document the policy asks for. A claim that is missing a receipt",
         "is put on hold and the member is told which document is missing, by email and by post.",
         "Members can appeal a decision within thirty days; the appeal is read by a second adjuster"]


def _aligned_columns(top=300, rows=5):
    """A table drawn without ruling lines: three columns of words aligned by position only."""
    return "".join(f"BT /F1 10 Tf {x} {top - 16 * r} Td ({word}) Tj ET\n" for r in range(rows)
                   for x, word in ((72, f"Plan{r}"), (220, f"{r * 10 + 5} days"), (360, f"{r * 100} USD")))


def test_tables_without_ruling_lines_are_not_detected_and_prose_is_no_table(tmp_path):
    """The documented limit (docs/evidence.md): pdfplumber's text strategy was measured as a
    fallback and rejected: on these pages it found a 15x4 "table" in four lines of prose (cells
    cut mid-word) and cut the aligned table's cells mid-word too, so neither page counts."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rates.pdf").write_bytes(_pdf([_text(["Rates by plan:"]) + _aligned_columns(),
                                                        _text(PROSE)]))
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert (profile.documents, profile.with_tables) == (1, 0)
    with pdfplumber.open(str(tmp_path / "docs" / "rates.pdf")) as pdf:
        text_strategy = {"vertical_strategy": "text", "horizontal_strategy": "text"}
        assert pdf.pages[1].find_tables(text_strategy)  # what a text-strategy fallback would report on prose
