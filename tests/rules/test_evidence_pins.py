"""What the evidence rules say where a rule fixture cannot set it up: the evidence budgets
(`max-evidence-files`, `max-evidence-bytes`) and an optional extra that is not installed.

Each pins a branch a mutation run showed no test reached (docs/architecture.md, Testing):
the whole message, not a fragment, so that a changed word fails."""

import pathlib
import sys

import pytest

from aiplan.evidence import corpus, profile
from aiplan.parse.loader import Limits
from aiplan.rules.evidence import _size
from aiplan.testing import lint_yaml


def _records(path: pathlib.Path, inputs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{{"prompt": "{text}", "completion": "a"}}\n' for text in inputs), encoding="utf-8")


def _two_training_files(root: pathlib.Path, folder: str = "data") -> None:
    """`data/train-1.jsonl` and `data/train-2.jsonl` (or in another ``folder``), 20 records each."""
    for part in (1, 2):
        _records(root / folder / f"train-{part}.jsonl",
                 (f"question {part}-{n} about the invoice" for n in range(20)))


def _messages(found):
    return [(f.rule, f.line, f.column, f.message, f.fix) for f in found]


COUNT_PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/train-*.jsonl
        examples: {examples}
"""


def test_a_glob_capped_to_its_first_file_names_that_file_and_estimates_the_rest(tmp_path):
    # One of two files read: about 40 records. 31 is 29% off the estimate: past the 25% an
    # estimate is allowed.
    _two_training_files(tmp_path)
    found = lint_yaml(COUNT_PLAN.format(examples=31), select=["EVID001"], base_dir=str(tmp_path),
                      limits=Limits(max_evidence_files=1))
    assert _messages(found) == [(
        "EVID001", 7, 15,
        "`fine_tuning.dataset.examples` is 31 but data/train-*.jsonl holds about 40 records (estimated: only "
        "the first file of the 2 files was read, the `max-evidence-files` cap): more than 5% apart",
        # An estimate is said to be one, never offered as the value to write.
        "Count the records of data/train-*.jsonl in full (about 40 is an estimate) and set `examples` to that "
        "count, or point `path` at the data the claim describes.")]
    assert [(r.path, r.line) for r in found[0].related] == [("data/train-1.jsonl", 1)]


def test_an_estimated_count_is_allowed_a_quarter_of_the_claim(tmp_path):
    # 34 is 6 off the estimate of 40: more than 5% of 34, within 25%.
    _two_training_files(tmp_path)
    assert lint_yaml(COUNT_PLAN.format(examples=34), select=["EVID001"], base_dir=str(tmp_path),
                     limits=Limits(max_evidence_files=1)) == []
    # Read whole, the same claim is judged at the rule's 5%.
    [finding] = lint_yaml(COUNT_PLAN.format(examples=34), select=["EVID001"], base_dir=str(tmp_path))
    assert finding.message == ("`fine_tuning.dataset.examples` is 34 but data/train-*.jsonl holds 40 records: "
                               "more than 5% apart")


LEAK_PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/*.jsonl
        examples: {examples}
      evaluation:
        held_out:
          path: data/z-held-out.jsonl
          size: 10
"""


def test_a_held_out_file_the_glob_matches_but_the_file_cap_left_unread_is_not_estimated_as_training(tmp_path):
    # The glob matches train-1, train-2 and z-held-out (sorted last): the first two are read; the
    # estimate scales them to the two training files, not to all three (the third is held out).
    _two_training_files(tmp_path)
    _records(tmp_path / "data" / "z-held-out.jsonl", (f"held-out question {n}" for n in range(10)))
    [finding] = lint_yaml(LEAK_PLAN.format(examples=30), select=["EVID001"], base_dir=str(tmp_path),
                          limits=Limits(max_evidence_files=2))
    assert finding.message == (
        "`fine_tuning.dataset.examples` is 30 but data/*.jsonl holds about 40 records besides the held-out set "
        "data/z-held-out.jsonl, which it also matches (FT006; not read) (estimated: only the "
        "first 2 of the 3 files were read, the `max-evidence-files` cap): more than 5% apart")
    # The true training count, claimed: no finding (it was "about 60" when the held-out file was estimated in).
    assert lint_yaml(LEAK_PLAN.format(examples=40), select=["EVID001"], base_dir=str(tmp_path),
                     limits=Limits(max_evidence_files=2)) == []
    # Read whole, the held-out file's 10 records are taken off the 50 the glob holds.
    [finding] = lint_yaml(LEAK_PLAN.format(examples=30), select=["EVID001"], base_dir=str(tmp_path))
    assert finding.message == (
        "`fine_tuning.dataset.examples` is 30 but data/*.jsonl holds 40 records besides the held-out set "
        "data/z-held-out.jsonl (10 records), which it also matches (FT006): more than 5% apart")


def test_contamination_found_in_the_files_compared_says_which_were_not(tmp_path):
    _two_training_files(tmp_path)
    _records(tmp_path / "evals" / "held_out.jsonl", ["question 1-3 about the invoice", "a new question"])
    plan = """
        aiplan: 1
        name: x
        approach: fine_tuning
        fine_tuning:
          dataset:
            path: data/train-*.jsonl
          evaluation:
            held_out:
              path: evals/held_out.jsonl
    """
    [finding] = lint_yaml(plan, select=["EVID002"], base_dir=str(tmp_path), limits=Limits(max_evidence_files=1))
    assert finding.message == (
        "1 of 2 records of the held-out set evals/held_out.jsonl (50.0%) also occur in the training data "
        "data/train-*.jsonl (same input after normalising case, whitespace and Unicode) (only the first file of "
        "the 2 files of the training data was compared, the `max-evidence-files` cap); first: "
        "evals/held_out.jsonl:1 = data/train-1.jsonl:4")


def test_a_parquet_file_without_the_extra_is_named_as_not_verified(tmp_path, monkeypatch):
    (tmp_path / "train.parquet").write_bytes(b"PAR1" + bytes(64) + b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import fails as if not installed
    plan = """
        aiplan: 1
        name: x
        approach: fine_tuning
        fine_tuning:
          dataset:
            path: train.parquet
    """
    assert _messages(lint_yaml(plan, select=["EVID"], base_dir=str(tmp_path))) == [(
        "EVID008", 6, 11,
        "`fine_tuning.dataset.path` names train.parquet, which is a Parquet file and the Parquet extra is not "
        "installed: the plan's claims about the training data are not verified",
        "Install the Parquet extra: `pip install 'aiplan[parquet]'`, or convert the file to JSON Lines.")]


@pytest.mark.parametrize("count, documents", [(1, "1 PDF document"), (2, "2 PDF documents")])
def test_pdf_documents_without_the_extra_are_named_with_the_extra_to_install(tmp_path, monkeypatch, count, documents):
    (tmp_path / "docs").mkdir()
    for number in range(count):
        (tmp_path / "docs" / f"policy-{number}.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.setattr(corpus, "_pdf_library", lambda: False)
    plan = """
        aiplan: 1
        name: x
        approach: rag
        rag:
          corpus:
            sources:
              - name: handbook
                path: docs
    """
    found = lint_yaml(plan, select=["EVID008"], base_dir=str(tmp_path))
    assert _messages(found) == [(
        "EVID008", 8, 15,
        f"`rag.corpus.sources[0].path` names {documents} (first: docs/policy-0.pdf), which aiplan reads only "
        "with the PDF extra: their tables and boilerplate are not measured",
        "Install the PDF extra to measure them: `pip install 'aiplan[pdf]'`.")]
    assert [(r.path, r.line, r.message) for r in found[0].related] == [
        ("docs/policy-0.pdf", 1, "a PDF document not read")]


RAG003_FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "RAG003" / \
    "fail-tables-measured-in-documents.aiplan.yaml"


@pytest.mark.parametrize("budget, measured", [
    (100, "1 of its 2 documents read"),  # the second document cut short, the third never opened
    (286, "3 of its 3 documents read"),  # the three hold 287 bytes: the last one byte short
    (287, "3 of its 3 documents"),       # every byte read
])
def test_tables_measured_within_the_byte_budget_say_whether_every_document_was_read_whole(budget, measured):
    [finding] = lint_yaml(RAG003_FIXTURE.read_text(encoding="utf-8"), select=["RAG003"], dedent=False,
                          base_dir=str(RAG003_FIXTURE.parent), limits=Limits(max_evidence_bytes=budget))
    assert finding.message.startswith(f"source `spec sheets` holds tables (measured: {measured}; first: ")


HANDBOOK_HEADER = ("Acme Insurance member handbook, internal edition for claims staff only, do not forward "
                   "outside the company")
HANDBOOK_PLAN = """
    aiplan: 1
    name: x
    approach: rag
    rag:
      corpus:
        sources:
          - name: handbook
            path: docs
            format: markdown
      data_pipeline:
        owner: data-eng
        chunking:
          strategy: fixed
"""


def _handbook(root: pathlib.Path, lines_per_page: int) -> None:
    """Four pages, each the same header line and its own lines."""
    (root / "docs").mkdir()
    for page in range(4):
        own = [f"Section {page} line {k} explains claim rule number {page * 10 + k} in plain words"
               for k in range(lines_per_page - 1)]
        (root / "docs" / f"page-{page}.md").write_text("\n".join([HANDBOOK_HEADER, *own]) + "\n", encoding="utf-8")


def test_boilerplate_of_exactly_a_quarter_of_the_lines_is_reported_and_quoted_to_80_characters(tmp_path):
    _handbook(tmp_path, lines_per_page=4)  # the header is 1 line of 4: 25%, the threshold
    [finding] = lint_yaml(HANDBOOK_PLAN, select=["RAG004"], base_dir=str(tmp_path))
    assert finding.message.startswith(
        "source `handbook` repeats boilerplate (measured: 25% of lines repeat across at least half of the 4 "
        "documents; first: docs/page-0.md:1: 'Acme Insurance member handbook, internal edition for claims staff "
        "only, do not …'), but ")


def test_boilerplate_below_a_quarter_of_the_lines_is_not_reported(tmp_path):
    _handbook(tmp_path, lines_per_page=5)  # 1 line of 5: 20%
    assert lint_yaml(HANDBOOK_PLAN, select=["RAG004"], base_dir=str(tmp_path)) == []


def test_a_count_estimated_from_the_byte_budget_names_the_bytes_read(tmp_path):
    _two_training_files(tmp_path)  # 1,290 bytes each
    found = lint_yaml(COUNT_PLAN.format(examples=10), select=["EVID001"], base_dir=str(tmp_path),
                      limits=Limits(max_evidence_bytes=1024))
    assert [f.message for f in found] == [
        "`fine_tuning.dataset.examples` is 10 but data/train-*.jsonl holds about 40 records (estimated: only the "
        "first 1.0 KB of 2.5 KB were read, the `max-evidence-bytes` budget): more than 5% apart"]


@pytest.mark.parametrize("count, words", [
    (0, "0 bytes"),
    (1023, "1,023 bytes"),
    (1024, "1.0 KB"),              # the first size in KB
    (102_400, "100.0 KB"),         # divided by 1024, not 1025 (99.9)
    (1024 ** 2, "1.0 MB"),         # a whole MB is not "1024.0 KB"
    (150 * 1024 ** 2, "150.0 MB"),
    (1024 ** 3, "1.0 GB"),
    (100 * 1024 ** 3, "100.0 GB"),
    (2048 * 1024 ** 3, "2048.0 GB"),  # GB is the last unit
])
def test_sizes_in_messages_are_in_binary_units(count, words):
    # The budgets' sizes (`max-evidence-bytes`, 64 MB by default; EVID007's empty file): a
    # fixture reaches only a few bytes, so the units above are pinned on the function.
    assert _size(count) == words


# FT009's fixture of a training glob whose overlap EVID002 measured (`data/ft/*.jsonl` against
# `evals/held_out.jsonl`), here over two shards of its glob and under the evidence budgets.
FT009_PLAN = (pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FT009" /
              "pass-training-glob-measured.aiplan.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("limits, compared", [
    (Limits(max_evidence_files=1), "only the first file of the 2 files of data/ft/*.jsonl was compared, the "
                                   "`max-evidence-files` cap"),
    (Limits(max_evidence_bytes=1024), "only the first 1.0 KB of 2.5 KB of data/ft/*.jsonl were compared, the "
                                      "`max-evidence-bytes` budget"),
])
def test_ft009_says_which_part_of_the_training_data_was_compared_under_a_budget(tmp_path, limits, compared):
    _two_training_files(tmp_path, "data/ft")
    _records(tmp_path / "evals" / "held_out.jsonl", ["a new question", "another new one"])
    found = lint_yaml(FT009_PLAN, select=["FT009", "EVID002"], base_dir=str(tmp_path), limits=limits)
    assert [(f.rule, f.message) for f in found] == [(
        "FT009", "`fine_tuning.evaluation.held_out.disjoint_from_training` is not set: nothing says the held-out "
        f"examples were kept out of the training data, and nothing measured it ({compared})")]
    # Read whole, the files were compared: EVID002 reports any overlap, FT009 nothing.
    assert lint_yaml(FT009_PLAN, select=["FT009", "EVID002"], base_dir=str(tmp_path)) == []


def test_boilerplate_measured_within_the_byte_budget_says_only_the_documents_read(tmp_path):
    _handbook(tmp_path, lines_per_page=4)  # 1,169 bytes in 4 documents
    [finding] = lint_yaml(HANDBOOK_PLAN, select=["RAG004"], base_dir=str(tmp_path),
                          limits=Limits(max_evidence_bytes=700))
    assert finding.message.startswith(
        "source `handbook` repeats boilerplate (measured: 33% of lines repeat across at least half of the 3 "
        "documents read; first: docs/page-0.md:1: ")


def test_contamination_found_within_the_byte_budget_says_how_much_was_compared(tmp_path):
    _two_training_files(tmp_path, "data/ft")  # 1,290 bytes each
    _records(tmp_path / "evals" / "held_out.jsonl", ["question 1-3 about the invoice", "a new question"])
    [finding] = lint_yaml(FT009_PLAN, select=["EVID002"], base_dir=str(tmp_path),
                          limits=Limits(max_evidence_bytes=1024))
    assert finding.message == (
        "1 of 2 records of the held-out set evals/held_out.jsonl (50.0%) also occur in the training data "
        "data/ft/*.jsonl (same input after normalising case, whitespace and Unicode) (only the first 1.0 KB "
        "of 2.5 KB of the training data were compared, the `max-evidence-bytes` budget); first: "
        "evals/held_out.jsonl:1 = data/ft/train-1.jsonl:4")


def test_duplicates_counted_on_a_hash_sample_say_so(tmp_path, monkeypatch):
    # Past MAX_DUPLICATE_SAMPLE distinct records (100,000) the count is made on a hash sample;
    # lowered to 8 so that 30 distinct records, each written twice, are sampled 1 in 8.
    monkeypatch.setattr(profile, "MAX_DUPLICATE_SAMPLE", 8)
    records = [f'{{"prompt": "question {n} about the invoice", "completion": "answer {n}"}}\n' for n in range(30)]
    (tmp_path / "train.jsonl").write_text("".join(records + records), encoding="utf-8")
    plan = """
        aiplan: 1
        name: x
        approach: fine_tuning
        fine_tuning:
          dataset:
            path: train.jsonl
    """
    [finding] = lint_yaml(plan, select=["EVID006"], base_dir=str(tmp_path))
    assert finding.message == (
        "6 of 12 records of the training data train.jsonl (50.0%) repeat an earlier record, estimated from a hash "
        "sample of about 1 in 8 records; first: train.jsonl:34 repeats train.jsonl:4, train.jsonl:40 repeats "
        "train.jsonl:10, train.jsonl:42 repeats train.jsonl:12")


def test_a_parquet_file_without_the_extra_is_left_to_evid008_and_the_files_after_it_are_checked(tmp_path, monkeypatch):
    (tmp_path / "train.parquet").write_bytes(b"PAR1" + bytes(64) + b"PAR1")
    (tmp_path / "held_out.jsonl").write_text('{"prompt": "a question", "completion": "an answer"}\nnot json\n',
                                             encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import fails as if not installed
    plan = """
        aiplan: 1
        name: x
        approach: fine_tuning
        fine_tuning:
          dataset:
            path: train.parquet
          evaluation:
            held_out:
              path: held_out.jsonl
    """
    assert _messages(lint_yaml(plan, select=["EVID005"], base_dir=str(tmp_path))) == [(
        "EVID005", 9, 13,
        "the held-out set held_out.jsonl: 1 line is not a record (first: held_out.jsonl:2: not valid JSON "
        "(Expecting value at column 1)), of 2",
        "Fix or drop these lines so held_out.jsonl holds only complete JSON Lines records.")]


# Round 12's review: a training file past the byte budget, with the held-out set appended after
# the part read, linted clean. A sampled file must not look like a verified one.
DISJOINT_PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: data/train.jsonl
      evaluation:
        held_out:
          path: data/held_out.jsonl
          disjoint_from_training: true
"""


def _leak_past_the_budget(root: pathlib.Path) -> None:
    held_out = [f"held-out question {n}" for n in range(5)]
    _records(root / "data" / "train.jsonl", [f"question {n} about the invoice" for n in range(40)] + held_out)
    _records(root / "data" / "held_out.jsonl", held_out)


@pytest.mark.parametrize("limits, read, raise_", [
    (Limits(max_evidence_bytes=1024), "only the first 1.0 KB of 2.7 KB were read, the `max-evidence-bytes` budget",
     "`max-evidence-bytes` to at least 2,775"),
])
def test_data_read_only_in_part_is_evid008_naming_what_was_read_and_the_option(tmp_path, limits, read, raise_):
    _leak_past_the_budget(tmp_path)
    found = lint_yaml(DISJOINT_PLAN, select=["EVID002", "EVID008"], base_dir=str(tmp_path), limits=limits)
    assert [(f.rule, f.line) for f in found] == [("EVID008", 6)]
    assert found[0].message == (
        f"`fine_tuning.dataset.path` names data/train.jsonl, of which {read}: the plan's claims about the training "
        "data are checked against that part only (its counts are estimates, and records in the rest are never "
        "compared with other sets)")
    assert f"raise {raise_}" in found[0].fix
    # Read whole, the leak is found, and nothing is unverified.
    assert [f.rule for f in lint_yaml(DISJOINT_PLAN, select=["EVID002", "EVID008"], base_dir=str(tmp_path))] == ["EVID002"]


def test_a_glob_capped_by_file_count_is_evid008_naming_the_cap(tmp_path):
    _two_training_files(tmp_path)
    found = lint_yaml(COUNT_PLAN.format(examples=40), select=["EVID008"], base_dir=str(tmp_path),
                      limits=Limits(max_evidence_files=1))
    assert [f.message.split(": ")[0] for f in found] == [
        "`fine_tuning.dataset.path` names data/train-*.jsonl, of which only the first file of the 2 files was read, "
        "the `max-evidence-files` cap"]
    assert "raise `max-evidence-files` to at least 2 (the files matched)" in found[0].fix
