"""Writing files safely: whole or not at all, never over a file we must keep."""

from __future__ import annotations

import os
import tempfile


def atomic_write(path: str, data: bytes, *, overwrite: bool = True, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically.

    The bytes go to a temporary file in the same directory, are flushed to disk,
    then take the target's name in one step: readers see the old file or the new
    one, never half of either. With ``overwrite=False`` the final step is a hard
    link, which fails with ``FileExistsError`` if the target appeared meanwhile.
    ``mode`` sets the permissions (default: the existing file's, else 0o644
    less the umask).
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".aiplan-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            try:
                mode = os.stat(path).st_mode & 0o7777
            except FileNotFoundError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o644 & ~umask
        os.chmod(temporary, mode)
        if overwrite:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except (AttributeError, NotImplementedError, PermissionError):  # no hard links here
                if os.path.lexists(path):
                    raise FileExistsError(path) from None
                os.rename(temporary, path)
                return
            os.unlink(temporary)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
