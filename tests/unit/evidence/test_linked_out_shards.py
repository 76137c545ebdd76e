"""Files of a glob or folder that are links out of the repository are named, never dropped silently.

A data set named by a glob or a folder is read file by file; a file that resolves outside
the repository holding the plan is not read (as a path naming it alone is not), and EVID008
says which files were skipped and why. Its near twin, a link to a file inside the
repository, is read like any other.
"""

import json

import pytest

from aiplan.run.cache import LintCache
from aiplan.run.discovery import Target
from aiplan.run.runner import lint_targets
from aiplan.testing import build_context

PLAN = """aiplan: 1
name: x
approach: fine_tuning
fine_tuning:
  dataset:
    path: {path}
    examples: {examples}
"""


def _records(path, start, count):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"messages": [
        {"role": "user", "content": f"question number {i} about the invoice"},
        {"role": "assistant", "content": "ok"}]}) + "\n" for i in range(start, start + count)))


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("AIPLAN_NO_CACHE", raising=False)
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    _records(project / "data" / "ft" / "a.jsonl", 0, 12)
    _records(tmp_path / "elsewhere" / "b.jsonl", 50, 8)
    _records(project / "store" / "b.jsonl", 50, 8)
    return project


def _lint(project, path="data/ft/", examples=20, cache=None):
    (project / "plan.aiplan.yaml").write_text(PLAN.format(path=path, examples=examples))
    result = lint_targets([Target(str(project / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)],
                          build_context(select=["EVID001", "EVID008"]), cache=cache)
    return sorted((f.rule, f.message) for f in result.findings)


@pytest.mark.parametrize("path", ["data/ft/", "data/ft/*.jsonl"])
def test_a_file_linked_out_of_the_repository_is_named(repo, tmp_path, path):
    (repo / "data" / "ft" / "b.jsonl").symlink_to(tmp_path / "elsewhere" / "b.jsonl")
    findings = _lint(repo, path)
    # The 12 records read are not the 20 claimed, but the linked file may hold the rest: no EVID001.
    assert [rule for rule, _ in findings] == ["EVID008"]
    assert (f"names {path}, and 1 of its 2 files (data/ft/b.jsonl) is a link out of the repository "
            "holding the plan, not read") in findings[0][1]
    assert "checked against the other file only" in findings[0][1]


def test_a_file_linked_inside_the_repository_is_read(repo):
    (repo / "data" / "ft" / "b.jsonl").symlink_to(repo / "store" / "b.jsonl")
    assert _lint(repo) == []  # 12 + 8 records, as claimed


def test_a_count_above_what_the_files_read_hold_is_still_reported(repo, tmp_path):
    (repo / "data" / "ft" / "b.jsonl").symlink_to(tmp_path / "elsewhere" / "b.jsonl")
    findings = dict(_lint(repo, examples=5))
    assert sorted(findings) == ["EVID001", "EVID008"]
    # The 12 records read are a lower bound: no exact count is offered, and the message says so.
    assert findings["EVID001"].startswith("`fine_tuning.dataset.examples` is 5 but the files of data/ft/ read hold "
                                          "12 records (1 file linked out of the repository not read, EVID008)")
    assert "examples: 12" not in findings["EVID001"]
    assert "checked against the other file only" in findings["EVID008"]


def test_a_count_above_the_records_with_no_file_linked_out_offers_the_count(repo):
    # The near twin: every file read, so the count is exact and the fix offers it.
    (repo / "plan.aiplan.yaml").write_text(PLAN.format(path="data/ft/", examples=5))
    result = lint_targets([Target(str(repo / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)],
                          build_context(select=["EVID001"]))
    (finding,) = result.findings
    assert "but data/ft/ holds 12 records" in finding.message and "Set `examples: 12`" in finding.fix


def test_many_skipped_files_are_counted_after_the_first_three(repo, tmp_path):
    for index in range(5):
        (repo / "data" / "ft" / f"out{index}.jsonl").symlink_to(tmp_path / "elsewhere" / "b.jsonl")
    (message,) = [message for rule, message in _lint(repo) if rule == "EVID008"]
    assert ("5 of its 6 files (data/ft/out0.jsonl, data/ft/out1.jsonl, data/ft/out2.jsonl and 2 more) "
            "are links out of the repository") in message


def test_a_glob_whose_every_file_links_out_is_outside(repo, tmp_path):
    (repo / "data" / "ft" / "a.jsonl").unlink()
    (repo / "data" / "ft" / "b.jsonl").symlink_to(tmp_path / "elsewhere" / "b.jsonl")
    (message,) = [message for rule, message in _lint(repo, "data/ft/*.jsonl") if rule == "EVID008"]
    assert "its files are outside the repository holding the plan" in message


def test_a_link_out_added_later_is_seen_by_the_cache(repo, tmp_path):
    cache_dir = str(repo / ".cache")
    assert _lint(repo, examples=12, cache=LintCache(cache_dir)) == []
    (repo / "data" / "ft" / "b.jsonl").symlink_to(tmp_path / "elsewhere" / "b.jsonl")
    cache = LintCache(cache_dir)
    assert [rule for rule, _ in _lint(repo, examples=12, cache=cache)] == ["EVID008"]
    assert cache.hits == 0


RAG = """aiplan: 1
name: x
approach: rag
rag:
  corpus:
    sources:
      - name: docs
        path: {path}
        format: markdown
"""


def _rag(project, path="docs/", cache=None):
    (project / "plan.aiplan.yaml").write_text(RAG.format(path=path))
    result = lint_targets([Target(str(project / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)],
                          build_context(select=["EVID008"]), cache=cache)
    return [f.message for f in result.findings]


@pytest.mark.parametrize("path", ["docs/", "docs/*.md"])
def test_a_rag_document_linked_out_of_the_repository_is_named(repo, tmp_path, path):
    (repo / "docs").mkdir()
    (repo / "docs" / "a.md").write_text("# a\n")
    (tmp_path / "elsewhere" / "b.md").write_text("# b\n")
    (repo / "docs" / "b.md").symlink_to(tmp_path / "elsewhere" / "b.md")
    assert _rag(repo, path) == [
        f"`rag.corpus.sources[0].path` names {path}, and 1 of its documents (docs/b.md) is a link out of the "
        "repository holding the plan, not read: the source's tables and boilerplate are measured on the others only"]
    # Its near twin: a link inside the repository is read like any document.
    (repo / "docs" / "b.md").unlink()
    (repo / "store" / "b.md").write_text("# b\n")
    (repo / "docs" / "b.md").symlink_to(repo / "store" / "b.md")
    assert _rag(repo, path) == []


def test_a_rag_document_linked_out_later_is_seen_by_the_cache(repo, tmp_path):
    (repo / "docs").mkdir()
    (repo / "docs" / "a.md").write_text("# a\n")
    (tmp_path / "elsewhere" / "b.md").write_text("# b\n")
    cache_dir = str(repo / ".cache")
    assert _rag(repo, cache=LintCache(cache_dir)) == []
    (repo / "docs" / "b.md").symlink_to(tmp_path / "elsewhere" / "b.md")
    cache = LintCache(cache_dir)
    assert len(_rag(repo, cache=cache)) == 1 and cache.hits == 0


@pytest.mark.parametrize("path", ["data/ft/", "data/ft/*.jsonl"])
def test_links_out_and_links_to_nothing_together_are_counted_alike(repo, tmp_path, path):
    """Both EVID008 findings count the set's 4 files and the 1 read (were "1 of its 2 files ...
    against the other file" beside "2 of its 4 files ... against the other 2 files")."""
    (repo / "data" / "ft" / "b.jsonl").symlink_to(tmp_path / "elsewhere" / "b.jsonl")
    (repo / "data" / "ft" / "c.jsonl").symlink_to("gone.jsonl")
    (repo / "data" / "ft" / "d.jsonl").symlink_to("gone-too.jsonl")
    messages = [message for rule, message in _lint(repo, path, examples=12) if rule == "EVID008"]
    assert len(messages) == 2
    assert messages[0].startswith(f"`fine_tuning.dataset.path` names {path}, and 1 of its 4 files (data/ft/b.jsonl) is a link")
    assert messages[1].startswith(f"`fine_tuning.dataset.path` names {path}, and 2 of its 4 files (data/ft/c.jsonl and")
    assert all(message.endswith("checked against 1 of them only") for message in messages)
