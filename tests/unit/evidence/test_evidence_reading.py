"""Reading data files: formats, bad input, budgets, what the results depend on."""

import gzip
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from aiplan.evidence.files import content_stamp, locate, stamp_holds
from aiplan.evidence.overlap import training_pass
from aiplan.evidence.profile import FileSettings, profile_parts
from aiplan.evidence.reader import EvidenceReader
from aiplan.testing import lint_yaml

CHAT = {"messages": [{"role": "user", "content": "where is my order"}, {"role": "assistant", "content": "on its way"}]}


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _chat(text, reply="ok"):
    return {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]}


def _profile(path, **settings):
    return profile_parts(((str(path), path.name),), path.name, FileSettings(**settings), budget=1 << 30)


# -- formats ---------------------------------------------------------------------------


def test_json_lines_json_array_csv_tsv_and_gzip_hold_the_same_records(tmp_path):
    rows = [{"prompt": f"question {i}", "completion": f"answer {i}", "category": "target_task"} for i in range(7)]
    _jsonl(tmp_path / "a.jsonl", rows)
    (tmp_path / "b.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    header = "prompt,completion,category\n"
    (tmp_path / "c.csv").write_text(header + "".join(f"question {i},answer {i},target_task\n" for i in range(7)))
    (tmp_path / "d.tsv").write_text(header.replace(",", "\t") + "".join(
        f"question {i}\tanswer {i}\ttarget_task\n" for i in range(7)))
    with gzip.open(tmp_path / "e.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in rows)
    for name in ("a.jsonl", "b.json", "c.csv", "d.tsv", "e.jsonl.gz"):
        profile = _profile(tmp_path / name)
        assert (profile.records, profile.malformed, profile.misshapen, profile.unreadable) == (7, 0, 0, ""), name
        assert profile.categories == (("target_task", 7, 2 if name in ("b.json", "c.csv", "d.tsv") else 1),), name


def test_json_array_elements_report_their_own_lines(tmp_path):
    (tmp_path / "a.json").write_text('[\n  {"prompt": "a", "completion": "b"},\n  {"text": "c"},\n  3\n]\n')
    profile = _profile(tmp_path / "a.json")
    assert profile.records == 2 and profile.malformed == 1
    assert profile.first_misshapen[0][0] == 3 and profile.first_malformed == ((4, "a JSON number, not an object"),)


def test_a_json_file_that_is_not_an_array_is_read_as_json_lines(tmp_path):
    _jsonl(tmp_path / "a.json", [CHAT, CHAT])
    assert _profile(tmp_path / "a.json").records == 2


def test_parquet_is_read_with_the_extra(tmp_path):
    parquet = pytest.importorskip("pyarrow.parquet")
    import pyarrow

    table = pyarrow.table({"question": [f"q{i}" for i in range(5)], "answer": ["a"] * 5})
    parquet.write_table(table, str(tmp_path / "a.parquet"))
    profile = _profile(tmp_path / "a.parquet")
    assert (profile.records, profile.misshapen, profile.unreadable) == (5, 0, "")


def test_parquet_without_the_extra_is_not_verified_and_says_how_to_get_it(tmp_path, monkeypatch):
    (tmp_path / "train.parquet").write_bytes(b"PAR1" + bytes(64) + b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import fails as if not installed
    plan = """
        aiplan: 1
        name: x
        fine_tuning:
          dataset:
            path: train.parquet
    """
    [finding] = lint_yaml(plan, select=["EVID"], base_dir=str(tmp_path))
    assert finding.rule == "EVID008" and "Parquet extra is not installed" in finding.message
    assert "pip install 'aiplan[parquet]'" in finding.fix


# -- bad input: a finding or a clear message, never a traceback or a hang -----------------


def _training(tmp_path, name):
    plan = f"""
        aiplan: 1
        name: x
        fine_tuning:
          dataset:
            path: {name}
    """
    return [(f.rule, f.message) for f in lint_yaml(plan, select=["EVID"], base_dir=str(tmp_path))]


def test_a_fifo_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "train.jsonl")  # opening it for reading would block forever
    [(rule, message)] = _training(tmp_path, "train.jsonl")
    assert rule == "EVID005" and "is a FIFO, not a regular file" in message


def test_a_sparse_gigabyte_is_refused_from_its_first_bytes(tmp_path):
    with open(tmp_path / "train.jsonl", "wb") as out:
        out.truncate(1 << 30)  # sparse: no disk used, all NUL bytes
    [(rule, message)] = _training(tmp_path, "train.jsonl")
    assert rule == "EVID007" and "holds no records: it is binary" in message  # no record in it at all


@pytest.mark.parametrize("content, expected", [
    ('{"prompt": "a", "completion": "b"}\n'.encode("utf-16"), "is UTF-16 encoded"),
    ('{"prompt": "a", "completion": "b"}\n'.encode("utf-16-le"), "looks UTF-16 encoded"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is binary"),
    (b"\xff\xfe\x00\x00" + "{}".encode("utf-32-le"), "is UTF-32 encoded"),
])
def test_encodings_aiplan_does_not_read_are_named(tmp_path, content, expected):
    (tmp_path / "train.jsonl").write_bytes(content)
    [(rule, message)] = _training(tmp_path, "train.jsonl")
    # Another encoding may hold records; a binary file holds none: EVID007's.
    assert rule == ("EVID007" if expected == "is binary" else "EVID005") and expected in message


def test_a_directory_where_a_file_is_expected(tmp_path):
    (tmp_path / "train.jsonl").mkdir()
    (tmp_path / "train.jsonl" / "notes.txt").write_text("x\n")
    assert _training(tmp_path, "train.jsonl") == [
        ("EVID005", "`fine_tuning.dataset.path` names train.jsonl, which is a folder that holds no data file "
                    "(it holds notes.txt)")]


def test_a_truncated_gzip_stream_reports_where_it_stops(tmp_path):
    data = gzip.compress(b"".join(json.dumps(_chat(f"question number {i}")).encode() + b"\n" for i in range(20_000)))
    (tmp_path / "train.jsonl.gz").write_bytes(data[: len(data) // 2])
    [(rule, message)] = _training(tmp_path, "train.jsonl.gz")
    assert rule == "EVID005" and "cannot be read past here" in message


def test_a_gz_suffix_on_plain_text_is_named(tmp_path):
    _jsonl(tmp_path / "train.jsonl.gz", [CHAT])
    [(rule, message)] = _training(tmp_path, "train.jsonl.gz")
    assert rule == "EVID005" and "is not gzip-compressed" in message


def test_invalid_utf8_and_bad_json_lines_are_counted_with_their_lines(tmp_path):
    good = json.dumps(CHAT).encode()
    (tmp_path / "train.jsonl").write_bytes(b"\n".join([good, b'{"prompt": "\xff"}', good, b"{oops", good]) + b"\n")
    profile = _profile(tmp_path / "train.jsonl")
    assert profile.records == 3 and profile.malformed == 2
    assert [line for line, _ in profile.first_malformed] == [2, 4]
    assert "not valid UTF-8" in profile.first_malformed[0][1] and "not valid JSON" in profile.first_malformed[1][1]


@pytest.mark.parametrize("name, content", [("deep.jsonl", "[" * 100_000 + "\n"), ("deep.json", "[" + "[" * 100_000)])
def test_json_nested_too_deeply_is_a_malformed_line(tmp_path, name, content):
    (tmp_path / name).write_text(content)
    [(rule, message)] = _training(tmp_path, name)
    # Its one line is not a record, so the file holds none: EVID007 names why.
    assert rule == "EVID007" and "nested too deeply" in message


def test_an_over_long_line_is_reported_without_being_held(tmp_path, monkeypatch):
    import aiplan.evidence.formats as formats

    monkeypatch.setattr(formats, "MAX_RECORD_BYTES", 1024)
    (tmp_path / "train.jsonl").write_text(json.dumps(CHAT) + "\n" + "x" * 5000 + "\n" + json.dumps(CHAT) + "\n")
    profile = _profile(tmp_path / "train.jsonl")
    assert profile.records == 2 and profile.first_malformed == ((2, "the line is longer than 1,024 bytes"),)


# -- budget, memory ---------------------------------------------------------------------


def test_past_the_byte_budget_the_file_is_a_sample_and_counts_are_estimated(tmp_path):
    _jsonl(tmp_path / "train.jsonl", [_chat(f"question {i:05d}") for i in range(2000)])
    profile = profile_parts(((str(tmp_path / "train.jsonl"), "train.jsonl"),), "train.jsonl", FileSettings(), budget=20_000)
    assert profile.sampled and profile.records < 2000
    assert abs(profile.estimated_records - 2000) < 100
    plan = """
        aiplan: 1
        name: x
        fine_tuning:
          dataset:
            path: train.jsonl
            examples: 9000
    """
    from aiplan.parse.loader import Limits

    [finding] = lint_yaml(plan, select=["EVID001"], base_dir=str(tmp_path), limits=Limits(max_evidence_bytes=20_000))
    assert "holds about 2,0" in finding.message and "only the first" in finding.message


def test_duplicates_of_a_large_file_are_counted_on_a_hash_sample(tmp_path, monkeypatch):
    import aiplan.evidence.profile as profile_module

    monkeypatch.setattr(profile_module, "MAX_DUPLICATE_SAMPLE", 300)
    rows = [_chat(f"question {i}") for i in range(2000)] + [_chat(f"question {i}") for i in range(0, 2000, 10)]
    _jsonl(tmp_path / "train.jsonl", rows)
    profile = _profile(tmp_path / "train.jsonl")
    assert profile.duplicate_rate > 1 and len(profile.first_duplicates) <= 5
    share = profile.duplicates / profile.duplicate_sample
    assert 0.03 < share < 0.2  # 200 of 2,200 (9%), estimated


def test_memory_grows_with_the_held_out_set_not_the_training_set(tmp_path):
    """The index holds the held-out records; training records are streamed and dropped."""
    _jsonl(tmp_path / "held.jsonl", [_chat(f"held out {i}") for i in range(10)])
    _jsonl(tmp_path / "train.jsonl", [_chat(f"training record {i}") for i in range(5000)] + [_chat("HELD  out 3")])
    import tracemalloc

    tracemalloc.start()
    result = training_pass(("train.jsonl", ((str(tmp_path / "train.jsonl"), "train.jsonl"),), FileSettings()),
                           [("held.jsonl", ((str(tmp_path / "held.jsonl"), "held.jsonl"),), FileSettings())],
                           budget=1 << 30).exact
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.overlaps[0].exact == 1 and result.overlaps[0].first_exact == ((4, 5001),)
    assert peak < 5 * 1024 * 1024  # a list of 5,000 records alone would pass 5 MB


# -- where names point; nothing is fetched ---------------------------------------------------


@pytest.mark.parametrize("name, kind", [
    ("https://example.com/train.jsonl", "remote"), ("s3://bucket/key.jsonl", "remote"), ("hf://datasets/x", "remote"),
    ("acme/support-tickets", "remote"), ("data/train.jsonl", "missing"), ("../outside.jsonl", "outside"),
])
def test_locations(tmp_path, name, kind):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (tmp_path / "outside.jsonl").write_text("{}\n")
    assert locate(name, str(repo), str(repo)).kind == kind


def test_the_results_cache_stamp_follows_the_content(tmp_path):
    path = tmp_path / "train.jsonl"
    _jsonl(path, [CHAT])
    profile = _profile(path)
    assert stamp_holds(str(path), profile.stamps[0][1])
    os.utime(path, ns=(1, 1))  # touched, same bytes: the hash is checked again and holds
    assert stamp_holds(str(path), profile.stamps[0][1])
    path.write_text(path.read_text().replace("order", "ORDER"))  # same size, other bytes
    assert not stamp_holds(str(path), profile.stamps[0][1])
    assert not stamp_holds(str(tmp_path / "gone.jsonl"), profile.stamps[0][1])
    assert content_stamp(str(path), 0, "x").startswith("evidence:")


def test_a_settled_status_spares_the_read_and_a_restored_modification_time_does_not_hide_an_edit(
        tmp_path, monkeypatch):
    from aiplan.evidence import files
    monkeypatch.setattr(files, "RACY_NS", 0)  # every status counts as settled: no waiting in a test
    path = tmp_path / "train.jsonl"
    _jsonl(path, [CHAT])
    stamp = _profile(path).stamps[0][1]
    assert stamp.split(":")[2] != "-"  # the status is recorded
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    assert stamp_holds(str(path), stamp) and opened == []  # trusted without reading
    monkeypatch.setattr("builtins.open", real_open)
    info = os.stat(path)
    path.write_text(path.read_text().replace("order", "ORDER"))  # same size, other bytes ...
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # ... and the old modification time put back
    assert not stamp_holds(str(path), stamp)  # the change time shows it: hashed again, and it differs


def test_a_status_spelled_otherwise_than_recorded_is_no_match_and_the_bytes_decide(tmp_path, monkeypatch):
    from aiplan.evidence import files
    monkeypatch.setattr(files, "RACY_NS", 0)
    path = tmp_path / "train.jsonl"
    _jsonl(path, [CHAT])
    stamp = _profile(path).stamps[0][1]
    kind, size, status, count, digest = stamp.split(":")
    respelled = ":".join((kind, size, "/".join("0" + number for number in status.split("/")), count, digest))
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    assert stamp_holds(str(path), respelled) and opened == [str(path)]  # hashed again: same bytes
    path.write_text(path.read_text().replace("order", "ORDER"))
    assert not stamp_holds(str(path), respelled)


def test_a_file_written_moments_ago_or_during_the_read_is_hashed_again(tmp_path, monkeypatch):
    from aiplan.evidence import files
    path = tmp_path / "train.jsonl"
    _jsonl(path, [CHAT])
    stamp = _profile(path).stamps[0][1]
    assert stamp.split(":")[2] == "-"  # written within RACY_NS: its status cannot vouch for its bytes
    assert stamp_holds(str(path), stamp)  # the bytes do
    monkeypatch.setattr(files, "RACY_NS", 0)
    before = files.file_status(str(path))
    assert before is not None
    assert files.content_stamp(str(path), 1, "x", before).split(":")[2] != "-"
    changed = (before[0], before[1] - 1, before[2], before[3])  # another status before the read
    assert files.content_stamp(str(path), 1, "x", changed).split(":")[2] == "-"
    assert files.content_stamp(str(path), 1, "x").split(":")[2] == "-"  # nothing taken before


def test_the_reader_records_the_stamps_of_what_it_read_and_pauses_the_budget(tmp_path):
    _jsonl(tmp_path / "train.jsonl", [CHAT])
    recorded, paused = [], []

    class Pause:
        def __enter__(self):
            paused.append("in")

        def __exit__(self, *exc):
            paused.append("out")

    def exists(name):  # the engine's check: the cache records its answer
        recorded.append((name, (tmp_path / name).exists()))
        return recorded[-1][1]

    reader = EvidenceReader(str(tmp_path), pause=Pause, record=recorded.append, exists=exists)
    first = reader.profile("train.jsonl")
    assert reader.profile("train.jsonl") is first  # memoised within a lint
    assert paused == ["in", "out"]
    assert recorded == [("train.jsonl", True), ("\x00evidence:train.jsonl", first.stamps[0][1])]


# -- the engine ---------------------------------------------------------------------------


PLAN_WITH_DATA = """
aiplan: 1
name: x
fine_tuning:
  dataset:
    path: train.jsonl
    examples: 500
"""


def test_evidence_off_reads_nothing(tmp_path):
    import dataclasses

    from aiplan.lint.engine import lint_file
    from aiplan.testing import build_context

    _jsonl(tmp_path / "train.jsonl", [CHAT])
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN_WITH_DATA)
    ctx = build_context(select=["EVID"])
    assert [f.rule for f in lint_file(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", ctx).findings] == [
        "EVID001"]
    off = dataclasses.replace(ctx, evidence=False)
    assert lint_file(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", off).findings == ()
    assert off.fingerprint() != ctx.fingerprint()  # cached results of one never serve the other


def test_a_plan_without_data_files_imports_no_reader(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from aiplan.lint.engine import lint_file
        from aiplan.testing import build_context
        ctx = build_context()
        lint_file({str(tmp_path / 'plan.aiplan.yaml')!r}, "plan.aiplan.yaml", ctx)
        heavy = sorted(m for m in sys.modules if m.startswith(("datasketch", "numpy", "aiplan.evidence")))
        print(heavy)
    """)
    (tmp_path / "plan.aiplan.yaml").write_text("aiplan: 1\nname: x\napproach: prompt_engineering\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"  # the reader is made when a rule first asks it (aiplan.lint.engine)


def test_cached_results_are_reused_until_the_data_changes(tmp_path, monkeypatch):
    from aiplan.run.cache import LintCache
    from aiplan.run.discovery import Target
    from aiplan.run.runner import lint_targets
    from aiplan.testing import build_context

    monkeypatch.chdir(tmp_path)
    _jsonl(tmp_path / "train.jsonl", [CHAT])
    (tmp_path / "plan.aiplan.yaml").write_text(PLAN_WITH_DATA)
    ctx = build_context(select=["EVID"])
    target = Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)

    def run():
        cache = LintCache(str(tmp_path / ".cache"))
        result = lint_targets([target], ctx, cache=cache)
        return cache.hits, [f.message for f in result.findings]

    hits, first = run()
    assert hits == 0 and "holds 1 record" in first[0]
    assert run() == (1, first)
    _jsonl(tmp_path / "train.jsonl", [_chat(f"order {i}") for i in range(500)])  # now it backs the claim
    hits, second = run()
    assert hits == 0 and second == []


def test_the_configuration_names_the_input_field_of_data_files(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    _jsonl(tmp_path / "data" / "custom.jsonl", [{"query_text": f"find invoice {i}", "label": "x"} for i in range(3)])
    (tmp_path / "plan.aiplan.yaml").write_text(
        "aiplan: 1\nname: x\nfine_tuning:\n  dataset:\n    path: data/custom.jsonl\n    examples: 3\n")
    shape = cli("lint", "--no-cache", "--select", "EVID", "--format", "json", "plan.aiplan.yaml")
    assert [f["rule"] for f in json.loads(shape.output)["findings"]] == ["EVID005"]
    # `*` stays within a folder: `data*.jsonl` (a name) does not match data/custom.jsonl as fnmatch would ...
    (tmp_path / ".aiplan.toml").write_text('input-fields = { "data*.jsonl" = "query_text" }\n')
    assert [f["rule"] for f in json.loads(cli("lint", "--no-cache", "--select", "EVID", "--format", "json",
                                              "plan.aiplan.yaml").output)["findings"]] == ["EVID005"]
    # ... `data/*.jsonl` does, and a pattern without `/` matches a file name at any depth.
    for pattern in ("data/*.jsonl", "custom.jsonl", "data/**/*.jsonl"):
        (tmp_path / ".aiplan.toml").write_text(f'input-fields = {{ "{pattern}" = "query_text", "*.csv" = "q" }}\n')
        assert json.loads(cli("lint", "--no-cache", "--select", "EVID", "--format", "json",
                              "plan.aiplan.yaml").output)["findings"] == [], pattern
    # the plan's own setting beside the path wins over the configuration
    (tmp_path / "plan.aiplan.yaml").write_text(
        "aiplan: 1\nname: x\nfine_tuning:\n  dataset:\n    path: data/custom.jsonl\n    input_field: request_text\n")
    found = json.loads(cli("lint", "--no-cache", "--select", "EVID", "--format", "json", "plan.aiplan.yaml").output)
    assert [f["rule"] for f in found["findings"]] == ["EVID005"] and "`request_text`" in found["findings"][0]["message"]


def test_input_fields_patterns_are_checked_when_the_configuration_is_read(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.aiplan.yaml").write_text("aiplan: 1\nname: x\n")
    (tmp_path / ".aiplan.toml").write_text('input-fields = { "data/[x.jsonl" = "q" }\n')
    result = cli("lint", "--no-cache", "plan.aiplan.yaml")
    assert result.exit_code == 2 and "`input-fields`" in result.output and "unclosed '['" in result.output


UNREADABLE_PLAN = """\
aiplan: 1
name: x
approach: prompt_engineering
evaluation: {metrics: [{name: answer_accuracy, target: 0.9}], eval_sets: [{path: evals/c.jsonl, size: 3}]}
"""


def _utf16(path):
    path.write_bytes("".join(json.dumps({"input": f"q{i}", "output": "a"}) + "\n" for i in range(3)).encode("utf-16"))


def _directory(path):
    path.mkdir()  # a folder of other files: EVID005's (an empty one is EVID007's)
    (path / "notes.txt").write_text("x\n")


def _fifo(path):
    os.mkfifo(path)


@pytest.mark.parametrize("unreadable", [_utf16, _directory, _fifo])
@pytest.mark.parametrize("fixed", ["file", "link"])
def test_fixing_an_unreadable_data_file_invalidates_the_cached_result(tmp_path, monkeypatch, unreadable, fixed):
    from aiplan.run.cache import LintCache
    from aiplan.run.discovery import Target
    from aiplan.run.runner import lint_targets
    from aiplan.testing import build_context

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "evals").mkdir()
    good = tmp_path / "evals" / "ok.jsonl"
    _jsonl(good, [{"input": f"q{i}", "output": "a"} for i in range(3)])
    data = tmp_path / "evals" / "c.jsonl"
    unreadable(data)
    (tmp_path / "plan.aiplan.yaml").write_text(UNREADABLE_PLAN)
    ctx = build_context(select=["EVID005"])
    target = Target(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", False)

    def run():
        return [f.rule for f in lint_targets([target], ctx, cache=LintCache(str(tmp_path / ".cache"))).findings]

    assert run() == ["EVID005"] and run() == ["EVID005"]
    if data.is_dir():
        shutil.rmtree(data)
    else:
        data.unlink()
    if fixed == "file":
        data.write_bytes(good.read_bytes())
    else:
        data.symlink_to("ok.jsonl")
    assert run() == []
