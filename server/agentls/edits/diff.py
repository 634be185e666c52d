"""Minimal text edits between two versions of a file, and applying edits.

Shared head and tail lines are trimmed first; only the middle is diffed by
lines. A one-line replacement is narrowed to the characters that changed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

from agentls.edits.model import TextEdit
from agentls.edits.text import split_keepends


def minimal_edits(old: str, new: str) -> tuple[TextEdit, ...]:
    """Edits (code-point offsets into ``old``) such that applying them gives ``new``."""
    if old == new:
        return ()
    a, b = split_keepends(old), split_keepends(new)
    head = _shared_head(a, b)
    tail = _shared_tail(a, b, head)
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]

    starts = _line_starts(a)
    edits: list[TextEdit] = []
    for i1, i2, j1, j2 in _changed_regions(a_mid, b_mid):
        start, end = starts[head + i1], starts[head + i2]
        new_text = "".join(b_mid[j1:j2])
        if i2 - i1 == 1 and j2 - j1 == 1:
            edits.append(_narrow(start, a_mid[i1], new_text))
        else:
            edits.append(TextEdit(start, end, new_text))
    return tuple(edits)


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits given as offsets into ``text``."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit: {edit}")
        out.append(text[pos : edit.start])
        out.append(edit.new_text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def _changed_regions(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    """Line ranges that differ, as (a_start, a_end, b_start, b_end).

    Lines that occur exactly once in each side anchor the diff (as in patience
    diff), so a large file with scattered changes only diffs the small gaps.
    """
    regions: list[tuple[int, int, int, int]] = []
    pi = pj = 0
    for ai, bj in [*_unique_anchors(a, b), (len(a), len(b))]:
        if ai > pi or bj > pj:
            regions.extend(_diff_gap(a, b, pi, ai, pj, bj))
        pi, pj = ai + 1, bj + 1
    return regions


def _unique_anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    count_a = Counter(a)
    count_b = Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [
        (i, where_b[line]) for i, line in enumerate(a) if count_a[line] == 1 and line in where_b
    ]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by first) increasing in second."""
    tails: list[int] = []  # tails[k]: second value ending the best run of length k+1
    tail_at: list[int] = []  # index into pairs of that tail
    back: list[int] = []
    for idx, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(idx)
        else:
            tails[k] = j
            tail_at[k] = idx
        back.append(tail_at[k - 1] if k else -1)
    out: list[tuple[int, int]] = []
    idx = tail_at[-1] if tail_at else -1
    while idx >= 0:
        out.append(pairs[idx])
        idx = back[idx]
    return out[::-1]


def _diff_gap(
    a: list[str], b: list[str], a1: int, a2: int, b1: int, b2: int
) -> list[tuple[int, int, int, int]]:
    if a1 == a2 or b1 == b2:
        return [(a1, a2, b1, b2)]
    if a2 - a1 == b2 - b1 and a[a1:a2] == b[b1:b2]:
        return []  # most gaps between anchors are unchanged: skip difflib's set-up cost
    matcher = SequenceMatcher(None, a[a1:a2], b[b1:b2], autojunk=False)
    return [
        (a1 + i1, a1 + i2, b1 + j1, b1 + j2)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _shared_head(a: list[str], b: list[str]) -> int:
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[n] == b[n]:
        n += 1
    return n


def _shared_tail(a: list[str], b: list[str], head: int) -> int:
    n = 0
    limit = min(len(a), len(b)) - head
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _line_starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _narrow(start: int, old_line: str, new_line: str) -> TextEdit:
    """Shrink a one-line replacement to its changed characters."""
    pre = 0
    limit = min(len(old_line), len(new_line))
    while pre < limit and old_line[pre] == new_line[pre]:
        pre += 1
    suf = 0
    while suf < limit - pre and old_line[-1 - suf] == new_line[-1 - suf]:
        suf += 1
    return TextEdit(start + pre, start + len(old_line) - suf, new_line[pre : len(new_line) - suf])
