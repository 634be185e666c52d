"""Fit a pathless code block into the place the instruction came from."""

from __future__ import annotations

from agentls.edits.text import common_indent, indentation, reindent


def instruction_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The selection, or the whole cursor line (with its newline) when nothing is selected."""
    if start != end:
        return start, end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return line_start, len(text) if line_end < 0 else line_end + 1


def fit_to_selection(text: str, start: int, end: int, content: str) -> str:
    """``content`` adjusted to replace ``text[start:end]``.

    Keeps the selection's trailing newline (or its absence), and when the model
    de-indented the block, re-indents it to the selection's first line.
    """
    if not text[start:end].endswith("\n") and content.endswith("\n"):
        content = content[:-1]
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if before.strip():
        return content  # the selection starts mid-line: leave the text as the model wrote it
    line_indent = indentation(text[line_start:])
    lines = content.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if len(indentation(first)) < len(line_indent):
        lines = reindent(lines, common_indent(lines), line_indent)
    if lines and lines[0].startswith(before):
        lines[0] = lines[0][len(before) :]
    return "\n".join(lines)
