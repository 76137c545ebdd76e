"""One read of the training data per run, kept across plan edits; shards read as one data set."""

import json

import pytest

import aiplan.evidence.profile as profile_module
from aiplan.evidence.profile import FileSettings, profile_parts, where
from aiplan.run.cache import LintCache
from aiplan.run.discovery import Target
from aiplan.run.runner import lint_targets
from aiplan.testing import build_context


def _chat(text, reply="ok"):
    return {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]}


def _jsonl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


PLAN = """aiplan: 1
name: {name}
approach: fine_tuning
fine_tuning:
  dataset:
    path: {train}
    examples: {examples}
  evaluation:
    held_out:
      path: held.jsonl
      disjoint_from_training: true
"""


@pytest.fixture
def opened(monkeypatch):
    """The data files opened, by base name, in order."""
    seen = []
    real = profile_module.open_data

    def counting(path, name, *args, **kwargs):
        seen.append(path.rsplit("/", 1)[-1])
        return real(path, name, *args, **kwargs)

    monkeypatch.setattr(profile_module, "open_data", counting)
    return seen


def _project(tmp_path, train="train.jsonl", examples=40):
    (tmp_path / ".git").mkdir(exist_ok=True)
    _jsonl(tmp_path / "train.jsonl", [_chat(f"training question {i}") for i in range(39)] + [_chat("Held  OUT 2")])
    _jsonl(tmp_path / "held.jsonl", [_chat(f"held out {i}") for i in range(5)] + [_chat("held out near number 7")])
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN.format(name="x", train=train, examples=examples))
    return Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)


def _run(tmp_path, target, ctx):
    cache = LintCache(str(tmp_path / ".cache"))
    result = lint_targets([target], ctx, cache=cache)
    return cache.hits, [(f.rule, f.message) for f in result.findings]


def test_every_rule_shares_one_read_of_the_training_data(tmp_path, opened):
    from aiplan.lint.engine import lint_file

    target = _project(tmp_path)
    result = lint_file(target.real_path, target.display_path, build_context(select=["EVID"]))
    assert [f.rule for f in result.findings] == ["EVID002"]
    # EVID001, EVID002, EVID003, EVID005, EVID006, EVID007 all asked about train.jsonl and held.jsonl.
    assert opened.count("train.jsonl") == 1 and opened.count("held.jsonl") == 1


def test_a_plan_edit_does_not_read_unchanged_data_again(tmp_path, monkeypatch, opened):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    target = _project(tmp_path)
    ctx = build_context(select=["EVID"])
    hits, first = _run(tmp_path, target, ctx)
    assert hits == 0 and [rule for rule, _ in first] == ["EVID002"] and opened.count("train.jsonl") == 1
    # The plan changes, its data does not: the plan is linted again, the data is not read again.
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN.format(name="renamed", train="train.jsonl", examples=4000))
    hits, second = _run(tmp_path, target, ctx)
    assert hits == 0 and [rule for rule, _ in second] == ["EVID001", "EVID002"]
    assert "holds 40 records" in second[0][1] and opened.count("train.jsonl") == 1
    # The data changes: it is read again.
    _jsonl(tmp_path / "train.jsonl", [_chat(f"training question {i}") for i in range(4000)])
    hits, third = _run(tmp_path, target, ctx)
    assert hits == 0 and [rule for rule, _ in third] == [] and opened.count("train.jsonl") == 2


def test_a_stored_entry_that_is_not_authentic_is_not_used(tmp_path, monkeypatch, opened):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    target = _project(tmp_path)
    ctx = build_context(select=["EVID"])
    _run(tmp_path, target, ctx)
    entries = [p for p in (tmp_path / ".cache" / "evidence-v1").rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert entries
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[-1] ^= 1
        entry.write_bytes(bytes(data))
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN.format(name="renamed", train="train.jsonl", examples=40))
    hits, findings = _run(tmp_path, target, ctx)
    assert hits == 0 and [rule for rule, _ in findings] == ["EVID002"] and opened.count("train.jsonl") == 2


