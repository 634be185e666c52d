"""Gitignore rules for walking a workspace without git.

Precedence follows git: `.git/info/exclude` < root `.gitignore` < deeper `.gitignore`s,
and the last matching pattern decides (so `!keep.log` can re-include). A directory that
is ignored is never entered, so nothing under it can be re-included, as in git.
Some folders are always skipped, whatever the ignore files say (see ALWAYS_IGNORED_DIRS).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

ALWAYS_IGNORED_DIRS = frozenset(
    {
        ".git",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        "dist",
        "build",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        "target",
        ".hg",
        ".svn",
    }
)


def compile_patterns(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(list(lines))


def read_patterns(path: Path) -> list[str]:
    """Lines of an ignore file; a missing or unreadable file has none."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _has_patterns(lines: Iterable[str]) -> bool:
    return any(line.strip() and not line.startswith("#") for line in lines)


def in_always_ignored_dir(rel_path: str) -> bool:
    """True when any folder on the path is one of ALWAYS_IGNORED_DIRS."""
    return not ALWAYS_IGNORED_DIRS.isdisjoint(rel_path.split("/")[:-1])


@dataclass(frozen=True, slots=True)
class _Level:
    base: str  # folder of the ignore file, relative to the root, "" or ending in "/"
    spec: pathspec.GitIgnoreSpec


@dataclass(frozen=True, slots=True)
class IgnoreRules:
    """The ignore files that apply inside one folder, outermost first."""

    levels: tuple[_Level, ...] = ()

    @classmethod
    def for_root(cls, root: Path) -> IgnoreRules:
        """Rules at the workspace root: `.git/info/exclude`, then `.gitignore`."""
        levels: list[_Level] = []
        exclude = read_patterns(root / ".git" / "info" / "exclude")
        for lines in (exclude, read_patterns(root / ".gitignore")):
            if _has_patterns(lines):
                levels.append(_Level("", compile_patterns(lines)))
        return cls(tuple(levels))

    def entering(self, folder: Path, rel_folder: str) -> IgnoreRules:
        """Rules inside `rel_folder` (relative, no trailing slash): adds its `.gitignore`."""
        lines = read_patterns(folder / ".gitignore")
        if not _has_patterns(lines):
            return self
        return IgnoreRules((*self.levels, _Level(rel_folder + "/", compile_patterns(lines))))

    def is_ignored(self, rel_path: str, *, is_dir: bool = False) -> bool:
        """Whether `rel_path` (relative to the root, POSIX) is ignored; deepest rule wins."""
        if is_dir and rel_path.rpartition("/")[2] in ALWAYS_IGNORED_DIRS:
            return True
        for level in reversed(self.levels):
            if level.base and not rel_path.startswith(level.base):
                continue
            local = rel_path[len(level.base) :] + ("/" if is_dir else "")
            decision = level.spec.check_file(local).include
            if decision is not None:
                return decision
        return False
