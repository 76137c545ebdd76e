"""The training pass's fast paths give exactly the slow paths' results.

* ``chat_line`` decodes only the strings of the common chat record: for any
  line it either agrees with ``sides(json.loads(line))`` or declines.
* A large JSON Lines file read in two processes (``aiplan.evidence.split``)
  gives the profile and the overlap one pass gives.
"""

import dataclasses
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aiplan.evidence.profile as profile_module
import aiplan.evidence.split as split_module
from aiplan.evidence.files import stamp_holds
from aiplan.evidence.overlap import training_pass
from aiplan.evidence.profile import FileSettings, profile_parts
from aiplan.evidence.records import chat_line, normalise, sides


def _slow(line: bytes):
    """What the general path makes of a line: ``(input, output)`` of a chat record with no other field, or None."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return "not json"
    if not isinstance(record, dict):
        return "not an object"
    text, output, shape = sides(record)
    return (text, output) if shape == "chat" else shape


def _agrees(line: bytes) -> None:
    fast = chat_line(line)
    if fast is not None:  # a line it takes must be a plain chat record, decoded the same
        record = json.loads(line)
        assert list(record) == ["messages"]
        assert fast == _slow(line)


def _chat(user, reply="ok", system=None):
    turns = ([{"role": "system", "content": system}] if system is not None else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    return {"messages": turns}


HOSTILE = [
    # escapes, unicode, nested quotes, as json.dumps writes them (ASCII or not)
    json.dumps(_chat('say "hi"\n\tthen \\ leave', "é\u2028")).encode(),
    json.dumps(_chat("ﬁne Ｆｕｌｌ width", "ok"), ensure_ascii=False).encode(),
    json.dumps(_chat("emoji 😀 and \ud800 lone surrogate")).encode(),
    json.dumps(_chat("compact", "x"), separators=(",", ":")).encode() + b"\r\n",
    json.dumps(_chat("with system", "x", system="be brief \"now\"")).encode(),
    b'{"messages": [{"role": "user", "content": "raw \xed\xa0\x80 surrogate bytes"}, '
    b'{"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "user", "content": "a lone escaped surrogate is JSON: \\ud83d"}, {"role": "assistant", "content": "x"}]}',
    # what the fast path must decline (the general path decides)
    b'{"messages": [{"content": "key order", "role": "user"}, {"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "x"}], '
    b'"messages": [{"role": "user", "content": "duplicate key wins"}, {"role": "assistant", "content": "y"}]}',
    b'{"messages": [{"role": "user", "content": "a", "content": "b"}, {"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "user", "content": "bad \\q escape"}, {"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "system", "content": "bad \\x escape"}, {"role": "user", "content": "a"}, '
    b'{"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "user", "content": "raw\ttab"}, {"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "user", "content": "bad \xff utf8"}, {"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "user", "content": "trailing"}, {"role": "assistant", "content": "x"}]} x',
    b'{"messages": [{"role": "user", "content": "category"}, {"role": "assistant", "content": "x"}], '
    b'"category": "target_task"}',
    b'{"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "x"}]}',
    b'{"messages": [{"role": "user", "content": "two"}, {"role": "assistant", "content": "x"}, '
    b'{"role": "user", "content": "turns"}, {"role": "assistant", "content": "y"}]}',
    b'\xef\xbb\xbf{"messages": [{"role": "user", "content": "bom"}, {"role": "assistant", "content": "x"}]}',
    b' {"messages": [{"role": "user", "content": "indented"}, {"role": "assistant", "content": "x"}]}',
]


@pytest.mark.parametrize("line", HOSTILE)
def test_the_chat_fast_path_agrees_with_json_or_declines(line):
    _agrees(line)


def test_the_chat_fast_path_takes_the_common_shapes():
    for line in HOSTILE[:7]:
        assert chat_line(line) is not None, line
    assert chat_line(HOSTILE[0]) == ('say "hi"\n\tthen \\ leave', "é\u2028")
    for line in HOSTILE[7:]:
        assert chat_line(line) is None, line


TEXT = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\t/\u2028 ﬁ'), max_size=40)


@settings(max_examples=300, deadline=None)
@given(user=TEXT, reply=TEXT, system=st.none() | TEXT, ascii_only=st.booleans(), compact=st.booleans(),
       cut=st.integers(0, 400), byte=st.integers(0, 255))
def test_any_chat_record_and_any_damage_to_it_agree(user, reply, system, ascii_only, compact, cut, byte):
    line = json.dumps(_chat(user, reply, system), ensure_ascii=ascii_only,
                      separators=(",", ":") if compact else (", ", ": ")).encode("utf-8", "surrogatepass")
    assert chat_line(line) == (user, reply)
    damaged = line[:cut] + bytes([byte]) + line[cut + 1:]
    _agrees(damaged)


def test_normalising_ascii_takes_a_shortcut_to_the_same_form():
    for text in ("  Hello\tWORLD \x1f x ", "ǅ Straße ﬁ", "ABC\u00a0def", ""):
        slow = " ".join(__import__("unicodedata").normalize("NFKC", text).casefold().split())
        assert normalise(text) == slow


# -- two processes ------------------------------------------------------------


def _rows():
    rows = []
    for i in range(400):
        rows.append(json.dumps(_chat(f"Question number {i % 30}", f"answer {i % 30}")))  # repeats
        if i % 37 == 0:
            rows.append("{not json")
        if i % 53 == 0:
            rows.append(json.dumps({"prompt": f"p {i}", "completion": "c", "category": ["target_task", f"c{i % 3}"]}))
        if i % 41 == 0:
            rows.append("")
            rows.append(json.dumps({"messages": [{"role": "bot", "content": "x"}]}))
        if i % 29 == 0:
            rows.append("\ufeff" + json.dumps(_chat("a BOM inside the file")))  # not the file's first line: bad JSON
            rows.append(json.dumps(_chat(f"Held OUT {i}", "x"), ensure_ascii=False))
    return rows


def profile_file(path, name, settings, budget):
    return profile_parts(((path, name),), name, settings, budget)


def _write(tmp_path, rows, name="train.jsonl"):
    path = tmp_path / name
    path.write_bytes(("\ufeff" + "\n".join(rows) + "\n").encode("utf-8"))
    return str(path)


def _without_stamps(result):
    return dataclasses.replace(result, stamps=())


@pytest.fixture
def forks(monkeypatch):
    """Every JSON Lines file is read in two processes; the list of forks made."""
    made = []
    real = profile_module.Child

    def counting(work):
        made.append(1)
        return real(work)

    if not split_module.can_split():
        pytest.skip("reading in two processes needs Linux, fork and two cores")
    monkeypatch.setattr(split_module, "SPLIT_MIN_BYTES", 1)
    monkeypatch.setattr(profile_module, "Child", counting)
    return made


def _serial(monkeypatch):
    monkeypatch.setattr(profile_module, "can_split", lambda: False)


@pytest.mark.parametrize("sample", [100_000, 16])
def test_a_profile_read_in_two_processes_is_the_profile_of_one_pass(tmp_path, monkeypatch, forks, sample):
    monkeypatch.setattr(profile_module, "MAX_DUPLICATE_SAMPLE", sample)  # 16: the hash sample halves itself
    path = _write(tmp_path, _rows())
    for budget in (1 << 30, 9000):
        split = profile_file(path, "train.jsonl", FileSettings(), budget)
        assert "+" in split.stamps[0][1] and stamp_holds(path, split.stamps[0][1])
        with monkeypatch.context() as serial:
            _serial(serial)
            one = profile_file(path, "train.jsonl", FileSettings(), budget)
        assert _without_stamps(split) == _without_stamps(one)
        assert one.duplicates and one.malformed and one.misshapen and one.categories
    assert len(forks) == 2


def _held(tmp_path):
    held = tmp_path / "held.jsonl"
    held.write_text("".join(json.dumps(_chat(text)) + "\n" for text in
                            ["held out 0", "held  out 261", "Question number 3", "Question number 29 too",
                             "question NUMBER 7"]), encoding="utf-8")
    return str(held)


def _pass(train, held, near=()):
    return training_pass(("train.jsonl", ((train, "train.jsonl"),), FileSettings()),
                         [("held.jsonl", ((held, "held.jsonl"),), FileSettings())], 1 << 30, near)


def test_the_overlap_found_in_two_processes_is_the_overlap_of_one_pass(tmp_path, monkeypatch, forks):
    train, held = _write(tmp_path, _rows()), _held(tmp_path)
    split = _pass(train, held)
    with monkeypatch.context() as serial:
        _serial(serial)
        one = _pass(train, held)
    assert split.exact.overlaps == one.exact.overlaps and one.exact.overlaps[0].exact == 4
    assert _without_stamps(split.profile) == _without_stamps(one.profile)
    assert len(forks) == 1  # the training file; the held-out set is indexed in one pass


def test_a_near_duplicate_search_reads_in_one_process(tmp_path, forks):
    """Its index would be held by both processes: past the check's memory target."""
    result = _pass(_write(tmp_path, _rows()), _held(tmp_path), ((0.5, 2),))
    assert forks == [] and result.near[0][1].overlaps[0].near == 1


