"""atomic_write() on what a path may name: a FIFO or device is written through, a link followed."""

import os
import stat
import threading

import pytest

from aiplan.fileio import atomic_write


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    atomic_write(str(fifo), [b"report ", b"text\n"])
    reader.join(timeout=30)
    assert received == [b"report text\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe"]  # no temporary file left beside it


def test_a_symlink_keeps_being_a_link_to_the_rewritten_file(tmp_path):
    target = tmp_path / "real" / "report.txt"
    target.parent.mkdir()
    target.write_bytes(b"old\n")
    link = tmp_path / "report.txt"
    link.symlink_to(target)
    atomic_write(str(link), b"new\n")
    assert link.is_symlink()
    assert target.read_bytes() == b"new\n"
    assert sorted(os.listdir(tmp_path)) == ["real", "report.txt"]


def test_a_regular_file_and_a_new_path_are_still_replaced_atomically(tmp_path, monkeypatch):
    existing = tmp_path / "old.txt"
    existing.write_bytes(b"old\n")
    renamed = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (renamed.append(dst), real_replace(src, dst)))
    atomic_write(str(existing), b"new\n")
    atomic_write(str(tmp_path / "new.txt"), b"fresh\n")
    assert renamed == [str(existing), str(tmp_path / "new.txt")]
    assert existing.read_bytes() == b"new\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_overwritten_when_overwrite_is_off(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError):
        atomic_write(str(fifo), b"x", overwrite=False)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="no /proc/self/fd here")
def test_a_dev_stdout_style_link_to_a_pipe_is_written_through(tmp_path):
    # `/dev/stdout` is a link to `/proc/self/fd/1`, whose target names no file when it is a pipe.
    read_end, write_end = os.pipe()
    try:
        atomic_write(f"/proc/self/fd/{write_end}", b"to the pipe\n")
        os.close(write_end)
        write_end = -1
        with os.fdopen(read_end, "rb") as reader:
            read_end = -1
            assert reader.read() == b"to the pipe\n"
    finally:
        for descriptor in (read_end, write_end):
            if descriptor >= 0:
                os.close(descriptor)