def test_adding_a_shard_a_glob_matches_invalidates_the_cached_result(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    (tmp_path / ".git").mkdir()
    _jsonl(tmp_path / "held.jsonl", [_chat(f"held out {i}") for i in range(5)])
    _jsonl(tmp_path / "data" / "train-00.jsonl", [_chat(f"question {i}") for i in range(20)])
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN.format(name="x", train="data/train-*.jsonl", examples=40))
    target = Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)
    ctx = build_context(select=["EVID"])
    hits, first = _run(tmp_path, target, ctx)
    assert hits == 0 and [rule for rule, _ in first] == ["EVID001"] and "holds 20 records" in first[0][1]
    assert _run(tmp_path, target, ctx) == (1, first)
    _jsonl(tmp_path / "data" / "train-01.jsonl", [_chat(f"question {i}") for i in range(20, 40)])
    assert _run(tmp_path, target, ctx) == (0, [])


def test_shards_are_one_data_set_named_file_by_file(tmp_path):
    (tmp_path / ".git").mkdir()
    _jsonl(tmp_path / "held.jsonl", [_chat(f"held out {i}") for i in range(5)])
    _jsonl(tmp_path / "data" / "train-00.jsonl", [_chat(f"question {i}") for i in range(10)])
    _jsonl(tmp_path / "data" / "train-01.jsonl", [_chat(f"question {i}") for i in range(10, 19)] + [_chat("HELD out 3")])
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN.format(name="x", train="data/train-*.jsonl", examples=20))
    target = Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)
    [finding] = lint_targets([target], build_context(select=["EVID"])).findings
    assert finding.rule == "EVID002"
    assert "first: held.jsonl:4 = data/train-01.jsonl:10" in finding.message
    assert [(r.path, r.line) for r in finding.related] == [("held.jsonl", 4), ("data/train-01.jsonl", 10)]
    # A folder of shards is the same data set.
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN.format(name="x", train="data", examples=20))
    [finding] = lint_targets([target], build_context(select=["EVID"])).findings
    assert "data/train-01.jsonl:10" in finding.message


def test_the_byte_budget_spans_the_shards_and_sampling_is_said_once(tmp_path):
    parts = []
    for number in range(4):
        path = _jsonl(tmp_path / f"train-{number}.jsonl", [_chat(f"question {number} {i}") for i in range(100)])
        parts.append((str(path), path.name))
    size = sum((tmp_path / name).stat().st_size for _, name in parts)
    whole = profile_parts(tuple(parts), "train-*.jsonl", FileSettings(), budget=size)
    assert (whole.records, whole.sampled, whole.size) == (400, False, size)
    half = profile_parts(tuple(parts), "train-*.jsonl", FileSettings(), budget=size // 2)
    assert half.sampled and half.size == size and 150 <= half.records <= 250
    assert [name for name, _ in half.stamps] == ["train-0.jsonl", "train-1.jsonl"]  # the rest was never opened
    assert half.estimated_records == pytest.approx(400, rel=0.05)


def test_positions_name_their_shard():
    shards = (("a.jsonl", 0), ("b.jsonl", 11), ("c.jsonl", 12))
    assert [where(shards, "x", p) for p in (1, 11, 12, 13, 40)] == [
        ("a.jsonl", 1), ("a.jsonl", 11), ("b.jsonl", 1), ("c.jsonl", 1), ("c.jsonl", 28)]
    assert where((), "train.jsonl", 7) == ("train.jsonl", 7)


def test_a_shard_that_cannot_be_read_is_named(tmp_path):
    (tmp_path / ".git").mkdir()
    _jsonl(tmp_path / "data" / "train-00.jsonl", [_chat("question")])
    (tmp_path / "data" / "train-01.jsonl").write_bytes(b"\x00\x01binary")
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN.format(name="x", train="data/train-*.jsonl", examples=1))
    target = Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)
    findings = lint_targets([target], build_context(select=["EVID005"])).findings
    assert [f.message for f in findings] == [
        "`fine_tuning.dataset.path` names data/train-*.jsonl, which has a file, data/train-01.jsonl, that is "
        "binary, not text (it holds NUL bytes)"]


def test_a_file_that_runs_out_of_time_while_reading_data_says_which_options_bound_it(tmp_path, monkeypatch):
    from aiplan.core.budget import FILE, OutOfTime
    from aiplan.lint.engine import lint_file

    target = _project(tmp_path)

    def out_of_time(*args, **kwargs):  # the file's deadline passes while the data is read
        raise OutOfTime(FILE)

    monkeypatch.setattr(profile_module, "open_data", out_of_time)
    [finding] = lint_file(target.real_path, target.display_path, build_context(select=["EVID"])).findings
    assert "while running rule EVID001, reading the data files the plan names" in finding.message
    assert "`file-timeout`" in finding.fix and "`max-evidence-bytes`" in finding.fix
    # Out of time elsewhere: the usual advice.
    from aiplan.core.budget import Budget
    from aiplan.lint.engine import _out_of_time

    clock = Budget(file_seconds=60).for_file()
    clock.at("running rule FT001")
    [other] = _out_of_time(build_context(), "plan.aiplan.yaml", clock, FILE).findings
    assert other.fix == "Raise `file-timeout` if the file is genuine, or split it."