def test_a_reader_process_that_dies_costs_time_not_results(tmp_path, monkeypatch, forks):
    path = _write(tmp_path, _rows())
    parent = os.getpid()
    real = profile_module._read_rest

    def dying(*args):
        if os.getpid() != parent:
            os._exit(9)
        return real(*args)

    monkeypatch.setattr(profile_module, "_read_rest", dying)
    split = profile_file(path, "train.jsonl", FileSettings(), 1 << 30)
    with monkeypatch.context() as serial:
        _serial(serial)
        one = profile_file(path, "train.jsonl", FileSettings(), 1 << 30)
    assert forks and _without_stamps(split) == _without_stamps(one)


def test_no_process_to_be_had_means_one_process_reads_it_all(tmp_path, monkeypatch, forks):
    path = _write(tmp_path, _rows())

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(split_module.os, "fork", no_fork)
    before = len(os.listdir("/proc/self/fd"))
    alone = profile_file(path, "train.jsonl", FileSettings(), 1 << 30)
    assert len(os.listdir("/proc/self/fd")) == before  # the pipe was closed
    monkeypatch.undo()
    _serial(monkeypatch)
    assert "+" in alone.stamps[0][1]  # read in two halves, both here
    assert _without_stamps(alone) == _without_stamps(profile_file(path, "train.jsonl", FileSettings(), 1 << 30))


