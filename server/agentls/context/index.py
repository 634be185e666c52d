"""The workspace's candidate text files, listed once and cached until invalidated.

With a `.git` folder and git on PATH the list comes from
`git ls-files --cached --others --exclude-standard` (fast on big trees); otherwise from
an `os.scandir` walk that honours the same ignore files (`context.ignore`). Both paths
then drop always-ignored folders, secret files (`context.secrets`), the user's
`context.exclude` patterns, obvious binary types, anything that is not a regular file,
and symlinks whose target leaves the root. Directory symlinks are never followed (git
does not follow them either), so symlink loops cannot happen.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from agentls.config import ContextSettings
from agentls.context.ignore import IgnoreRules, compile_patterns, in_always_ignored_dir
from agentls.context.secrets import is_secret_path

GIT_TIMEOUT_SECONDS = 10.0

BINARY_SUFFIXES = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tiff", ".psd",
        ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".jar",
        ".war", ".whl", ".egg", ".pyc", ".pyo", ".so", ".dylib", ".dll", ".exe", ".o",
        ".a", ".lib", ".class", ".bin", ".dat", ".db", ".sqlite", ".sqlite3", ".woff",
        ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav", ".ogg", ".flac",
        ".mov", ".avi", ".mkv", ".webm", ".gguf", ".safetensors", ".onnx", ".pt",
        ".pth", ".npy", ".npz", ".pkl", ".parquet", ".xlsx", ".xls", ".docx", ".doc",
        ".pptx", ".ppt", ".wasm",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Listing:
    files: tuple[str, ...]
    members: frozenset[str]


class WorkspaceIndex:
    """Relative POSIX paths of the workspace's candidate text files (sorted).

    Safe to use from a worker thread while the event loop calls `invalidate()`: a
    listing that an invalidation overtook is returned once but not cached."""

    def __init__(self, root: Path, settings: ContextSettings) -> None:
        self.root = root.resolve()
        self.settings = settings
        self._listing: _Listing | None = None
        self._generation = 0

    def files(self) -> tuple[str, ...]:
        return self._current().files

    def contains(self, rel_path: str) -> bool:
        return rel_path in self._current().members

    def invalidate(self) -> None:
        """Forget the cached list (call on file creation, deletion, rename or save)."""
        self._generation += 1
        self._listing = None

    def _current(self) -> _Listing:
        listing = self._listing
        if listing is None:
            generation = self._generation
            files = self._list()
            listing = _Listing(files, frozenset(files))
            if generation == self._generation:
                self._listing = listing
        return listing

    def _list(self) -> tuple[str, ...]:
        listed = _git_files(self.root)
        if listed is None:
            candidates: Iterable[str] = _walk_files(self.root)
        else:
            candidates = (rel for rel in listed if _is_regular_file_inside(self.root, rel))
        exclude = compile_patterns(self.settings.exclude) if self.settings.exclude else None
        kept = {
            rel
            for rel in candidates
            if not in_always_ignored_dir(rel)
            and _suffix(rel) not in BINARY_SUFFIXES
            and not is_secret_path(rel)
            and not (exclude and exclude.match_file(rel))
        }
        return tuple(sorted(kept))


def _git_files(root: Path) -> list[str] | None:
    """Paths from git, or None when git is missing, fails, or this is not a repo root."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    # The workspace's own .git/config is untrusted: core.fsmonitor names a command that
    # git would run. Turn off every setting of ls-files that can start a program.
    command = [
        git,
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.untrackedCache=false",
        "ls-files",
        "--cached",
        "--others",
        "--exclude-standard",
        "-z",
    ]
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            command,
            cwd=root,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = done.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return [name for name in names if name and _is_clean_utf8(name)]


def _walk_files(root: Path) -> Iterator[str]:
    """Regular files under root (and symlinks to files inside it), not entering ignored
    folders or following folder symlinks."""
    stack: list[tuple[Path, str, IgnoreRules]] = [(root, "", IgnoreRules.for_root(root))]
    while stack:
        folder, rel_folder, rules = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            if not _is_clean_utf8(entry.name):
                continue
            rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if not rules.is_ignored(rel, is_dir=True):
                    stack.append((Path(entry.path), rel, rules.entering(Path(entry.path), rel)))
            elif rules.is_ignored(rel):
                continue
            elif entry.is_file(follow_symlinks=False) or (
                entry.is_symlink() and _is_regular_file_inside(root, rel)
            ):
                yield rel


def _suffix(rel: str) -> str:
    name = rel.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _is_regular_file_inside(root: Path, rel: str) -> bool:
    path = f"{root}/{rel}"  # not os.path.join: this runs once per listed file
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode):
            return True
        if not stat.S_ISLNK(mode):
            return False
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, broken link, loop
        return False
    return target.is_file() and target.is_relative_to(root)


def _is_clean_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
