"""The package's one way to read a text file and one way to write a file atomically.

Reading: `read_utf8` gives the text, or None for anything that is not a readable
UTF-8 file (missing, a folder, unreadable, too large, not UTF-8). It never raises.

Writing: `atomic_writer` / `write_atomically` write a temp file in the target's folder,
fsync it, then put it in place in one step and fsync the folder, so a reader sees the
old file or the new one, never a part. What may happen to an existing file is the
caller's explicit choice:

- ``overwrite=False``: the file is linked into place (``os.link``), which fails with
  `FileExistsError` if something appeared there meanwhile; nothing is replaced.
- ``overwrite=True``: ``os.replace``.

and so are the permission bits:

- ``mode=None``: what a new file gets from the process umask (as an editor would make it);
- ``mode=0o600`` etc.: exactly those bits;
- ``keep_mode=True``: an existing file's bits are kept (else ``mode`` applies).

The temp file never outlives a failure.
"""

from __future__ import annotations

import contextlib
import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def read_utf8(path: Path, *, max_bytes: int | None = None) -> str | None:
    """The file's text, or None: not a regular file, unreadable, over `max_bytes`, or
    not UTF-8."""
    try:
        # O_NONBLOCK: a FIFO in the workspace must not hang the caller
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError:
        return None
    if max_bytes is not None and len(data) > max_bytes:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@contextlib.contextmanager
def atomic_writer(
    path: Path, *, overwrite: bool, mode: int | None = None, keep_mode: bool = False
) -> Iterator[BinaryIO]:
    """Yield a binary stream; when the block ends normally its bytes become `path`.

    An exception inside the block leaves `path` untouched. Raises OSError (and
    `FileExistsError` when ``overwrite=False`` and `path` exists)."""
    if keep_mode:
        with contextlib.suppress(OSError):
            mode = path.stat().st_mode & 0o7777
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            if mode is not None:
                os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the target exists, unlike rename
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_atomically(
    path: Path,
    data: str | bytes,
    *,
    overwrite: bool,
    mode: int | None = None,
    keep_mode: bool = False,
) -> None:
    """Write `data` (a str is UTF-8, newlines kept as given) to `path` atomically; see
    the module for `overwrite`, `mode` and `keep_mode`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, overwrite=overwrite, mode=mode, keep_mode=keep_mode) as stream:
        stream.write(payload)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