def test_a_changed_second_half_invalidates_a_split_stamp(tmp_path, forks):
    path = _write(tmp_path, _rows())
    stamp = profile_file(path, "train.jsonl", FileSettings(), 1 << 30).stamps[0][1]
    data = bytearray(open(path, "rb").read())
    data[-20] = ord("Q") if data[-20] != ord("Q") else ord("R")
    with open(path, "wb") as out:
        out.write(data)
    os.utime(path, ns=(1, 1))
    assert not stamp_holds(path, stamp)


def test_small_files_gzip_and_json_arrays_are_read_in_one_process(tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(profile_module, "Child", lambda work: made.append(1))
    path = _write(tmp_path, _rows())
    profile_file(path, "train.jsonl", FileSettings(), 1 << 30)  # below SPLIT_MIN_BYTES
    monkeypatch.setattr(split_module, "SPLIT_MIN_BYTES", 1)
    array = tmp_path / "train.json"
    array.write_text(json.dumps([_chat(f"q {i}") for i in range(50)]), encoding="utf-8")
    assert profile_file(str(array), "train.json", FileSettings(), 1 << 30).records == 50
    assert made == []


def test_a_lint_reads_in_two_processes_with_the_findings_of_one(tmp_path, monkeypatch, forks):
    """The child ends itself even while the engine refuses os._exit to rules
    (aiplan.lint.isolation): a child that went on would lint the plan again.
    EVID003 is left out: its near-duplicate search reads in one process."""
    from aiplan.lint.engine import lint_file
    from aiplan.testing import build_context

    (tmp_path / ".git").mkdir()
    _write(tmp_path, _rows())
    (tmp_path / "held.jsonl").write_text(json.dumps(_chat("question NUMBER 7")) + "\n", encoding="utf-8")
    (tmp_path / "plan.aiplan.yaml").write_text(
        "aiplan: 1\nname: x\napproach: fine_tuning\nfine_tuning:\n  dataset:\n    path: train.jsonl\n"
        "    examples: 40\n  evaluation:\n    held_out:\n      path: held.jsonl\n      disjoint_from_training: true\n")

    def lint():
        result = lint_file(str(tmp_path / "plan.aiplan.yaml"), "plan.aiplan.yaml", build_context(select=["EVID"], ignore=["EVID003"]))
        assert result.errors == ()
        return [(f.rule, f.line, f.message) for f in result.findings]

    parent, read_here = os.getpid(), []
    real = profile_module._read_rest

    def reading(*args):
        if os.getpid() == parent:
            read_here.append(args[0])  # the child failed: this process reads its half
        return real(*args)

    monkeypatch.setattr(profile_module, "_read_rest", reading)
    split = lint()
    assert forks and read_here == []
    with monkeypatch.context() as serial:
        _serial(serial)
        assert split == lint()
    assert {rule for rule, _, _ in split} >= {"EVID001", "EVID002", "EVID005", "EVID006"}
