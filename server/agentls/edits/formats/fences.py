"""Find where a fenced code block ends, tolerating fences nested inside it.

CommonMark closes a fence at the first bare fence line of the same kind. Models
often put a markdown file with its own fences inside one fence, so an inner
opener with an info string (```` ```python ````) is counted and its closer
skipped. SEARCH/REPLACE sections are skipped whole: they may quote fences.
If the nesting-aware reading never closes, the CommonMark reading is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentls.edits.formats.search_replace import is_replace, is_search

# Up to 8 spaces: fences nested in list items are indented; their lines lose that indent.
_OPEN = re.compile(r"^( {0,8})(`{3,}|~{3,})(.*)$")


@dataclass(frozen=True, slots=True)
class Fence:
    info: str
    content: list[str]
    end: int  # index of the closing line, or of the last line when unclosed
    closed: bool


def fence_opener(line: str) -> tuple[str, str] | None:
    """(marker, info) when ``line`` opens a fence."""
    m = _OPEN.match(line)
    if not m:
        return None
    marker, info = m.group(2), m.group(3).strip()
    if marker[0] == "`" and "`" in info:
        return None
    return marker, info


def read_fence(lines: list[str], start: int) -> Fence:
    opened = fence_opener(lines[start])
    assert opened is not None, "read_fence needs an opening line"
    marker, info = opened
    indent = len(lines[start]) - len(lines[start].lstrip(" "))
    end = _find_close(lines, start, marker, indent, nested=True)
    if end is None:
        end = _find_close(lines, start, marker, indent, nested=False)
    if end is None:
        return Fence(info, _dedent(lines[start + 1 :], indent), len(lines) - 1, closed=False)
    return Fence(info, _dedent(lines[start + 1 : end], indent), end, closed=True)


def _dedent(lines: list[str], indent: int) -> list[str]:
    if not indent:
        return lines
    return [line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in lines]


def _is_close(line: str, marker: str, indent: int) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= indent + 3
        and len(stripped) >= len(marker)
        and set(stripped) == {marker[0]}
    )


def _find_close(
    lines: list[str], start: int, marker: str, indent: int, *, nested: bool
) -> int | None:
    depth = 0
    i = start + 1
    next_replace = -1  # index of the next REPLACE marker at or after i (len: none left)
    while i < len(lines):
        line = lines[i]
        if is_search(line):
            if next_replace < i:
                next_replace = _next_replace(lines, i + 1)
            if next_replace < len(lines):
                i = next_replace + 1
                continue
        if _is_close(line, marker, indent):
            if depth == 0:
                return i
            depth -= 1
        elif nested:
            inner = fence_opener(line)
            if inner and inner[1] and inner[0][0] == marker[0] and len(inner[0]) >= len(marker):
                depth += 1
        i += 1
    return None


def _next_replace(lines: list[str], start: int) -> int:
    """Index of the first REPLACE marker from ``start`` on, or len(lines)."""
    for j in range(start, len(lines)):
        if is_replace(lines[j]):
            return j
    return len(lines)
