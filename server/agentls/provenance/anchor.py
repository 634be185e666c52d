"""Find a region's text again in a file that changed without us seeing how.

Used when a file is reopened after edits made while it was closed, and when one
change replaces a whole region (full-document sync sends every edit that way).
Climbs a short ladder: the exact text (nearest occurrence wins), then a fuzzy
line match (difflib ratio over lines, trailing blanks ignored), else nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from agentls.provenance.model import MAX_ANCHOR_CHARS, Region

# Lowest difflib ratio (over lines) that still counts as the same code.
FUZZY_THRESHOLD = 0.6
# Short regions look like too much else: they must match far more closely.
SHORT_THRESHOLD = 0.85
SHORT_LINES = 3
# Window sizes tried around each candidate alignment, in lines.
_WINDOW_SLACK = 2
# Most candidate alignments scored per region.
_MAX_CANDIDATES = 12
_MAX_OCCURRENCES = 1_000
# Regions up to this size are compared character by character, larger ones by lines.
_MAX_CHAR_COMPARE = 4_000
_EOL = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    exact: bool


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int  # before the line break
    next: int  # after the line break


def _lines(text: str) -> list[_Line]:
    """Lines as LSP counts them: split at CRLF, CR and LF only."""
    lines: list[_Line] = []
    pos = 0
    for eol in _EOL.finditer(text):
        lines.append(_Line(pos, eol.start(), eol.end()))
        pos = eol.end()
    if pos < len(text) or not lines:
        lines.append(_Line(pos, len(text), len(text)))
    return lines


def _key(text: str, line: _Line) -> str:
    return text[line.start : line.end].rstrip()


def find_exact(haystack: str, needle: str, near: int) -> Match | None:
    """The occurrence of ``needle`` whose start is nearest to ``near``."""
    if not needle:
        return None
    best: int | None = None
    pos = haystack.find(needle)
    for _ in range(_MAX_OCCURRENCES):
        if pos < 0:
            break
        if best is None or abs(pos - near) < abs(best - near):
            best = pos
        pos = haystack.find(needle, pos + 1)
    if best is None:
        return None
    return Match(best, best + len(needle), exact=True)


def find_fuzzy(
    haystack: str, needle: str, near: int, threshold: float = FUZZY_THRESHOLD
) -> Match | None:
    """The run of whole lines in ``haystack`` most like ``needle``'s lines."""
    wanted = [_key(needle, line) for line in _lines(needle)]
    if not any(wanted):
        return None
    if sum(1 for line in wanted if line) <= SHORT_LINES:
        threshold = max(threshold, SHORT_THRESHOLD)
    lines = _lines(haystack)
    keys = [_key(haystack, line) for line in lines]
    matcher = difflib.SequenceMatcher(None, keys, wanted, autojunk=False)
    blocks = [
        b for b in matcher.get_matching_blocks() if b.size and any(wanted[b.b : b.b + b.size])
    ]
    blocks.sort(key=lambda b: -b.size)
    candidates = {max(0, b.a - b.b) for b in blocks[:_MAX_CANDIDATES]}

    by_chars = len(needle) <= _MAX_CHAR_COMPARE
    best: tuple[float, int, int, int] | None = None  # (ratio, -distance, first, count)
    for first in candidates:
        for count in range(max(1, len(wanted) - _WINDOW_SLACK), len(wanted) + _WINDOW_SLACK + 1):
            window = keys[first : first + count]
            if len(window) < count:
                break
            ratio = _similarity(window, wanted, by_chars, threshold)
            if ratio is None:
                continue
            score = (ratio, -abs(lines[first].start - near), first, count)
            if best is None or score[:2] > best[:2]:
                best = score
    if best is None:
        return None
    ratio, _, first, count = best
    last = lines[first + count - 1]
    end = last.next if needle.endswith(("\n", "\r")) else last.end
    return Match(lines[first].start, end, exact=ratio == 1.0)


def _similarity(
    window: list[str], wanted: list[str], by_chars: bool, threshold: float
) -> float | None:
    """difflib ratio of two runs of lines (by characters when small), None below threshold."""
    a: str | list[str] = "\n".join(window) if by_chars else window
    b: str | list[str] = "\n".join(wanted) if by_chars else wanted
    scorer = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if scorer.real_quick_ratio() < threshold or scorer.quick_ratio() < threshold:
        return None
    ratio = scorer.ratio()
    return ratio if ratio >= threshold else None


def relocate(region: Region, text: str, base: int = 0, near: int | None = None) -> Region | None:
    """``region`` moved to where its text now is in ``text``, or None to drop it.

    ``base`` is added to the offsets found (for a ``text`` that is a slice of the
    file); ``near`` (relative to ``text``) breaks ties between equal candidates.
    """
    if not region.text:
        return None
    hint = region.start - base if near is None else near
    match = find_exact(text, region.text, hint) or find_fuzzy(text, region.text, hint)
    if match is None:
        return None
    found = text[match.start : match.end]
    return replace(
        region,
        start=base + match.start,
        end=base + match.end,
        text=found if len(found) <= MAX_ANCHOR_CHARS else None,
        edited=region.edited or not match.exact,
    )
