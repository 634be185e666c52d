"""Unified diffs (``--- a/x`` ``+++ b/x`` ``@@ -l,n +l,n @@``), one block per file.

Hunk line numbers are kept only as a hint: `match.py` locates each hunk by its
context and removed lines. Models often drop the space before blank context
lines; inside a fence, any other unprefixed line in a hunk is read as context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agentls.edits.blocks import DiffHunks, Hunk
from agentls.edits.formats import FormatResult
from agentls.edits.model import Problem
from agentls.edits.text import join_lines

_HUNK = re.compile(r"^@@+ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@+")
_HUNK_LOOSE = re.compile(r"^@@")
_NOISE = re.compile(
    r"^(?:diff --git |index |new file mode|deleted file mode|old mode|new mode|similarity|"
    r"rename |Index: |={5,})"
)
DEV_NULL = "/dev/null"


def is_header(lines: list[str], i: int) -> bool:
    """A ``--- x`` line followed by ``+++ y`` (or a ``diff --git`` line)."""
    line = lines[i]
    if line.startswith("diff --git "):
        return True
    return line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")


def looks_like_diff(lines: list[str]) -> bool:
    for i, line in enumerate(lines):
        if line.strip():
            return is_header(lines, i) or bool(_HUNK_LOOSE.match(line))
    return False


def bare_extent(lines: list[str], start: int) -> int:
    """Index just past a diff that starts at ``start`` in prose."""
    i = start
    while i < len(lines):
        line = lines[i]
        if not (line[:1] in (" ", "+", "-", "@", "\\", "") or _NOISE.match(line)):
            break
        i += 1
    while i > start and not lines[i - 1]:
        i -= 1
    return i


@dataclass(slots=True)
class _File:
    path: str | None
    creates: bool = False
    deletes: bool = False
    hunks: list[Hunk] = field(default_factory=list)
    from_git: bool = False  # opened by "diff --git"; the ---/+++ lines may follow


def parse_unified_diff(text: str, path: str | None = None, *, lenient: bool = True) -> FormatResult:
    lines = text.split("\n")
    files: list[_File] = []
    current: _File | None = None
    before: list[str] | None = None
    after: list[str] = []
    start: int | None = None

    def close_hunk() -> None:
        nonlocal before
        if current is not None and before is not None:
            while before and after and before[-1] == "" and after[-1] == "":
                before.pop()
                after.pop()
            if before or after:
                current.hunks.append(Hunk(join_lines(before), join_lines(after), start))
        before = None
        after.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if is_header(lines, i):
            close_hunk()
            if line.startswith("diff --git "):
                current = _File(_git_path(line) or path, from_git=True)
                files.append(current)
                i += 1
                continue
            old, new = _header_path(line[4:]), _header_path(lines[i + 1][4:])
            if current is None or not current.from_git or current.hunks:
                current = _File(None)
                files.append(current)
            current.path = new if new != DEV_NULL else old
            current.creates, current.deletes = old == DEV_NULL, new == DEV_NULL
            current.from_git = False
            i += 2
            continue
        header = _HUNK_LOOSE.match(line)
        if header:
            close_hunk()
            if current is None:
                current = _File(path)
                files.append(current)
            numbers = _HUNK.match(line)
            start = int(numbers.group(1)) if numbers else None
            before = []
            i += 1
            continue
        if current is not None and before is None and _headerless_hunk_line(line):
            before, start = [], None  # hunk lines with no @@ header
        if before is not None:
            tag, body = line[:1], line[1:]
            if tag == " " or line == "":
                before.append(body)
                after.append(body)
            elif tag == "-":
                before.append(body)
            elif tag == "+":
                after.append(body)
            elif tag == "\\":
                pass  # "\ No newline at end of file"
            elif lenient and not _NOISE.match(line):
                before.append(line)
                after.append(line)
        i += 1
    close_hunk()
    return _blocks(files)


def _blocks(files: list[_File]) -> FormatResult:
    result = FormatResult()
    for f in files:
        if f.deletes:
            result.problems.append(Problem("deleting files is not supported", path=f.path))
        elif f.hunks or f.creates:
            result.blocks.append(DiffHunks(f.path, tuple(f.hunks), creates=f.creates))
    return result


def _header_path(raw: str) -> str:
    raw = raw.split("\t", 1)[0].strip()
    if raw.startswith('"') and raw.endswith('"') and len(raw) > 1:
        raw = raw[1:-1]
    if raw == DEV_NULL:
        return raw
    return raw[2:] if raw.startswith(("a/", "b/")) else raw


def _git_path(line: str) -> str | None:
    parts = line.split()
    return _header_path(parts[3]) if len(parts) >= 4 else None


def _headerless_hunk_line(line: str) -> bool:
    return line[:1] in ("+", "-", " ") and not _NOISE.match(line)
