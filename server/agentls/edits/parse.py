"""Turn a model's answer into blocks, an explanation and problems. Never raises.

The answer is read line by line. Fences, SEARCH/REPLACE sections and bare
unified diffs become blocks; every other line is prose, which becomes the
explanation (minus the lines used as path labels).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agentls.edits.blocks import ParsedAnswer, WholeFile
from agentls.edits.formats import FormatResult
from agentls.edits.formats.fences import fence_opener, read_fence
from agentls.edits.formats.labels import path_from_comment, path_from_info, path_from_label
from agentls.edits.formats.search_replace import (
    block_end,
    contains_search_replace,
    is_search,
)
from agentls.edits.formats.search_replace import parse_lines as parse_sr_lines
from agentls.edits.formats.udiff import bare_extent, is_header, looks_like_diff, parse_unified_diff
from agentls.edits.model import Problem
from agentls.edits.text import join_lines

_THINK = re.compile(r"<think(?:ing)?>.*?</think(?:ing)?>", re.DOTALL | re.IGNORECASE)
_DIFF_INFOS = frozenset({"diff", "patch", "udiff"})
_WRAPPER_INFOS = frozenset({"", "markdown", "md", "text"})
# Selection/cursor markers the prompt puts into the file; models echo them, sometimes
# mangled (">>>agentls:selection>>>", "<<agentls:end-selection>>").
_MANGLED_MARKER = re.compile(r"[<>]{2,3}[ \t]*agentls:([a-z-]+)[ \t]*[<>]{2,3}")
_MARKER = re.compile(r"<<<agentls:[a-z-]+>>>")
_START, _END = "<<<agentls:selection>>>", "<<<agentls:end-selection>>>"


def parse_answer(text: str) -> ParsedAnswer:
    try:
        return parse_answer_unguarded(text)
    except Exception as exc:  # a parser bug must not take the run down
        return ParsedAnswer(problems=(Problem(f"could not read the answer: {exc!r}"),))


@dataclass(slots=True)
class _Reader:
    lines: list[str]
    result: FormatResult = field(default_factory=FormatResult)
    prose: list[str | None] = field(default_factory=list)  # None: a line used as a label
    prose_since_block: int = 0  # index into prose where the current gap started
    current_path: str | None = None  # last path named, for bare SEARCH/REPLACE blocks

    def label_before(self) -> str | None:
        """Path on the last non-blank prose line since the previous block; consumes it."""
        for k in range(len(self.prose) - 1, self.prose_since_block - 1, -1):
            line = self.prose[k]
            if line is None:
                return None
            if line.strip():
                path = path_from_label(line)
                if path is not None:
                    self.prose[k] = None
                return path
        return None

    def lead_in(self) -> str:
        """The last non-blank prose line since the previous block, left in the prose."""
        for k in range(len(self.prose) - 1, self.prose_since_block - 1, -1):
            line = self.prose[k]
            if line is None:
                return ""
            if line.strip():
                return line.strip()
        return ""

    def add(self, found: FormatResult) -> None:
        self.result.extend(found)
        for block in found.blocks:
            if block.path is not None:
                self.current_path = block.path
        self.prose_since_block = len(self.prose)


def parse_answer_unguarded(text: str) -> ParsedAnswer:
    text = _THINK.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _MANGLED_MARKER.sub(lambda m: f"<<<agentls:{m.group(1)}>>>", text)
    reader = _Reader(text.split("\n"))
    lines = reader.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence_opener(line):
            i = _read_fenced(reader, i)
        elif is_search(line):
            i = _read_bare_search_replace(reader, i)
        elif is_header(lines, i):
            end = bare_extent(lines, i)
            path = reader.label_before()
            diff_text = "\n".join(strip_markers(lines[i:end]))
            reader.add(parse_unified_diff(diff_text, path, lenient=False))
            i = end
        else:
            reader.prose.append(line)
            i += 1
    return ParsedAnswer(
        blocks=tuple(reader.result.blocks),
        explanation=_explanation(reader.prose),
        problems=tuple(reader.result.problems),
    )


def _read_fenced(reader: _Reader, start: int) -> int:
    fence = read_fence(reader.lines, start)
    label = reader.label_before()
    path = path_from_info(fence.info) or label
    content = fence.content
    if path is None and content and (commented := path_from_comment(content[0])):
        path, content = commented, content[1:]  # "# app/x.py" as the block's first line
    lang = _language(fence.info)
    marked = path is None and any(_START in line or _END in line for line in content)
    if marked:  # the model echoed the markers: what lies between them is the selection's
        content = _between_markers(content)
    content = strip_markers(content)
    if contains_search_replace(content):
        reader.add(parse_sr_lines(content, path or reader.current_path))
    elif lang in _DIFF_INFOS or looks_like_diff(content):
        reader.add(parse_unified_diff("\n".join(content), path))
    elif not fence.closed:
        reader.add(
            FormatResult(
                problems=[
                    Problem(
                        "a code block is not closed; the answer may be cut off",
                        path=path,
                    )
                ]
            )
        )
    elif path is None and not _unwrap(reader, lang, content):
        lead = reader.lead_in()
        block = WholeFile(None, join_lines(content), lang, lead, marked)
        reader.add(FormatResult(blocks=[block]))
    elif path is not None:
        reader.add(FormatResult(blocks=[WholeFile(path, join_lines(content), lang)]))
    return fence.end + 1


def _between_markers(lines: list[str]) -> list[str]:
    """The lines between an echoed start and end marker (either may be missing)."""
    text = "\n".join(lines)
    start = text.find(_START)
    text = text[start + len(_START) :] if start >= 0 else text
    end = text.find(_END)
    text = text[:end] if end >= 0 else text
    return text.strip("\n").split("\n") if text.strip() else []


def strip_markers(lines: list[str]) -> list[str]:
    """Drop lines that hold only a marker, and markers inside other lines."""
    return [
        _MARKER.sub("", line)
        for line in lines
        if _MARKER.sub("", line).strip() or not _MARKER.search(line)
    ]


def _unwrap(reader: _Reader, lang: str, content: list[str]) -> bool:
    """Read a whole answer that the model wrapped in one markdown fence.

    Only when the inside names files; a markdown snippet with code blocks stays one block.
    """
    if lang not in _WRAPPER_INFOS or not any(fence_opener(line) for line in content):
        return False
    inner = parse_answer_unguarded("\n".join(content))
    if not any(block.path is not None for block in inner.blocks):
        return False
    reader.prose.extend(inner.explanation.split("\n") if inner.explanation else [])
    reader.add(FormatResult(list(inner.blocks), list(inner.problems)))
    return True


def _read_bare_search_replace(reader: _Reader, start: int) -> int:
    lines = reader.lines
    end = block_end(lines, start)
    # Later blocks for the same file may follow after blank lines.
    while True:
        nxt = end + 1
        while nxt < len(lines) and not lines[nxt].strip():
            nxt += 1
        if nxt < len(lines) and is_search(lines[nxt]):
            end = block_end(lines, nxt)
        else:
            break
    path = reader.label_before() or reader.current_path
    reader.add(parse_sr_lines(strip_markers(lines[start : end + 1]), path))
    return end + 1


def _language(info: str) -> str:
    """The language word of an info string: ``python`` from ``python title="x"``."""
    word = info.split()[0] if info.split() else ""
    word = word.split(":")[0].lstrip("{.").lower()
    return "" if "/" in word or "=" in word or "." in word else word


def _explanation(prose: list[str | None]) -> str:
    kept = [_MARKER.sub("", line).rstrip() for line in prose if line is not None]
    text = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", text)