RAG_PLAN = """aiplan: 1
name: {name}
approach: rag
rag:
  corpus:
    sources:
      - name: specs
        path: docs/*.md
  data_pipeline:
    owner: data-eng
    chunking:
      strategy: fixed
"""


def test_a_document_added_to_a_rag_source_glob_invalidates_the_cached_result(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nThe warranty covers parts for two years.\n")
    (tmp_path / "plan.aiplan.yaml").write_text(RAG_PLAN.format(name="x"))
    target = Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)
    ctx = build_context(select=["RAG003"])
    assert _run(tmp_path, target, ctx) == (0, [])
    assert _run(tmp_path, target, ctx) == (1, [])
    (tmp_path / "docs" / "b.md").write_text("| part | years |\n| --- | --- |\n| screen | 2 |\n")
    hits, found = _run(tmp_path, target, ctx)
    assert hits == 0 and [rule for rule, _ in found] == ["RAG003"] and "docs/b.md:1" in found[0][1]


def test_a_plan_edit_takes_a_rag_source_s_measures_from_the_cache(tmp_path, monkeypatch):
    import aiplan.evidence.corpus as corpus

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "b.md").write_text("| part | years |\n| --- | --- |\n| screen | 2 |\n")
    (tmp_path / "plan.aiplan.yaml").write_text(RAG_PLAN.format(name="x"))
    target = Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)
    calls = []
    real = corpus.profile_corpus
    monkeypatch.setattr(corpus, "profile_corpus", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    ctx = build_context(select=["RAG003"])
    first = _run(tmp_path, target, ctx)[1]
    (tmp_path / "plan.aiplan.yaml").write_text(RAG_PLAN.format(name="renamed"))
    assert _run(tmp_path, target, ctx) == (0, first) and len(calls) == 1


# -- the file cap (max-evidence-files) -------------------------------------------

def _three_shards(tmp_path, contaminated_shard=0):
    (tmp_path / ".git").mkdir(exist_ok=True)
    for shard in range(3):
        rows = [_chat(f"question {shard} {i}") for i in range(20)]
        if shard == contaminated_shard:
            rows[5] = _chat("held out 3")
        _jsonl(tmp_path / "data" / f"train-{shard}.jsonl", rows)
    _jsonl(tmp_path / "held.jsonl", [_chat(f"held out {i}") for i in range(5)])


def _lint_shards(tmp_path, examples, files):
    from aiplan.parse.loader import Limits
    from aiplan.testing import lint_yaml

    plan = PLAN.format(name="x", train="data/train-*.jsonl", examples=examples)
    return lint_yaml(plan, select=["EVID001", "EVID002"], base_dir=str(tmp_path),
                     limits=Limits(max_evidence_files=files))


def test_past_the_file_cap_the_rest_of_a_glob_is_not_read_and_findings_say_so(tmp_path):
    _three_shards(tmp_path)
    count, contaminated = _lint_shards(tmp_path, 600, files=2)
    assert count.rule == "EVID001" and "holds about 60 records" in count.message  # 40 read, 3 of 3 files estimated
    assert "only the first 2 of the 3 files were read, the `max-evidence-files` cap" in count.message
    assert contaminated.rule == "EVID002"
    assert "only the first 2 of the 3 files of the training data were compared, the `max-evidence-files` cap" \
        in contaminated.message


def test_within_the_file_cap_every_file_is_read(tmp_path):
    _three_shards(tmp_path)
    count, contaminated = _lint_shards(tmp_path, 600, files=3)
    assert "holds 60 records:" in count.message and "cap" not in count.message + contaminated.message
    assert _lint_shards(tmp_path, 60, files=3) == [contaminated]


def test_a_record_past_the_file_cap_is_not_compared(tmp_path):
    _three_shards(tmp_path, contaminated_shard=2)
    assert [f.rule for f in _lint_shards(tmp_path, 60, files=2)] == []
    assert [f.rule for f in _lint_shards(tmp_path, 60, files=3)] == ["EVID002"]
