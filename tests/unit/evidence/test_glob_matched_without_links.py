"""What a data glob that matches no data file is said to match: the same walk as its data files
(links to folders not followed), so a link loop neither multiplies the names nor runs for ever."""

import os

from aiplan.evidence.files import glob_files, locate


def test_a_glob_of_no_data_file_lists_what_it_matches_once_through_link_loops(tmp_path):
    sub = tmp_path / "data" / "ft" / "sub"
    sub.mkdir(parents=True)
    (sub / "n.txt").write_text("x\n")
    os.symlink("..", sub / "up")
    os.symlink("..", sub / "again")
    where = locate("data/**/*.txt", str(tmp_path), str(tmp_path))
    assert where.kind == "missing"
    assert where.matched == (str(sub / "n.txt"),)


def test_folders_are_listed_when_asked_links_to_folders_among_them_but_not_entered(tmp_path):
    (tmp_path / "data" / "real").mkdir(parents=True)
    (tmp_path / "data" / "real" / "a.txt").write_text("x\n")
    os.symlink("real", tmp_path / "data" / "linked")
    pattern = str(tmp_path / "data" / "*")
    assert sorted(glob_files(pattern, folders=True)) == [str(tmp_path / "data" / "linked"),
                                                         str(tmp_path / "data" / "real")]
    assert glob_files(pattern) == []
    assert sorted(glob_files(str(tmp_path / "data" / "**" / "*.txt"))) == [str(tmp_path / "data" / "real" / "a.txt")]


def test_two_stars_inside_a_name_match_as_one_star_as_glob_reads_them(tmp_path):
    """`data/**.jsonl` is `data/*.jsonl` to glob (and so to EVAL003): the evidence rules read it alike."""
    import glob

    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / "data" / "sub" / "x.jsonl").write_text("{}\n")
    (tmp_path / "data" / "top.jsonl").write_text("{}\n")
    for pattern in ("data/**.jsonl", "data/***.jsonl", "data/**/*.jsonl", "data/**"):
        absolute = str(tmp_path / pattern)
        assert sorted(glob_files(absolute)) == sorted(p for p in glob.glob(absolute, recursive=True)
                                                      if os.path.isfile(p)), pattern
