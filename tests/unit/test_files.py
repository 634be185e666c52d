"""agentls.files: the one atomic writer and the one "read UTF-8 or None"; and the
one `shorten` and the command-argument readers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from lsprotocol import types

from agentls.files import atomic_writer, read_utf8, write_atomically
from agentls.lsp.commands import first_argument, object_argument, parse_range
from agentls.textutil import shorten


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    write_atomically(target, "x = 1\r\n", overwrite=False)
    assert target.read_bytes() == b"x = 1\r\n"  # newlines as given
    with pytest.raises(FileExistsError):
        write_atomically(target, "other", overwrite=False)
    assert target.read_bytes() == b"x = 1\r\n"
    assert _leftovers(tmp_path) == []


def test_overwrite_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    write_atomically(target, b"new", overwrite=True)
    assert target.read_text() == "new"
    assert _leftovers(tmp_path) == []


def test_modes_are_explicit(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        plain = tmp_path / "plain"
        write_atomically(plain, "x", overwrite=False)
        assert _mode(plain) == 0o644  # what the umask gives a new file
        private = tmp_path / "private"
        write_atomically(private, "x", overwrite=True, mode=0o600)
        assert _mode(private) == 0o600
        script = tmp_path / "script.sh"
        script.write_text("old")
        script.chmod(0o750)
        write_atomically(script, "new", overwrite=True, keep_mode=True)
        assert _mode(script) == 0o750 and script.read_text() == "new"
        fresh = tmp_path / "fresh"
        write_atomically(fresh, "x", overwrite=True, mode=0o640, keep_mode=True)
        assert _mode(fresh) == 0o640  # nothing to keep: the mode applies
    finally:
        os.umask(umask)


def test_a_failure_inside_the_writer_leaves_the_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "model.gguf"
    target.write_text("good")
    with pytest.raises(RuntimeError), atomic_writer(target, overwrite=True) as stream:
        stream.write(b"half")
        raise RuntimeError("checksum mismatch")
    assert target.read_text() == "good"
    assert _leftovers(tmp_path) == []


def test_read_utf8_or_none(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text("é = 1\n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("é".encode("latin-1"))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert read_utf8(good) == "é = 1\n"
    assert read_utf8(good, max_bytes=7) == "é = 1\n"
    assert read_utf8(good, max_bytes=6) is None
    assert read_utf8(latin) is None
    assert read_utf8(tmp_path) is None
    assert read_utf8(tmp_path / "missing") is None
    assert read_utf8(fifo) is None  # and does not hang


@pytest.mark.parametrize(
    ("text", "limit", "one_line", "expected"),
    [
        ("  short  ", 10, False, "short"),
        ("a\nb", 10, False, "a\nb"),
        ("a\n  b", 10, True, "a b"),
        ("abcdef ghij", 8, False, "abcdef…"),
        ("abcdefgh", 8, True, "abcdefgh"),
        ("abcdefghi", 8, True, "abcdefg…"),
    ],
)
def test_shorten(text: str, limit: int, one_line: bool, expected: str) -> None:
    assert shorten(text, limit, one_line=one_line) == expected
    assert len(shorten(text, limit, one_line=one_line)) <= limit


def test_command_arguments() -> None:
    arg = {"runId": "r1"}
    assert first_argument(()) is None
    assert first_argument((arg,)) is arg
    assert first_argument(([arg],)) is arg
    assert first_argument(([],)) is None
    assert object_argument(("r1",)) == {}
    assert object_argument(([arg],)) == arg
    raw = {"start": {"line": 1, "character": "2"}, "end": {"line": 3, "character": 0}}
    assert parse_range(raw) == types.Range(types.Position(1, 2), types.Position(3, 0))
    assert parse_range(None) is None
    assert parse_range({"start": {"line": 1}}) is None
    assert parse_range({"start": {"line": "x", "character": 0}, "end": {}}) is None
