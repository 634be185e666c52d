"""SEARCH/REPLACE blocks, as popularised by Aider.

    app/x.py
    <<<<<<< SEARCH
    old lines
    =======
    new lines
    >>>>>>> REPLACE

A path line just before a SEARCH marker names the file; later blocks keep it.
Fence lines between blocks are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agentls.edits.blocks import SearchReplace
from agentls.edits.formats import FormatResult
from agentls.edits.formats.labels import path_from_label
from agentls.edits.model import Problem
from agentls.edits.text import join_lines

_SEARCH = re.compile(r"^\s*<{5,9}\s*SEARCH\b", re.IGNORECASE)
_DIVIDER = re.compile(r"^\s*={5,9}\s*$")
_REPLACE = re.compile(r"^\s*>{5,9}\s*REPLACE\b", re.IGNORECASE)


def is_search(line: str) -> bool:
    return bool(_SEARCH.match(line))


def is_replace(line: str) -> bool:
    return bool(_REPLACE.match(line))


def contains_search_replace(lines: list[str]) -> bool:
    return any(is_search(line) for line in lines)


def block_end(lines: list[str], start: int) -> int:
    """Index of the REPLACE marker closing the block opened at ``start`` (or the last line)."""
    for j in range(start + 1, len(lines)):
        if is_replace(lines[j]):
            return j
    return len(lines) - 1


def parse_search_replace(text: str, path: str | None = None) -> FormatResult:
    return parse_lines(text.split("\n"), path)


def parse_lines(lines: list[str], path: str | None = None) -> FormatResult:
    result = FormatResult()
    broken = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if not is_search(line):
            label = path_from_label(line) if line.strip() else None
            if label is not None:
                path = label
            i += 1
            continue
        divider = _next(lines, i + 1, _DIVIDER.match)
        end = _next(lines, divider + 1, _REPLACE.match) if divider is not None else None
        if divider is None or end is None:
            broken += 1  # skip to the next SEARCH marker; later blocks may be fine
            i += 1
            continue
        search = join_lines(lines[i + 1 : divider])
        replace = join_lines(lines[divider + 1 : end])
        result.blocks.append(SearchReplace(path, search, replace))
        i = end + 1
    if broken:
        result.problems.append(
            Problem(
                f"{broken} SEARCH/REPLACE block(s) not closed "
                "(missing ======= or >>>>>>> REPLACE), so not applied",
                path=path,
            )
        )
    return result


def _next(lines: list[str], start: int, test: Callable[[str], object]) -> int | None:
    for j in range(start, len(lines)):
        if is_search(lines[j]):
            return None  # a new block began: this one is broken
        if test(lines[j]):
            return j
    return None
