"""Data paths that name something but yield no data: a dangling link (one finding, EVAL003's, that
says it is a link and names its target) and a glob that matches no data file.

Links and files beside the plan cannot live in a rule fixture: the plans are set up here."""

import os
import pathlib

import pytest

from aiplan.testing import lint_yaml

PLAN = """
    aiplan: 1
    name: x
    approach: fine_tuning
    fine_tuning:
      dataset:
        path: {training}
        examples: {examples}
      evaluation:
        held_out:
          path: {held_out}
          size: 2
          disjoint_from_training: true
"""
RULES = ["EVAL003", "EVID001", "EVID005", "EVID007", "EVID008"]


def _records(path: pathlib.Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{{"prompt": "question {n}", "completion": "a"}}\n' for n in range(count)),
                    encoding="utf-8")


@pytest.fixture
def repository(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    _records(root / "data" / "ft" / "train.jsonl", 5)
    _records(root / "data" / "ft" / "held_out.jsonl", 2)
    (root / "aiplan.yaml").write_text("aiplan: 1\n", encoding="utf-8")
    return root


def _found(root, training="data/ft/train.jsonl", held_out="data/ft/held_out.jsonl", examples=5):
    plan = PLAN.format(training=training, held_out=held_out, examples=examples)
    return [(f.rule, f.line, f.message) for f in lint_yaml(plan, select=RULES, base_dir=str(root))]


def test_a_dangling_link_is_one_eval003_finding_that_names_its_target(repository):
    os.symlink("nowhere.jsonl", repository / "data" / "ft" / "broken.jsonl")
    assert _found(repository, held_out="data/ft/broken.jsonl") == [(
        "EVAL003", 10, "`fine_tuning.evaluation.held_out.path` names `data/ft/broken.jsonl`, a link to "
        "`nowhere.jsonl`, which does not exist")]


def test_a_link_to_a_file_that_exists_is_read_as_that_file(repository):
    # Near-identical: the link's target is there, so nothing is reported.
    os.symlink("held_out.jsonl", repository / "data" / "ft" / "linked.jsonl")
    assert _found(repository, held_out="data/ft/linked.jsonl") == []


def test_a_missing_file_that_is_no_link_keeps_the_plain_message(repository):
    assert _found(repository, held_out="data/ft/nowhere.jsonl") == [(
        "EVAL003", 10, "`fine_tuning.evaluation.held_out.path` names `data/ft/nowhere.jsonl`, which does not "
        "exist relative to the plan's directory")]


@pytest.mark.parametrize("training, matched", [
    ("'*'", "`aiplan.yaml` and `data/`"),     # only the plan and a folder
    ("'data/*'", "`data/ft/`"),              # only a folder
    ("'**/*.yaml'", "`aiplan.yaml`"),        # only a file that is not data
])
def test_a_glob_that_matches_no_data_file_is_evid005_at_the_path(repository, training, matched):
    assert _found(repository, training=training, examples=600000) == [(
        "EVID005", 6, f"`fine_tuning.dataset.path` names `{training.strip(chr(39))}`, which matches no data file "
        f"(it matches {matched})")]


def test_a_held_out_glob_that_matches_no_data_file_is_reported_too(repository):
    [(rule, line, message)] = _found(repository, held_out="'*'")
    assert (rule, line) == ("EVID005", 10) and "names `*`, which matches no data file" in message


def test_a_glob_of_many_entries_names_the_first_and_counts_the_rest(repository):
    for name in ("b.yaml", "c.yaml", "d.yaml"):
        (repository / name).write_text("x: 1\n", encoding="utf-8")
    [(_rule, _line, message)] = _found(repository, training="'*'")
    assert message.endswith("(it matches `aiplan.yaml`, `b.yaml`, `c.yaml` and 2 more)")


@pytest.mark.parametrize("training, expected", [
    # a glob that matches data files is read: the count is checked
    ("'data/ft/t*'", [("EVID001", 7)]),
    # a glob that matches nothing at all does not exist
    ("'*.jsonl'", [("EVAL003", 6)]),
])
def test_globs_that_match_data_or_nothing_keep_their_own_findings(repository, training, expected):
    assert [(rule, line) for rule, line, _ in _found(repository, training=training, examples=600000)] == expected


@pytest.mark.parametrize("folder", ["data/notes", "data/notes.jsonl"])
def test_an_empty_data_folder_holds_no_records_as_an_empty_file_does(repository, folder):
    """Was EVID005's warning "is a directory, not a data file" (and "Name the data file itself"),
    though a folder of data files is a data set: empty, it is EVID007's error, as an empty file is."""
    (repository / folder).mkdir()
    assert _found(repository, training=folder) == [(
        "EVID007", 6, f"`fine_tuning.dataset.path` names {folder}, which holds no records: it is a folder that "
        "holds no files")]


def test_a_data_folder_of_other_files_names_them_and_stays_evid005(repository):
    notes = repository / "data" / "notes"
    for name in ("README.md", "b.txt", "c.txt", "d.txt"):
        (notes / "sub").mkdir(parents=True, exist_ok=True)
        (notes / name).write_text("x\n", encoding="utf-8")
    (notes / ".hidden.jsonl").write_text("{}\n", encoding="utf-8")
    [finding] = lint_yaml(PLAN.format(training="data/notes", held_out="data/ft/held_out.jsonl", examples=5),
                          select=RULES, base_dir=str(repository))
    assert (finding.rule, finding.line, finding.message) == (
        "EVID005", 6, "`fine_tuning.dataset.path` names data/notes, which is a folder that holds no data file "
        "(it holds README.md, b.txt, c.txt and more)")
    assert finding.fix.startswith("Put the data files in the folder (data files end in `.jsonl`")


def test_a_folder_that_gets_a_data_file_is_read(repository):
    (repository / "data" / "notes").mkdir()
    _records(repository / "data" / "notes" / "a.jsonl", 5)
    assert _found(repository, training="data/notes") == []


def test_a_glob_that_matches_only_a_dangling_link_names_its_missing_target(repository):
    os.symlink("gone.jsonl", repository / "data" / "ft" / "broken.jsonl")
    [finding] = lint_yaml(PLAN.format(training="'data/ft/b*'", held_out="data/ft/held_out.jsonl", examples=5),
                          select=RULES, base_dir=str(repository))
    assert (finding.rule, finding.message) == ("EVID005", (
        "`fine_tuning.dataset.path` names `data/ft/b*`, which matches no data file (it matches "
        "`data/ft/broken.jsonl`, a link to `gone.jsonl`, which does not exist)"))
    assert finding.fix.startswith("Restore `gone.jsonl` (relative to the link's folder) or point the link at a data file.")


def test_a_glob_that_matches_only_a_linked_folder_says_the_walk_does_not_follow_it(repository):
    """Was "it matches `data/linked/`", as if the folder held no data file: it holds one, unread."""
    _records(repository / "store" / "more.jsonl", 3)
    os.symlink("../store", repository / "data" / "linked")
    os.symlink("gone.jsonl", repository / "data" / "broken.jsonl")
    [finding] = lint_yaml(PLAN.format(training="'data/[bl]*'", held_out="data/ft/held_out.jsonl", examples=5),
                          select=RULES, base_dir=str(repository))
    assert (finding.rule, finding.message) == ("EVID005", (
        "`fine_tuning.dataset.path` names `data/[bl]*`, which matches no data file (it matches "
        "`data/broken.jsonl`, a link to `gone.jsonl`, which does not exist; and "
        "`data/linked/`, a link to a folder that the walk does not follow)"))
    assert ("name the linked folder's files through the link, before any wildcard (`data/linked/*.jsonl`)"
            in finding.fix)


@pytest.mark.parametrize("training", ["'data/**/*.jsonl'", "'data/l*/*.jsonl'"])
def test_a_glob_whose_data_files_lie_only_behind_a_linked_folder_says_so(repository, training):
    """Was no finding at all: EVAL003 found the files (glob follows links), the evidence walk none."""
    for path in (repository / "data" / "ft").iterdir():
        path.unlink()
    (repository / "data" / "ft").rmdir()
    _records(repository / "store" / "more.jsonl", 3)
    _records(repository / "evals" / "h.jsonl", 2)
    os.symlink("../store", repository / "data" / "linked")
    [finding] = lint_yaml(PLAN.format(training=training, held_out="evals/h.jsonl", examples=3),
                          select=["EVAL003", "EVID001", "EVID005"], base_dir=str(repository))
    assert (finding.rule, finding.message) == ("EVID005", (
        f"`fine_tuning.dataset.path` names `{training.strip(chr(39))}`, which matches no data file; the data "
        "files it names lie behind `data/linked/`, a link to a folder that the walk does not follow"))
    assert "(`data/linked/*.jsonl`)" in finding.fix


def test_a_linked_folder_with_no_matching_data_file_behind_it_is_left_to_eval003(repository):
    os.symlink("ft", repository / "data" / "linked")
    assert [rule for rule, _, _ in _found(repository, training="'data/l*/*.csv'")] == ["EVAL003"]


@pytest.mark.parametrize("training, example", [("'data/*.jsonl'", False), ("'data/*'", True)])
def test_the_fix_of_a_glob_matching_no_data_file_never_proposes_the_glob_itself(repository, training, example):
    """`data/*.jsonl` matching only a folder named `x.jsonl` was told "for example `data/*.jsonl`",
    what it already says; a glob that does not end as a data file's name keeps the example."""
    (repository / "data" / "x.jsonl").mkdir()
    [finding] = lint_yaml(PLAN.format(training=training, held_out="data/ft/held_out.jsonl", examples=5),
                          select=["EVID005"], base_dir=str(repository))
    assert "matches no data file" in finding.message
    assert ("for example `data/*.jsonl`" in finding.fix) is example
    assert "data files end in `.jsonl`" in finding.fix


@pytest.mark.parametrize("training, message", [
    ("'data/l*/*.jsonl'", "which matches no data file; the data files it names lie behind `data/linked/`, a link "
                          "to a folder outside the repository"),
    ("'data/l*'", "which matches no data file (it matches `data/linked/`, a link to a folder outside the repository)"),
])
def test_a_linked_folder_outside_the_repository_is_not_advised_as_the_data_to_name(repository, tmp_path, training,
                                                                                     message):
    """Named through the link (or where it leads), the files would be EVID008's "not verified": the
    advice says they lie outside the repository instead of proposing that."""
    _records(tmp_path / "elsewhere" / "more.jsonl", 3)
    os.symlink(str(tmp_path / "elsewhere"), repository / "data" / "linked")
    [finding] = lint_yaml(PLAN.format(training=training, held_out="data/ft/held_out.jsonl", examples=3),
                          select=["EVID005"], base_dir=str(repository))
    assert finding.message == f"`fine_tuning.dataset.path` names `{training.strip(chr(39))}`, {message}"
    assert finding.fix.startswith("The files behind `data/linked/` lie outside the repository holding the plan, "
                                  "and aiplan reads no file outside it: keep a copy or a representative sample")
    assert "through the link" not in finding.fix
    # The advice taken (the files named through the link) would be reported as not verified.
    [named] = lint_yaml(PLAN.format(training="data/linked/*.jsonl", held_out="data/ft/held_out.jsonl", examples=3),
                        select=["EVID005", "EVID008"], base_dir=str(repository))
    assert named.rule == "EVID008"


@pytest.mark.parametrize("link, target, holds, advice", [
    ("more", "../../store", "`data/only/more/`, a link to a folder that the walk does not follow",
     "name the linked folder's files through the link, before any wildcard (`data/only/more/*.jsonl`)"),
    ("x.jsonl", "gone.jsonl", "`data/only/x.jsonl`, a link to `gone.jsonl`, which does not exist",
     "Restore `gone.jsonl` (relative to the link's folder) or point the link at a data file."),
    ("y.jsonl", "{outside}/y.jsonl", "`data/only/y.jsonl`, which leads outside the repository",
     "`data/only/y.jsonl` leads outside the repository holding the plan, and aiplan reads no file outside it"),
])
def test_a_data_folder_holding_only_links_says_what_it_holds(repository, tmp_path, link, target, holds, advice):
    """Was "is a directory, not a data file" and "Name the data file itself": the folder is named
    rightly, and what it holds (links the walk does not follow or cannot read) is the reason."""
    _records(repository / "store" / "more.jsonl", 3)
    _records(tmp_path / "outside" / "y.jsonl", 3)
    (repository / "data" / "only").mkdir()
    os.symlink(target.format(outside=tmp_path / "outside"), repository / "data" / "only" / link)
    [finding] = lint_yaml(PLAN.format(training="data/only/", held_out="data/ft/held_out.jsonl", examples=3),
                          select=RULES, base_dir=str(repository))
    assert (finding.rule, finding.message) == ("EVID005", (
        f"`fine_tuning.dataset.path` names `data/only/`, which is a folder that holds no data file (it holds {holds})"))
    assert advice in finding.fix and "Put data files in the folder" in finding.fix
