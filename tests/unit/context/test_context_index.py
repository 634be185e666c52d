"""Ignore rules and the workspace index: git and walk paths list the same files."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from agentls.config import ContextSettings
from agentls.context import index as index_module
from agentls.context.ignore import IgnoreRules, in_always_ignored_dir
from agentls.context.index import WorkspaceIndex

HAS_GIT = shutil.which("git") is not None


def make_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


WORKSPACE: dict[str, str | bytes] = {
    ".gitignore": "*.log\n/out/\nlocal/\n!keep.log\n",
    "app/main.py": "print('hi')\n",
    "app/debug.log": "ignored\n",
    "app/keep.log": "re-included\n",
    "app/.gitignore": "generated_*.py\n!generated_ok.py\n",
    "app/generated_x.py": "ignored by the nested file\n",
    "app/generated_ok.py": "re-included by the nested file\n",
    "app/sub/.gitignore": "*.txt\n",
    "app/sub/notes.txt": "ignored two levels down\n",
    "app/sub/code.py": "x = 1\n",
    "out/result.py": "ignored: anchored folder\n",
    "lib/out/kept.py": "kept: /out/ is anchored at the root\n",
    "local/x.py": "ignored folder anywhere\n",
    "node_modules/pkg/index.js": "always ignored\n",
    "build/gen.py": "always ignored\n",
    ".venv/lib/site.py": "always ignored\n",
    "src/__pycache__/m.cpython-311.pyc": b"\x00\x01",
    "docs/README.md": "# docs\n",
    "image.png": b"\x89PNG\x00",
    ".env": "OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxx1\n",
    ".env.example": "OPENAI_API_KEY=\n",
    "certs/server.pem": "-----BEGIN PRIVATE KEY-----\n",
    "excluded/by-settings.csv": "a,b\n",
    "info-excluded.py": "excluded by .git/info/exclude\n",
}
EXPECTED = {
    ".env.example",
    ".gitignore",
    "app/.gitignore",
    "app/generated_ok.py",
    "app/keep.log",
    "app/main.py",
    "app/sub/.gitignore",
    "app/sub/code.py",
    "docs/README.md",
    "lib/out/kept.py",
}
SETTINGS = ContextSettings(exclude=("*.csv",))


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    make_tree(root, WORKSPACE)
    return root


def walk_listing(root: Path, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    monkeypatch.setattr(index_module, "_git_files", lambda _root: None)
    return set(WorkspaceIndex(root, SETTINGS).files())


def test_walk_honours_root_nested_and_always_ignored(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / ".git" / "info").mkdir(parents=True)
    (workspace / ".git" / "info" / "exclude").write_text("info-excluded.py\n")
    assert walk_listing(workspace, monkeypatch) == EXPECTED


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_git_and_walk_list_the_same_files(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(workspace, "init", "-q")
    (workspace / ".git" / "info" / "exclude").write_text("info-excluded.py\n")
    git(workspace, "add", "app/main.py", ".gitignore")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    from_git = set(WorkspaceIndex(workspace, SETTINGS).files())
    assert from_git == EXPECTED
    assert walk_listing(workspace, monkeypatch) == from_git


def test_files_are_cached_until_invalidated(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a.py": "a\n"})
    index = WorkspaceIndex(tmp_path, ContextSettings())
    assert index.files() == ("a.py",)
    make_tree(tmp_path, {"b.py": "b\n"})
    assert index.files() == ("a.py",)
    index.invalidate()
    assert index.files() == ("a.py", "b.py")
    assert index.contains("b.py") and not index.contains("c.py")


def test_symlinks_loops_and_escapes_are_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    make_tree(outside, {"secret.py": "nope\n"})
    root = tmp_path / "ws"
    make_tree(root, {"real/a.py": "a\n"})
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "real" / "self").symlink_to(root / "real", target_is_directory=True)
    (root / "escape.py").symlink_to(outside / "secret.py")
    (root / "escape_dir").symlink_to(outside, target_is_directory=True)
    (root / "alias.py").symlink_to(root / "real" / "a.py")
    (root / "broken.py").symlink_to(root / "missing.py")
    (root / "cycle.py").symlink_to(root / "cycle.py")
    assert WorkspaceIndex(root, ContextSettings()).files() == ("alias.py", "real/a.py")


def test_unreadable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, {"ok.py": "x\n", "locked/hidden.py": "y\n"})
    (tmp_path / "locked").chmod(0)
    try:
        listed = walk_listing(tmp_path, monkeypatch)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert "ok.py" in listed
    if os.geteuid() != 0:  # root reads anything
        assert "locked/hidden.py" not in listed


@pytest.mark.parametrize(
    ("rules", "path", "is_dir", "ignored"),
    [
        ("*.log\n", "a/b.log", False, True),
        ("*.log\n!keep.log\n", "keep.log", False, False),
        ("/out/\n", "out", True, True),
        ("/out/\n", "lib/out", True, False),
        ("out/\n", "out", False, False),
        ("", "node_modules", True, True),
        ("", "node_modules", False, False),
        ("# comment\n\n", "x.py", False, False),
    ],
)
def test_root_rules(tmp_path: Path, rules: str, path: str, is_dir: bool, ignored: bool) -> None:
    (tmp_path / ".gitignore").write_text(rules)
    assert IgnoreRules.for_root(tmp_path).is_ignored(path, is_dir=is_dir) is ignored


def test_deeper_rules_win(tmp_path: Path) -> None:
    make_tree(tmp_path, {".gitignore": "*.gen\n", "pkg/.gitignore": "!*.gen\n/local.py\n"})
    rules = IgnoreRules.for_root(tmp_path).entering(tmp_path / "pkg", "pkg")
    assert not rules.is_ignored("pkg/x.gen")
    assert rules.is_ignored("other.gen")
    assert rules.is_ignored("pkg/local.py")
    assert not rules.is_ignored("pkg/deeper/local.py")


@pytest.mark.parametrize(
    ("path", "expected"),
    [("node_modules/a.js", True), ("a/build/x.py", True), ("build.py", False), ("a/b.py", False)],
)
def test_always_ignored_dirs(path: str, expected: bool) -> None:
    assert in_always_ignored_dir(path) is expected


def test_listing_overtaken_by_invalidate_is_not_cached(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a.py": "a\n"})
    index = WorkspaceIndex(tmp_path, ContextSettings())
    real_list = index._list
    calls: list[int] = []

    def list_then_file_appears() -> tuple[str, ...]:
        listed = real_list()
        if not calls:
            make_tree(tmp_path, {"b.py": "b\n"})
            index.invalidate()  # a watcher event arrives while the worker thread lists
        calls.append(1)
        return listed

    index._list = list_then_file_appears  # type: ignore[method-assign]
    assert index.files() == ("a.py",)
    assert index.files() == ("a.py", "b.py")
    assert index.files() == ("a.py", "b.py")
    assert len(calls) == 2
