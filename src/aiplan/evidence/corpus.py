"""RAG documents a source names: tables found, and boilerplate measured.

A source's ``path`` is a file, a folder (every file below it) or a glob
(``docs/**/*.md``), relative to the plan. Text documents (Markdown, HTML,
plain text, CSV/TSV) are read up to the byte budget in total, at most
:data:`MAX_DOCUMENTS` of them, in sorted order:

* tables: a Markdown table (a ``| a | b |`` row followed by a ``|---|---|``
  separator), an HTML ``<table``, or a CSV/TSV/spreadsheet file, which is one;
* boilerplate: the share of lines whose text (stripped, spaces collapsed,
  case-folded) occurs in at least half of the documents (at least three
  documents read): headers, footers, navigation, legal text. Lines of fewer
  than three words and Markdown table rows are not counted at all (templates
  and tables repeat them by structure).

PDF documents are read with the optional ``aiplan[pdf]`` extra (``pdfplumber``):
a table its table finder detects on a page counts like any other (the place
is the page: ``(document, page)``), and the text outside tables feeds the
boilerplate measure like other text (a line's number is its page, and each
page is compared with the others like a document: running headers repeat
page after page). Without
the extra, PDFs are counted as not read (``pdfs_unread``) so that EVID008 can
say which extra to install. Spreadsheet contents are not read (a
spreadsheet counts as a table).
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Iterable

from aiplan.core.globs import is_glob
from aiplan.core.records import Record
from aiplan.core.text import line_column, split_lines
from aiplan.evidence.files import content_stamp, file_status, glob_files, is_within, locate

PDF_HINT = "Install the PDF extra to measure them: `pip install 'aiplan[pdf]'`."
# Pages read of one PDF: its tables and running headers show well before this.
MAX_PDF_PAGES = 200

MAX_DOCUMENTS = 2000
MAX_DISTINCT_LINES = 500_000
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".rst", ".csv", ".tsv")
TABLE_FILES = (".csv", ".tsv", ".xlsx", ".xls", ".ods")
_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_HTML_TABLE = re.compile(r"<table\b", re.IGNORECASE)


class CorpusProfile(Record):
    """What a source's documents hold. Paths are relative to the plan's directory."""

    name: str
    documents: int = 0                          # documents read
    with_tables: int = 0                        # documents holding at least one table
    first_tables: tuple[tuple[str, int], ...] = ()   # (document, line)
    lines: int = 0                              # non-blank lines read
    repeated_lines: int = 0                     # of those, lines repeated across at least half the documents
    first_repeated: tuple[str, int, str] = ("", 0, "")   # (document, line, text)
    sampled: bool = False                       # the byte budget or the document cap stopped reading
    unverified: str = ""                        # why nothing was read (remote, outside, nothing matches)
    stamps: tuple[tuple[str, str], ...] = ()
    pdfs_unread: int = 0                        # PDF documents not read: the PDF extra is not installed
    first_pdf_unread: str = ""
    units: int = 0                              # what boilerplate repeats across: text documents and PDF pages
    pdf_pages: int = 0                          # of those, PDF pages

    @property
    def repeated_share(self) -> float:
        return self.repeated_lines / self.lines if self.lines else 0.0


NOTHING_THERE = "nothing exists at that path"  # why a missing path names no document


def documents_stamp(paths, base_dir: str, why: str = "", skipped=()) -> str:
    """What a source's measures depend on besides each document: which documents its path
    names, or why it names none (``why`` from :func:`named_documents`), and which of its
    files link out of the repository (``skipped``: :func:`sorted_documents`, named by EVID008)."""
    names = "\n".join(os.path.relpath(p, base_dir) for p in paths)
    if why:  # none: a glob matching nothing and one matching files outside the repository differ
        names += "\n\x00" + why
    if skipped:  # none (nearly always): the stamp of a source as it was before links out were named
        names += "\n\x01" + "\n".join(os.path.relpath(p, base_dir) for p in skipped)
    return "documents:" + hashlib.sha256(names.encode("utf-8", "surrogateescape")).hexdigest()


def documents_hold(base_dir: str, name: str, stamp: str) -> bool:
    """Whether the source path ``name`` still names the documents ``stamp`` recorded."""
    from aiplan.evidence.files import repository_root  # the cache's check: a few files, once per result

    root = repository_root(base_dir)
    paths, why, outside = sorted_documents(name, base_dir, root)
    return documents_stamp(paths, base_dir, why, outside) == stamp


def sorted_documents(name: str, base_dir: str, root: str) -> tuple[list[str], str, list[str]]:
    """What ``name`` names from one walk: the absolute paths of its files inside the repository
    (sorted) or why there are none, and those of a glob or folder that resolve outside it
    (links out of it) when others are inside: not read, and named (EVID008) rather than dropped."""
    paths, why = _matched_documents(name, base_dir, root)
    if why:
        return [], why, []
    inside: list[str] = []
    outside: list[str] = []
    for path in paths:
        (inside if is_within(path, root) else outside).append(path)
    if not inside:
        return [], "no file matches it" if not paths else "its files are outside the repository holding the plan", []
    return inside, "", outside


def named_documents(name: str, base_dir: str, root: str) -> tuple[list[str], str]:
    """Absolute paths of the files ``name`` names (sorted), or why there are none."""
    paths, why, _outside = sorted_documents(name, base_dir, root)
    return paths, why


def _matched_documents(name: str, base_dir: str, root: str) -> tuple[list[str], str]:
    """Absolute paths of every file ``name`` matches (sorted), inside the repository or not, or
    why it names none."""
    if is_glob(name):
        pattern = os.path.join(base_dir, name)
        paths = sorted(p for p in glob_files(pattern) if os.path.isfile(p))  # a data folder's links rule
    else:
        where = locate(name, base_dir, root)
        if where.kind in ("remote", "outside"):
            return [], where.why
        if where.kind == "missing":
            return [], NOTHING_THERE
        if os.path.isdir(where.path):
            paths = sorted(os.path.join(folder, file) for folder, _dirs, files in os.walk(where.path)
                           for file in files if not file.startswith("."))
        else:
            paths = [where.path]
    return paths, ""


def _key(line: str) -> str:
    return " ".join(line.split()).casefold()


def profile_corpus(name: str, base_dir: str, root: str, budget: int,
                   listed: tuple[list[str], str] | None = None) -> CorpusProfile:
    """Read the documents of one source (``listed``: :func:`named_documents`, if at hand); never raises for bad content."""
    paths, why = listed if listed is not None else named_documents(name, base_dir, root)
    if not paths:
        return CorpusProfile(name, unverified=why)
    sampled = len(paths) > MAX_DOCUMENTS
    read = 0
    documents = 0
    with_tables = 0
    first_tables: list[tuple[str, int]] = []
    frequency: dict[str, int] = {}
    per_document: list[tuple[str, list[tuple[int, str, str]]]] = []   # kept only for the first repeated line
    lines = 0
    stamps = []
    pdfs_unread = 0
    first_pdf_unread = ""
    pdf = None
    units = pdf_pages = 0
    for path in paths[:MAX_DOCUMENTS]:
        relative = os.path.relpath(path, base_dir)
        lower = path.lower()
        if lower.endswith(TABLE_FILES):
            documents += 1
            with_tables += 1
            if len(first_tables) < 5:
                first_tables.append((relative, 1))
            continue
        is_pdf = lower.endswith(".pdf")
        if not lower.endswith(TEXT_SUFFIXES) and not is_pdf:
            continue
        if is_pdf:
            pdf = pdf if pdf is not None else _pdf_library()
            if pdf is False:
                pdfs_unread += 1
                first_pdf_unread = first_pdf_unread or relative
                continue
        if read >= budget:
            sampled = True
            break
        before = file_status(path)  # an edit while the file is read must show in its stamp
        if is_pdf:
            found = _read_pdf(pdf, path, budget - read)
            if found is None:
                continue
            size, digest, table_page, numbered, pages = found
            if size > budget - read:
                sampled = True
                break
            read += size
            stamps.append((relative, content_stamp(path, size, digest, before)))
            table_line = table_page
        else:
            try:
                with open(path, "rb") as handle:
                    limit = max(0, min(budget - read, 8 * 1024 * 1024))
                    data = handle.read(limit)
                    # Cut short (by the budget, or the 8 MiB a document): measured on its first bytes.
                    cut = len(data) == limit and handle.read(1) != b""
            except OSError:
                continue
            sampled = sampled or cut
            read += len(data)
            if b"\x00" in data[:8192]:
                continue
            stamps.append((relative, content_stamp(path, len(data), hashlib.sha256(data).hexdigest(), before)))
            text = data.decode("utf-8", "replace")
            text_lines = split_lines(text)
            table_line = _table_line(text, text_lines, lower)
            numbered = enumerate(text_lines, 1)
        documents += 1
        if table_line:
            with_tables += 1
            if len(first_tables) < 5:
                first_tables.append((relative, table_line))
        # The units lines repeat across: a text document, or a PDF's page (running
        # headers and footers repeat page after page).
        units += pages if is_pdf else 1
        pdf_pages += pages if is_pdf else 0
        kept = _count_lines(numbered, is_pdf, frequency)
        lines += len(kept)
        if len(per_document) < 50:
            per_document.append((relative, kept))
    repeated, first_repeated = _repeated(frequency, units, per_document)
    return CorpusProfile(name, documents, with_tables, tuple(first_tables), lines, min(repeated, lines),
                         first_repeated, sampled, stamps=tuple(stamps), pdfs_unread=pdfs_unread,
                         first_pdf_unread=first_pdf_unread, units=units, pdf_pages=pdf_pages)


def _count_lines(numbered: Iterable[tuple[int, str]], is_pdf: bool, frequency: dict[str, int]
                 ) -> list[tuple[int, str, str]]:
    """The lines of one document that could be boilerplate, as ``(number, key, line)``: matched
    by the normalised key, shown as written; each counted in ``frequency`` once per unit
    holding it (the document, or a PDF's page)."""
    seen: set[str] = set()
    unit = 0
    kept: list[tuple[int, str, str]] = []
    for number, line in numbered:
        if is_pdf and number != unit:
            unit, seen = number, set()
        key = _key(line)
        # Table rows repeat by structure, and one- or two-word lines (headings,
        # labels) by the template: neither is boilerplate.
        if len(key.split()) < 3 or _MD_ROW.match(key) or _MD_SEPARATOR.match(key):
            continue
        kept.append((number, key, line))
        if key in seen:
            continue
        seen.add(key)
        if key in frequency:
            frequency[key] += 1
        elif len(frequency) < MAX_DISTINCT_LINES:
            frequency[key] = 1
    return kept


def _repeated(frequency: dict[str, int], units: int, per_document: list[tuple[str, list[tuple[int, str, str]]]]
              ) -> tuple[int, tuple[str, int, str]]:
    """How many lines repeat in at least half the units (of three or more), and the first of them
    as the file writes it (its first 200 characters, stripped)."""
    needed = max(2, -(-units // 2))
    common = {key for key, count in frequency.items() if count >= needed} if units >= 3 else set()
    if not common:
        return 0, ("", 0, "")
    # Each common line counted once per unit holding it (repeats within a document, or a PDF's page,
    # are not boilerplate).
    repeated = sum(frequency[key] for key in common)
    for relative, kept in per_document:
        hit = next(((number, line) for number, key, line in kept if key in common), None)
        if hit is not None:
            return repeated, (relative, hit[0], hit[1].strip()[:200])
    return repeated, ("", 0, "")


def _pdf_library():
    """``pdfplumber`` (the ``aiplan[pdf]`` extra), or ``False`` when it is not installed."""
    try:
        import pdfplumber  # the optional aiplan[pdf] extra: heavy, only for PDF documents
    except ImportError:
        return False
    import logging  # only with PDFs: pdfminer warns about damaged files through logging

    # A damaged or unusual PDF is skipped or read as far as it goes; pdfminer's warnings
    # about it would otherwise reach the terminal through logging's last-resort handler.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    return pdfplumber


def _read_pdf(pdf, path: str, room: int):
    """``(size, sha256, page of the first table or 0, [(page, text line)], pages read)``
    of a PDF of at most ``room`` bytes (else only its size), or ``None`` if it cannot be read."""
    try:
        size = os.stat(path).st_size
        if size > room:
            return size, "", 0, [], 0
        with open(path, "rb") as handle:
            data = handle.read(size)
    except OSError:
        return None
    import io  # only with PDFs

    table_page = pages = 0
    numbered: list[tuple[int, str]] = []
    try:
        with pdf.open(io.BytesIO(data)) as document:
            for number, page in enumerate(document.pages[:MAX_PDF_PAGES], 1):
                pages = number
                tables = page.find_tables()
                if tables and not table_page:
                    table_page = number
                outside = page
                for table in tables:  # table cells repeat by structure: not boilerplate
                    outside = outside.outside_bbox(table.bbox)
                numbered.extend((number, line) for line in (outside.extract_text() or "").splitlines())
    except Exception:  # pdfminer raises many kinds of errors on damaged files: the document is skipped
        return None
    return size, hashlib.sha256(data).hexdigest(), table_page, numbered, pages


def _table_line(text: str, lines: list[str], lower_path: str) -> int:
    """The line of the first table in a text document (``lines``: its lines, split once), or 0."""
    if lower_path.endswith((".html", ".htm")):
        match = _HTML_TABLE.search(text)
        return line_column(text, match.start())[0] if match else 0
    previous = ""
    for number, line in enumerate(lines, 1):
        if _MD_SEPARATOR.match(line) and _MD_ROW.match(previous):
            return number - 1
        previous = line
    return 0
