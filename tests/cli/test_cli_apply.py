"""`--apply`: all-or-nothing, atomic, confined writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from agentls.cli_run import ApplyRefused, apply_changes, unified_diff
from agentls.edits.model import FileChange, TextEdit


def modify(path: str, old: str, new: str) -> FileChange:
    return FileChange(path, "modify", old, new, (TextEdit(0, len(old), new),))


def create(path: str, new: str) -> FileChange:
    return FileChange(path, "create", "", new, (TextEdit(0, 0, new),))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text("old\n")
    (tmp_path / "run.sh").write_text("echo\n")
    (tmp_path / "run.sh").chmod(0o755)
    return tmp_path.resolve()


def test_writes_modified_and_created_files(root: Path) -> None:
    apply_changes(root, (modify("a.py", "old\n", "new\r\n"), create("pkg/b.py", "b\n")))
    assert (root / "a.py").read_bytes() == b"new\r\n"
    assert (root / "pkg" / "b.py").read_text() == "b\n"
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "pkg", "run.sh"]


def test_keeps_the_file_mode(root: Path) -> None:
    apply_changes(root, (modify("run.sh", "echo\n", "echo hi\n"),))
    assert stat.S_IMODE((root / "run.sh").stat().st_mode) == 0o755


@pytest.mark.parametrize(
    "bad",
    [
        modify("a.py", "something else\n", "new\n"),
        create("a.py", "other\n"),
        create("../escape.py", "x\n"),
    ],
)
def test_refuses_and_writes_nothing(bad: FileChange, root: Path) -> None:
    good = create("ok.py", "ok\n")
    with pytest.raises(ApplyRefused):
        apply_changes(root, (good, bad))
    assert not (root / "ok.py").exists()
    assert (root / "a.py").read_text() == "old\n"
    assert not (root.parent / "escape.py").exists()


@pytest.mark.parametrize(
    ("change", "header"),
    [
        (modify("a.py", "old\n", "new\n"), "--- a/a.py\n+++ b/a.py\n"),
        (create("b.py", "new\n"), "--- /dev/null\n+++ b/b.py\n"),
    ],
)
def test_unified_diff_headers(change: FileChange, header: str) -> None:
    diff = unified_diff(change)
    assert diff.startswith(header)
    assert "+new\n" in diff
