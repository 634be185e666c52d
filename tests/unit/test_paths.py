"""confine(): model-named paths become workspace-relative POSIX paths, or refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentls.paths import PathRefusal, confine, normalize_relative


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "ws" / "app").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    return tmp_path / "ws"


ALLOWED = {
    "plain": ("app/x.py", "app/x.py"),
    "dot_prefix": ("./app/x.py", "app/x.py"),
    "inner_dotdot": ("app/../lib/y.py", "lib/y.py"),
    "double_slash": ("app//x.py", "app/x.py"),
    "new_folder": ("new/deep/z.py", "new/deep/z.py"),
    "gitignore_file": (".gitignore", ".gitignore"),
    "github_folder": (".github/workflows/ci.yml", ".github/workflows/ci.yml"),
}


@pytest.mark.parametrize(("raw", "expected"), ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(root: Path, raw: str, expected: str) -> None:
    assert confine(root, raw) == expected
    assert normalize_relative(raw) == expected


def test_absolute_inside_root_becomes_relative(root: Path) -> None:
    assert confine(root, str(root / "app" / "x.py")) == "app/x.py"


REFUSED = {
    "dotdot_escape": ("../x.py", "outside the workspace"),
    "dotdot_deep_escape": ("app/../../x.py", "outside the workspace"),
    "absolute_outside": ("/etc/passwd", "absolute path outside"),
    "home": ("~/.bashrc", "home folder"),
    "drive": ("C:/Windows/x.py", "Windows drive"),
    "drive_backslash": ("C:\\Windows\\x.py", "backslash"),
    "backslash_escape": ("app\\..\\..\\x.py", "backslash"),
    "nul_byte": ("app/x\x00.py", "control characters"),
    "newline": ("app/x\n.py", "control characters"),
    "too_long": ("a/" * 2100 + "x.py", "longer than 4096"),
    "long_component": ("a" * 256 + ".py", "longer than 255"),
    "git_folder": (".git/config", ".git"),
    "nested_git_folder": ("sub/.git/hooks/pre-commit", ".git"),
    "empty": ("", "empty"),
    "root_itself": (".", "workspace folder itself"),
}


@pytest.mark.parametrize(("raw", "reason"), REFUSED.values(), ids=REFUSED.keys())
def test_refused(root: Path, raw: str, reason: str) -> None:
    refusal = confine(root, raw)
    assert isinstance(refusal, PathRefusal)
    assert refusal.raw == raw
    assert reason in refusal.reason


def test_absolute_is_refused_without_a_root() -> None:
    refusal = normalize_relative("/ws/app/x.py")
    assert isinstance(refusal, PathRefusal) and "absolute" in refusal.reason


def test_symlinked_folder_pointing_outside_is_refused(root: Path) -> None:
    os.symlink(root.parent / "outside", root / "link")
    refusal = confine(root, "link/x.py")
    assert isinstance(refusal, PathRefusal)
    assert "symbolic link" in refusal.reason


def test_symlinked_file_pointing_outside_is_refused(root: Path) -> None:
    (root.parent / "outside" / "secret.txt").write_text("s")
    os.symlink(root.parent / "outside" / "secret.txt", root / "app" / "s.txt")
    assert isinstance(confine(root, "app/s.txt"), PathRefusal)


def test_symlink_into_git_folder_is_refused(root: Path) -> None:
    (root / ".git").mkdir()
    os.symlink(root / ".git", root / "g")
    refusal = confine(root, "g/config")
    assert isinstance(refusal, PathRefusal) and ".git" in refusal.reason


def test_symlink_inside_the_workspace_is_fine(root: Path) -> None:
    os.symlink(root / "app", root / "alias")
    assert confine(root, "alias/x.py") == "alias/x.py"


def test_root_that_is_itself_a_symlink(tmp_path: Path, root: Path) -> None:
    os.symlink(root, tmp_path / "ws-link")
    assert confine(tmp_path / "ws-link", "app/x.py") == "app/x.py"
    assert confine(tmp_path / "ws-link", str(tmp_path / "ws-link" / "app" / "x.py")) == "app/x.py"
