"""Edits computed on LF text, carried back onto a file with its own line endings.

Untouched lines keep exactly the endings they had (even in a mixed file);
inserted newlines use the file's dominant ending.
"""

from __future__ import annotations

from bisect import bisect_left

from agentls.edits.diff import minimal_edits
from agentls.edits.model import TextEdit
from agentls.edits.text import from_lf, to_lf


def edits_keeping_line_ends(original: str, new_lf: str, eol: str) -> tuple[TextEdit, ...]:
    """Edits on ``original`` that give ``new_lf`` up to line endings."""
    lf_edits = minimal_edits(to_lf(original), new_lf)
    if "\r\n" not in original:
        return lf_edits
    # Where each CRLF's "\n" sits in the LF text: the i-th pair shifts later offsets by i+1.
    pairs: list[int] = []
    found = original.find("\r\n")
    while found >= 0:
        pairs.append(found - len(pairs))
        found = original.find("\r\n", found + 2)

    def back(offset: int) -> int:
        return offset + bisect_left(pairs, offset)

    return tuple(TextEdit(back(e.start), back(e.end), from_lf(e.new_text, eol)) for e in lf_edits)
