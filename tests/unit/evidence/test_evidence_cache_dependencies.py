"""A cached result depends on every path the evidence reader looked at, present or absent.

Each case lints with the cache on, lints again (a hit: nothing changed), changes the
tree, and lints a third time: the change must be seen, whichever rules are enabled
(EVAL003, which also checks existence, is off in every case).
"""

import importlib.util
import json
import shutil
import sys

import pytest

from aiplan.run.cache import LintCache
from aiplan.run.discovery import Target
from aiplan.run.runner import lint_targets
from aiplan.testing import build_context

TABLE = "| part | years |\n| --- | --- |\n| screen | 2 |\n"

RAG_PLAN = """aiplan: 1
name: x
approach: rag
rag:
  corpus:
    sources:
      - name: specs
        path: {path}
        format: markdown
  data_pipeline:
    owner: data-eng
    chunking:
      strategy: fixed
"""

FT_PLAN = """aiplan: 1
name: x
approach: fine_tuning
fine_tuning:
  dataset:
    path: {train}
    examples: 20
  evaluation:
    held_out:
      path: {held}
      disjoint_from_training: true
"""


def _records(path, start=0, count=20):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"messages": [
        {"role": "user", "content": f"question number {i} about the invoice"},
        {"role": "assistant", "content": "ok"}]}) + "\n" for i in range(start, start + count)))


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)
    (tmp_path / ".git").mkdir()
    return tmp_path


