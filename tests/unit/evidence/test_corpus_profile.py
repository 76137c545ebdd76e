"""RAG documents: tables found and boilerplate measured (what RAG003/RAG004 are fed)."""

from aiplan.evidence.corpus import profile_corpus


def _write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_tables_in_markdown_html_and_delimited_files_are_found_with_their_lines(tmp_path):
    _write(tmp_path, "docs/a.md", "# A\n\ntext\n\n| k | v |\n| --- | --- |\n| x | 1 |\n")
    _write(tmp_path, "docs/b.html", "<html>\n<body>\n<table><tr><td>1</td></tr></table>\n")
    _write(tmp_path, "docs/c.csv", "k,v\nx,1\n")
    _write(tmp_path, "docs/d.md", "no | table here | only pipes\n")
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert (profile.documents, profile.with_tables) == (4, 3)
    assert profile.first_tables == (("docs/a.md", 5), ("docs/b.html", 3), ("docs/c.csv", 1))


def test_lines_repeated_across_most_documents_are_measured_as_a_share(tmp_path):
    for i in range(4):
        _write(tmp_path, f"site/p{i}.html", "Home | Products | Support\n"
               f"The refund window for product {i} is {i + 10} days.\nCopyright 2025 Acme, all rights reserved.\n")
    profile = profile_corpus("site/*.html", str(tmp_path), str(tmp_path), 1 << 20)
    assert profile.documents == 4 and profile.lines == 12 and profile.repeated_lines == 8
    assert profile.first_repeated == ("site/p0.html", 1, "Home | Products | Support")  # as written


def test_headings_table_rows_and_two_documents_are_not_boilerplate(tmp_path):
    for i in range(3):
        _write(tmp_path, f"specs/s{i}.md", f"Specifications:\n\n| a | b |\n|---|---|\n| {i} | x |\nModel {i} weighs {i} kg.\n")
    assert profile_corpus("specs", str(tmp_path), str(tmp_path), 1 << 20).repeated_lines == 0
    for i in range(2):
        _write(tmp_path, f"pair/p{i}.md", "the same footer on both pages\n")
    assert profile_corpus("pair", str(tmp_path), str(tmp_path), 1 << 20).repeated_lines == 0


def test_nothing_is_fetched_and_an_empty_glob_says_so(tmp_path):
    assert profile_corpus("https://example.com/docs", str(tmp_path), str(tmp_path), 1).unverified.startswith("it is an https")
    assert profile_corpus("docs/*.md", str(tmp_path), str(tmp_path), 1).unverified == "no file matches it"


def test_the_byte_budget_stops_reading(tmp_path):
    for i in range(10):
        _write(tmp_path, f"d/{i}.md", "x " * 500)
    profile = profile_corpus("d", str(tmp_path), str(tmp_path), 2500)
    assert profile.sampled and profile.documents < 10


def test_lines_are_numbered_as_everywhere_in_aiplan(tmp_path):
    # A form feed, U+2028 or NEL is inside a line (str.splitlines breaks there; editors do
    # not), and a CR alone ends one, in Markdown and in HTML alike.
    _write(tmp_path, "docs/a.md", "intro\fstill\u2028line one\x85\n\n| k | v |\n| --- | --- |\n")
    _write(tmp_path, "docs/b.html", "<html>\r<body>\r<table><tr><td>1</td></tr></table>\r")
    profile = profile_corpus("docs", str(tmp_path), str(tmp_path), 1 << 20)
    assert profile.first_tables == (("docs/a.md", 3), ("docs/b.html", 3))
    for i in range(3):
        _write(tmp_path, f"site/p{i}.md", f"Product {i}\fpage two of the intro\nCopyright 2025 Acme, all rights reserved.\n")
    profile = profile_corpus("site", str(tmp_path), str(tmp_path), 1 << 20)
    assert profile.lines == 6 and profile.first_repeated == ("site/p0.md", 2, "Copyright 2025 Acme, all rights reserved.")


def test_rag004_matches_lines_normalised_and_quotes_them_as_the_file_writes_them(tmp_path):
    from aiplan.testing import lint_yaml

    for i in range(3):
        # Case and spacing differ between documents: still one repeated line.
        footer = "Copyright   ACME\x07 it's yours" if i == 0 else "copyright acme\x07 IT'S yours"
        _write(tmp_path, f"kb/p{i}.md", f"{footer}\nThe refund window for product {i} is {i + 10} days.\n")
    plan = ("aiplan: 1\nname: x\napproach: rag\nrag:\n  corpus:\n    sources:\n"
            "      - name: kb\n        path: kb\n  data_pipeline:\n    owner: data-eng\n")
    [finding] = lint_yaml(plan, base_dir=str(tmp_path), select=["RAG004"])
    assert "kb/p0.md:1: 'Copyright   ACME\\x07 it's yours')" in finding.message
