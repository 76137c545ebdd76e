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
