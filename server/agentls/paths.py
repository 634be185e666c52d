"""Confine a path named by a model to the workspace.

`normalize_relative` is pure (text only). `confine` also follows symlinks of
the parts that exist, which is the only IO done here.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_PATH = 4096
MAX_COMPONENT = 255
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class PathRefusal:
    """Why a path was not allowed; ``reason`` reads well after "refused: "."""

    raw: str
    reason: str


def normalize_relative(raw: str) -> str | PathRefusal:
    """A clean workspace-relative POSIX path, judged by its text alone."""
    refusal = _refuse_text(raw)
    if refusal:
        return PathRefusal(raw, refusal)
    if raw.startswith("/"):
        return PathRefusal(raw, "it is an absolute path")
    return _fold(raw, raw)


def confine(root: Path, raw: str) -> str | PathRefusal:
    """Workspace-relative POSIX path for ``raw``, or a refusal with a readable reason."""
    refusal = _refuse_text(raw)
    if refusal:
        return PathRefusal(raw, refusal)
    try:
        real_root = Path(os.path.realpath(root))
        relative = raw
        if raw.startswith("/"):
            given_root = Path(os.path.abspath(root))
            inside = _inside(Path(os.path.normpath(raw)), (given_root, real_root))
            if inside is None:
                return PathRefusal(raw, "it is an absolute path outside the workspace")
            relative = inside
        folded = _fold(raw, relative)
        if isinstance(folded, PathRefusal):
            return folded
        resolved = _inside(Path(os.path.realpath(real_root / folded)), (real_root,))
        if resolved is None:
            return PathRefusal(raw, "it leads outside the workspace through a symbolic link")
        if ".git" in resolved.split("/"):
            return PathRefusal(raw, "it is inside a .git folder")
        return folded
    except (OSError, ValueError) as exc:
        return PathRefusal(raw, f"it cannot be resolved ({exc})")


_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn"})


def _refuse_text(raw: str) -> str | None:
    if not raw.strip():
        return "it is empty"
    if len(raw) > MAX_PATH:
        return f"it is longer than {MAX_PATH} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        return "it contains control characters"
    if any(unicodedata.category(c) in _INVISIBLE for c in raw):
        # Trojan-Source lookalikes: bidi overrides, zero-width marks, C1 controls, BOM.
        return "it contains invisible or direction-changing characters"
    if raw.startswith("~"):
        return "it starts with ~ (a home folder)"
    if "\\" in raw:
        return "it contains a backslash; use forward slashes"
    if _DRIVE.match(raw):
        return "it is a Windows drive path"
    return None


def _fold(raw: str, relative: str) -> str | PathRefusal:
    """Resolve "." and ".." by text; refuse escapes, .git and over-long parts."""
    parts: list[str] = []
    for part in relative.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return PathRefusal(raw, "it leads outside the workspace (..)")
            parts.pop()
            continue
        if len(part) > MAX_COMPONENT:
            return PathRefusal(raw, f"a part of it is longer than {MAX_COMPONENT} characters")
        if part == ".git":
            return PathRefusal(raw, "it is inside a .git folder")
        parts.append(part)
    if not parts:
        return PathRefusal(raw, "it names the workspace folder itself")
    return "/".join(parts)


def _inside(path: Path, roots: tuple[Path, ...]) -> str | None:
    """``path`` relative to the first root that contains it, as POSIX text."""
    for root in roots:
        if path == root:
            return ""
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return None