def _lint(root, ctx):
    cache = LintCache(str(root / ".cache"))
    result = lint_targets([Target(str(root / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)], ctx, cache=cache)
    return cache.hits, sorted((f.rule, f.message) for f in result.findings)


def _twice_then(root, ctx, change):
    """The findings of a first run, checks the second is a hit with the same findings,
    applies ``change`` and returns the third run's (hits, findings)."""
    hits, first = _lint(root, ctx)
    assert hits == 0
    assert _lint(root, ctx) == (1, first)
    change()
    return first, _lint(root, ctx)


def _rules(findings):
    return [rule for rule, _ in findings]


# -- RAG sources: a missing path, an empty folder, a glob matching nothing ---------------

@pytest.mark.parametrize("path, before", [
    ("docs/", "nothing exists at that path"),
    ("docs/guide.md", "nothing exists at that path"),
    ("docs/*.md", "no file matches it"),
])
def test_a_rag_source_that_was_missing_is_read_once_it_exists(project, path, before):
    (project / "plan.aiplan.yaml").write_text(RAG_PLAN.format(path=path))

    def add():
        (project / "docs").mkdir()
        (project / "docs" / "guide.md").write_text(TABLE)

    first, (hits, then) = _twice_then(project, build_context(select=["EVID008", "RAG003"]), add)
    assert _rules(first) == ["EVID008"] and before in first[0][1]
    assert hits == 0 and _rules(then) == ["RAG003"] and "docs/guide.md:1" in then[0][1]


@pytest.mark.parametrize("path", ["docs/", "docs/*.md"])
def test_a_document_added_to_an_empty_rag_folder_is_read(project, path):
    (project / "docs").mkdir()
    (project / "plan.aiplan.yaml").write_text(RAG_PLAN.format(path=path))
    first, (hits, then) = _twice_then(project, build_context(select=["EVID008", "RAG003"]),
                                      lambda: (project / "docs" / "guide.md").write_text(TABLE))
    assert _rules(first) == ["EVID008"] and "no file matches it" in first[0][1]
    assert hits == 0 and _rules(then) == ["RAG003"]


def test_a_rag_source_that_disappears_is_said_to_be_missing(project):
    (project / "docs").mkdir()
    (project / "docs" / "guide.md").write_text(TABLE)
    (project / "plan.aiplan.yaml").write_text(RAG_PLAN.format(path="docs/"))
    first, (hits, then) = _twice_then(project, build_context(select=["EVID008", "RAG003"]),
                                      lambda: shutil.rmtree(project / "docs"))
    assert _rules(first) == ["RAG003"]
    assert hits == 0 and _rules(then) == ["EVID008"] and "nothing exists at that path" in then[0][1]


# -- fine-tuning data: a held-out file, a glob and a folder that appear -------------------

def test_a_held_out_set_that_appears_is_compared_with_the_training_data(project):
    _records(project / "data" / "ft" / "train.jsonl")
    (project / "plan.aiplan.yaml").write_text(FT_PLAN.format(train="data/ft/train.jsonl", held="evals/h.jsonl"))

    def copy():
        (project / "evals").mkdir()
        shutil.copy(project / "data" / "ft" / "train.jsonl", project / "evals" / "h.jsonl")

    first, (hits, then) = _twice_then(project, build_context(select=["EVID"]), copy)
    assert "EVID002" not in _rules(first)
    assert hits == 0 and "EVID002" in _rules(then)
    assert "20 of 20 records" in dict(then)["EVID002"]


@pytest.mark.parametrize("train", ["data/ft/*.jsonl", "data/ft/", "data/ft/train.jsonl"])
def test_training_data_that_appears_is_read(project, train):
    """A glob matching nothing, a folder with no data file yet, a missing file."""
    (project / "data" / "ft").mkdir(parents=True)
    _records(project / "evals" / "h.jsonl", start=100, count=5)
    (project / "plan.aiplan.yaml").write_text(FT_PLAN.format(train=train, held="evals/h.jsonl"))
    first, (hits, then) = _twice_then(project, build_context(select=["EVID"]),
                                      lambda: _records(project / "data" / "ft" / "train.jsonl", count=12))
    assert hits == 0 and first != then
    assert "EVID001" in _rules(then) and "holds 12 records" in dict(then)["EVID001"]


def test_a_held_out_set_that_disappears_is_no_longer_compared(project):
    _records(project / "data" / "ft" / "train.jsonl")
    _records(project / "evals" / "h.jsonl")
    (project / "plan.aiplan.yaml").write_text(FT_PLAN.format(train="data/ft/train.jsonl", held="evals/h.jsonl"))
    first, (hits, then) = _twice_then(project, build_context(select=["EVID"]),
                                      lambda: (project / "evals" / "h.jsonl").unlink())
    assert "EVID002" in _rules(first)
    assert hits == 0 and "EVID002" not in _rules(then)


# -- an optional extra that was missing, then installed -----------------------------------

def test_a_parquet_file_is_read_once_the_parquet_extra_is_installed(project, monkeypatch):
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as parquet

    (project / "data").mkdir()
    parquet.write_table(pyarrow.table({"text": [f"question number {i}" for i in range(12)]}),
                        str(project / "data" / "train.parquet"))
    _records(project / "evals" / "h.jsonl", start=100, count=5)
    (project / "plan.aiplan.yaml").write_text(FT_PLAN.format(train="data/train.parquet", held="evals/h.jsonl"))
    with monkeypatch.context() as absent:  # the extra not installed: neither importable nor found
        for name in ("pyarrow", "pyarrow.parquet"):
            absent.setitem(sys.modules, name, None)
        hits, first = _lint(project, build_context(select=["EVID"]))
        assert hits == 0 and "Parquet extra is not installed" in " ".join(message for _, message in first)
        assert _lint(project, build_context(select=["EVID"])) == (1, first)
    hits, then = _lint(project, build_context(select=["EVID"]))
    assert hits == 0 and "Parquet extra" not in " ".join(message for _, message in then)


def test_pdf_documents_are_read_again_once_the_pdf_extra_is_installed(project, tmp_path, monkeypatch):
    if importlib.util.find_spec("pdfplumber") is not None:
        pytest.skip("the PDF extra is installed: this test installs a stand-in for it")
    (project / "docs").mkdir()
    (project / "docs" / "handbook.pdf").write_bytes(b"%PDF-1.4\n")
    (project / "plan.aiplan.yaml").write_text(RAG_PLAN.format(path="docs/"))
    ctx = build_context(select=["EVID008"])
    hits, first = _lint(project, ctx)
    assert hits == 0 and "reads only with the PDF extra" in first[0][1]
    assert _lint(project, ctx) == (1, first)
    stand_in = tmp_path / "site" / "pdfplumber"  # found by the cache's check; importing it still fails
    stand_in.mkdir(parents=True)
    (stand_in / "__init__.py").write_text("raise ImportError('a stand-in for the PDF extra')\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert _lint(project, ctx) == (0, first)


def test_a_link_out_of_the_repository_replaced_by_a_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    _records(tmp_path / "elsewhere" / "train.jsonl", count=12)
    _records(project / "evals" / "h.jsonl", start=100, count=5)
    (project / "data").mkdir()
    (project / "data" / "train.jsonl").symlink_to(tmp_path / "elsewhere" / "train.jsonl")
    (project / "plan.aiplan.yaml").write_text(FT_PLAN.format(train="data/train.jsonl", held="evals/h.jsonl"))

    def replace():
        (project / "data" / "train.jsonl").unlink()
        shutil.copy(tmp_path / "elsewhere" / "train.jsonl", project / "data" / "train.jsonl")

    first, (hits, then) = _twice_then(project, build_context(select=["EVID"]), replace)
    assert "outside the repository" in " ".join(message for _, message in first)
    assert hits == 0 and "holds 12 records" in dict(then)["EVID001"]


def test_a_rag_source_linked_out_of_the_repository_then_replaced_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "guide.md").write_text(TABLE)
    (project / "docs").mkdir()
    (project / "docs" / "guide.md").symlink_to(tmp_path / "elsewhere" / "guide.md")
    (project / "plan.aiplan.yaml").write_text(RAG_PLAN.format(path="docs/guide.md"))

    def replace():
        (project / "docs" / "guide.md").unlink()
        (project / "docs" / "guide.md").write_text(TABLE)

    first, (hits, then) = _twice_then(project, build_context(select=["EVID008", "RAG003"]), replace)
    assert _rules(first) == ["EVID008"] and "outside the repository" in first[0][1]
    assert hits == 0 and _rules(then) == ["RAG003"]


@pytest.mark.parametrize("moved", ["file", "folder", "folder above"])
def test_a_file_replaced_by_a_link_out_of_the_repository_is_not_read(tmp_path, monkeypatch, moved):
    """The same bytes, now outside the repository (the file, its folder or a folder above
    that moved out and linked back): the cached result read them inside, a fresh run does
    not read them. Each folder is resolved once per run from its parent: the link is seen
    at any level."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    _records(project / "data" / "ft" / "train.jsonl", count=12)
    _records(project / "evals" / "h.jsonl", start=100, count=5)
    (project / "plan.aiplan.yaml").write_text(FT_PLAN.format(train="data/ft/train.jsonl", held="evals/h.jsonl"))
    (tmp_path / "elsewhere").mkdir()

    def replace():
        if moved == "file":
            shutil.copy(project / "data" / "ft" / "train.jsonl", tmp_path / "elsewhere" / "train.jsonl")
            (project / "data" / "ft" / "train.jsonl").unlink()
            (project / "data" / "ft" / "train.jsonl").symlink_to(tmp_path / "elsewhere" / "train.jsonl")
        else:  # a rename keeps the file's inode and times: only the location tells
            moving = project / "data" / "ft" if moved == "folder" else project / "data"
            moving.rename(tmp_path / "elsewhere" / moving.name)
            moving.symlink_to(tmp_path / "elsewhere" / moving.name)

    first, (hits, then) = _twice_then(project, build_context(select=["EVID"]), replace)
    assert "holds 12 records" in dict(first)["EVID001"]
    assert hits == 0 and "outside the repository" in " ".join(message for _, message in then)


def test_a_link_inside_the_repository_keeps_its_cached_result(project):
    _records(project / "store" / "train.jsonl", count=12)
    _records(project / "evals" / "h.jsonl", start=100, count=5)
    (project / "data").mkdir()
    (project / "data" / "train.jsonl").symlink_to(project / "store" / "train.jsonl")
    (project / "plan.aiplan.yaml").write_text(FT_PLAN.format(train="data/train.jsonl", held="evals/h.jsonl"))
    hits, first = _lint(project, build_context(select=["EVID"]))
    assert hits == 0 and "holds 12 records" in dict(first)["EVID001"]
    assert _lint(project, build_context(select=["EVID"])) == (1, first)
