"""read_regular(): the one reader of every file aiplan reads."""

import os

import pytest

from aiplan.fileio import FileTooLarge, NotRegularFile, read_regular


def test_reads_a_regular_file_whole(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello\n")
    assert read_regular(str(path), 6) == b"hello\n"


def test_a_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 11)
    with pytest.raises(FileTooLarge) as info:
        read_regular(str(path), 10)
    assert info.value.size == 11 and info.value.limit == 10


def test_a_symlink_to_an_endless_device_is_refused_without_reading(tmp_path):
    link = tmp_path / "baseline.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile) as info:
        read_regular(str(link), 1024)
    assert info.value.kind == "a device"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "shard"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile) as info:
        read_regular(str(fifo), 1024)
    assert info.value.kind == "a FIFO"


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(NotRegularFile) as info:
        read_regular(str(tmp_path), 1024)
    assert info.value.kind == "a directory"


def test_symlinks_can_be_refused(tmp_path):
    target = tmp_path / "real"
    target.write_bytes(b"data")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert read_regular(str(link), 10) == b"data"
    with pytest.raises(NotRegularFile) as info:
        read_regular(str(link), 10, follow_symlinks=False)
    assert info.value.kind == "a symbolic link"


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_regular(str(tmp_path / "nope"), 10)


def test_a_fifo_swapped_in_after_the_check_is_refused_on_the_opened_file(tmp_path, monkeypatch):
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"aiplan: 1\n")
    real_open = os.open

    def swap_then_open(name, flags, *args):
        if name == str(path):
            os.unlink(path)
            os.mkfifo(path)
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", swap_then_open)
    with pytest.raises(NotRegularFile) as info:
        read_regular(str(path), 1024)
    assert info.value.kind == "a FIFO"


def test_partial_gives_the_head_of_a_larger_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"0123456789")
    assert read_regular(str(path), 4, partial=True) == b"0123"
