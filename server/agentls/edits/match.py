"""Locate a SEARCH text (or a diff hunk's "before" lines) in a file.

The ladder climbs from strict to tolerant and stops at the first rung that
matches anywhere:

1. exact lines;
2. lines equal after dropping trailing whitespace;
3. lines equal up to one uniform indentation shift (the replacement is
   re-indented by the same shift);
4. lines equal once stripped (tabs for spaces, uneven shifts); each
   replacement line takes the file's indentation for the model's;
5. SEARCH lines written as ``...`` stand for unchanged lines that are elided
   (the REPLACE must elide in the same places).

Several matches on one rung are settled by proximity to ``near`` (the
selection) only when one is strictly closest; otherwise the edit is refused.
On failure the Problem carries "did you mean" lines for a repair round.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from agentls.edits.model import Problem
from agentls.edits.text import common_indent, indentation, reindent

_ELISION = re.compile(
    r"^\s*(?:\.\.\.|#\s*\.\.\.|//\s*\.\.\.|/\*\s*\.\.\.\s*\*/|<!--\s*\.\.\.\s*-->)\s*$"
)
_HINT_LINES = 12
_HINT_SIMILARITY = 0.5  # mean share of a line's words found in SEARCH, to be worth showing
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Located:
    """Replace ``text[start:end]`` with ``replacement`` (already re-indented)."""

    start: int
    end: int
    replacement: str
    rung: str


class FileLines:
    """A text's line structure, built only as far as a rung needs it: the lines without
    their ends, their stripped forms (each rung scans these for its anchor line) and
    each line's start offset.

    The builder keeps one per file state and hands it to `locate`; `replaced` carries
    it over an edit by splicing only the lines the edit touched, so a long answer of
    many blocks does not re-split the file for each block.
    """

    __slots__ = ("_lines", "_starts", "_stripped", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        self._stripped: list[str] | None = None
        self._starts: list[int] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def stripped(self) -> list[str]:
        if self._stripped is None:
            self._stripped = list(map(str.strip, self.lines))
        return self._stripped

    @property
    def starts(self) -> list[int]:
        """Each line's start offset, and one past the end (as if the text ended in a newline)."""
        if self._starts is None:
            self._starts = list(accumulate(map((1).__add__, map(len, self.lines)), initial=0))
        return self._starts

    @property
    def count(self) -> int:
        """Real lines: a final newline does not start another line."""
        lines = self.lines
        return len(lines) - (1 if lines[-1] == "" else 0)

    def span(self, first: int, stop: int) -> tuple[int, int]:
        """Offsets of lines [first, stop), including the newline of the last one."""
        return self.starts[first], min(self.starts[stop], len(self.text))

    def offset_of_line(self, index: int) -> int:
        """Where 0-based line ``index`` starts (clamped to the text)."""
        return min(self.starts[max(0, min(index, len(self.lines)))], len(self.text))

    def line_at(self, offset: int) -> int:
        """The 0-based line holding ``offset``."""
        if self._starts is not None:
            return bisect_right(self._starts, offset) - 1
        return self.text.count("\n", 0, offset)

    def replaced(self, start: int, end: int, new: str) -> FileLines:
        """The structure of ``text[:start] + new + text[end:]``. The lines this one has
        built are spliced (only the touched lines are split again) and move to the
        result: this object must not be used afterwards."""
        text = self.text
        out = FileLines("".join((text[:start], new, text[end:])))
        if self._lines is None:
            return out
        first = self.line_at(start)
        last = first + text.count("\n", start, end)
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if line_end < 0:
            line_end = len(text)
        region = "".join((text[line_start:start], new, text[end:line_end])).split("\n")
        self._lines[first : last + 1] = region
        out._lines = self._lines
        if self._stripped is not None:
            self._stripped[first : last + 1] = map(str.strip, region)
            out._stripped = self._stripped
        self._lines = self._stripped = self._starts = None
        return out

    def windows(self, slines: list[str], lo: int = 0, hi: int | None = None) -> list[int]:
        """Starts k of the windows [k, k+len(slines)) within [lo, hi) whose line facing
        the first non-blank SEARCH line is equal to it once stripped."""
        n = len(slines)
        hi = self.count if hi is None else hi
        anchor = next((j for j, line in enumerate(slines) if line.strip()), None)
        if anchor is None:
            return list(range(lo, hi - n + 1))
        key, stripped = slines[anchor].strip(), self.stripped
        found: list[int] = []
        at, stop = lo + anchor, hi - n + anchor + 1  # the anchor line's possible indices
        while at < stop:
            try:
                at = stripped.index(key, at, stop)
            except ValueError:
                break
            found.append(at - anchor)
            at += 1
        return found


@dataclass(frozen=True, slots=True)
class _Candidate:
    first: int  # line index where the match starts (-1: known by `offsets` only)
    stop: int  # line index after the match
    replacement: list[str]
    offsets: tuple[int, int] | None = None  # the exact rung's text span, when it found it


def _split_search(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def locate(
    text: str,
    search: str,
    replace: str,
    *,
    near: int | None = None,
    path: str | None = None,
    what: str = "SEARCH text",
    lines: FileLines | None = None,
) -> Located | Problem:
    """Find the one place ``search`` stands for in ``text`` (LF text, non-empty search).

    ``lines``: the caller's cached structure of ``text``, if it keeps one.
    """
    file = lines if lines is not None and lines.text is text else FileLines(text)
    slines, rlines = _split_search(search), _split_search(replace)
    if not slines:
        return Problem(f"the {what} is empty", path=path)
    found = _climb(file, slines, rlines, near)
    return (
        found if isinstance(found, Located) else _refusal(file, slines, rlines, found, path, what)
    )


def _refusal(
    file: FileLines,
    slines: list[str],
    rlines: list[str],
    candidates: list[_Candidate],
    path: str | None,
    what: str,
) -> Problem:
    if candidates:
        numbers = ", ".join(str(_first_line(file, c) + 1) for c in candidates[:6])
        return Problem(
            f"the {what} matches {len(candidates)} places (lines {numbers}); "
            "quote more surrounding lines so it matches exactly one",
            path=path,
        )
    if any(_ELISION.match(line) for line in slines) and not _elision_counts_agree(slines, rlines):
        return Problem(
            f"the {what} elides lines with '...' but the replacement does not elide in the "
            "same places",
            path=path,
        )
    return Problem(f"the {what} was not found", path=path, hints=did_you_mean(file, slines))


def locate_hunk(
    text: str,
    before: str,
    after: str,
    *,
    near: int | None = None,
    path: str | None = None,
    lines: FileLines | None = None,
) -> Located | Problem:
    """Like `locate`, but when a diff hunk's context lines are wrong, retry with fewer.

    Unchanged lines are trimmed from both ends, one at a time, while changed or
    removed lines remain to anchor the hunk; an ambiguous trim stops the retries.
    """
    file = lines if lines is not None and lines.text is text else FileLines(text)
    b, a = _split_search(before), _split_search(after)
    first = _climb(file, b, a, near)
    if isinstance(first, Located):
        return first
    if first or not b:
        return _refusal(file, b, a, first, path, "hunk")
    head = 0
    while head < min(len(b), len(a)) and b[head] == a[head]:
        head += 1
    tail = 0
    while tail < min(len(b), len(a)) - head and b[-1 - tail] == a[-1 - tail]:
        tail += 1
    for cut in range(1, max(head, tail) + 1):
        h, t = min(cut, head), min(cut, tail)
        core_b, core_a = b[h : len(b) - t], a[h : len(a) - t]
        if not any(line.strip() for line in core_b):
            break  # nothing left that says where the hunk goes
        found = _climb(file, core_b, core_a, near)
        if isinstance(found, Located):
            return found
        if found:
            break
    return _refusal(file, b, a, first, path, "hunk")


def _climb(
    file: FileLines, slines: list[str], rlines: list[str], near: int | None
) -> Located | list[_Candidate]:
    """The ladder: the settled match, or the ambiguous candidates, or [] for none."""
    rungs: list[tuple[str, Callable[[], list[_Candidate]]]] = [
        ("exact", lambda: _exact(file, slines, rlines)),
        ("trailing-whitespace", lambda: _plain(file, slines, rlines, _same_rstrip)),
        ("indentation", lambda: _indented(file, slines, rlines, 0, file.count)),
        ("loose-indentation", lambda: _loose(file, slines, rlines)),
        ("elision", lambda: _elided(file, slines, rlines)),
    ]
    for rung, find in rungs:
        candidates = find()
        if candidates:
            chosen = _settle(file, candidates, near)
            return candidates if chosen is None else _located(file, chosen, rung)
    return []


def _span(file: FileLines, c: _Candidate) -> tuple[int, int]:
    return c.offsets if c.offsets is not None else file.span(c.first, c.stop)


def _first_line(file: FileLines, c: _Candidate) -> int:
    return c.first if c.offsets is None else file.line_at(c.offsets[0])


def _located(file: FileLines, chosen: _Candidate, rung: str) -> Located:
    start, end = _span(file, chosen)
    replacement = "".join(line + "\n" for line in chosen.replacement)
    if end == len(file.text) and not file.text.endswith("\n") and replacement:
        replacement = replacement[:-1]  # the file's last line has no newline: keep it so
    return Located(start, end, replacement, rung)


def _same_rstrip(a: str, b: str) -> bool:
    return a.rstrip() == b.rstrip()


def _exact(file: FileLines, slines: list[str], rlines: list[str]) -> list[_Candidate]:
    """Windows whose lines equal ``slines`` exactly, found by searching the text itself
    (no per-line work in Python, and no line split when this rung settles the block)."""
    if not any(line.strip() for line in slines):
        return _plain(file, slines, rlines, lambda a, b: a == b)
    text, needle = file.text, "\n".join(slines)
    size, length = len(text), len(needle)
    found = []
    at = text.find(needle)
    while at >= 0:
        end = at + length
        if (at == 0 or text[at - 1] == "\n") and (
            text[end : end + 1] == "\n"
            # At the very end: not when the window's last line is the one after a final newline.
            or (end == size and not (needle.endswith("\n") and text.endswith("\n")))
        ):
            found.append(_Candidate(-1, -1, rlines, (at, min(end + 1, size))))
        at = text.find(needle, at + 1)
    return found


def _plain(
    file: FileLines, slines: list[str], rlines: list[str], same: Callable[[str, str], bool]
) -> list[_Candidate]:
    n = len(slines)
    found = []
    for k in file.windows(slines):
        if all(same(file.lines[k + j], slines[j]) for j in range(n)):
            found.append(_Candidate(k, k + n, rlines))
    return found


def _indented(
    file: FileLines, slines: list[str], rlines: list[str], lo: int, hi: int
) -> list[_Candidate]:
    """Matches in lines [lo, hi) where every line is shifted by the same indentation."""
    n = len(slines)
    removed = common_indent(slines)
    dedented = reindent(slines, removed, "")
    first = next((j for j, s in enumerate(dedented) if s.strip()), None)
    if first is None:
        return []
    found = []
    for k in file.windows(slines, lo, hi):
        anchor = file.lines[k + first]
        body = dedented[first].rstrip()
        if not anchor.rstrip().endswith(body.lstrip(" \t")):
            continue
        shift = indentation(anchor)
        own = indentation(body)
        if not shift.endswith(own):
            continue
        shift = shift[: len(shift) - len(own)]
        if all(_shifted_equal(file.lines[k + j], dedented[j], shift) for j in range(n)):
            replacement = _restyle(reindent(rlines, removed, shift), shift)
            found.append(_Candidate(k, k + n, replacement))
    return found


def _restyle(lines: list[str], shift: str) -> list[str]:
    """After a tab shift, indent the model's deeper space levels with tabs (and vice versa)."""
    if not shift or (" " in shift) == ("\t" in shift):
        return lines
    old, new = ("    ", "\t") if "\t" in shift else ("\t", "    ")
    out = []
    for line in lines:
        if not line.startswith(shift):
            out.append(line)
            continue
        rest = line[len(shift) :]
        inner = indentation(rest)
        out.append(shift + inner.replace(old, new) + rest[len(inner) :])
    return out


def _shifted_equal(line: str, search: str, shift: str) -> bool:
    if not search.strip():
        return not line.strip()
    return line.rstrip() == shift + search.rstrip()


def _loose(file: FileLines, slines: list[str], rlines: list[str]) -> list[_Candidate]:
    """Lines equal once stripped (tabs vs spaces, uneven shifts); indentation is mapped."""
    n = len(slines)
    stripped = [line.strip() for line in slines]
    found = []
    for k in file.windows(slines):
        if all(file.lines[k + j].strip() == stripped[j] for j in range(n)):
            pairs = {
                indentation(slines[j]): indentation(file.lines[k + j])
                for j in range(n)
                if stripped[j]
            }
            found.append(_Candidate(k, k + n, [_map_indent(r, pairs) for r in rlines]))
    return found


def _map_indent(line: str, pairs: dict[str, str]) -> str:
    """Re-indent a replacement line by the model->file indentation pairs seen in SEARCH."""
    if not line.strip():
        return ""
    own = indentation(line)
    if own in pairs:
        return pairs[own] + line.lstrip(" \t")
    # Deeper than any SEARCH line: keep the nearest mapped prefix, add the rest in the file's style.
    base = max((m for m in pairs if own.startswith(m)), key=len, default="")
    extra = own[len(base) :]
    mapped = pairs.get(base, base)
    if "\t" in "".join(pairs.values()) and "\t" not in extra:
        extra = "\t" * max(1, len(extra) // 4) if extra else ""
    return mapped + extra + line.lstrip(" \t")


def _split_elisions(lines: list[str]) -> list[list[str]]:
    pieces: list[list[str]] = [[]]
    for line in lines:
        if _ELISION.match(line):
            pieces.append([])
        else:
            pieces[-1].append(line)
    return pieces


def _elision_counts_agree(slines: list[str], rlines: list[str]) -> bool:
    return len(_split_elisions(slines)) == len(_split_elisions(rlines))


def _elided(file: FileLines, slines: list[str], rlines: list[str]) -> list[_Candidate]:
    spieces, rpieces = _split_elisions(slines), _split_elisions(rlines)
    if len(spieces) < 2 or len(spieces) != len(rpieces):
        return []
    pairs = [(s, r) for s, r in zip(spieces, rpieces, strict=True) if s or r]
    if not pairs or any(not s for s, _ in pairs):
        return []  # lines to add next to an elision have no anchor
    found = []
    for head in _piece_matches(file, pairs[0][0], pairs[0][1], 0):
        parts = [head]
        for s, r in pairs[1:]:
            following = _piece_matches(file, s, r, parts[-1].stop)
            if not following:
                break
            parts.append(min(following, key=lambda c: c.first))
        else:
            found.append(_join_parts(file, parts))
    return found


def _piece_matches(
    file: FileLines, slines: list[str], rlines: list[str], lo: int
) -> list[_Candidate]:
    exact = [c for c in _plain(file, slines, rlines, _same_rstrip) if c.first >= lo]
    return exact or _indented(file, slines, rlines, lo, file.count)


def _join_parts(file: FileLines, parts: list[_Candidate]) -> _Candidate:
    """One candidate spanning all parts; the elided lines between them stay as they are."""
    replacement: list[str] = []
    for i, part in enumerate(parts):
        replacement.extend(part.replacement)
        if i + 1 < len(parts):
            replacement.extend(file.lines[part.stop : parts[i + 1].first])
    return _Candidate(parts[0].first, parts[-1].stop, replacement)


def _settle(file: FileLines, candidates: list[_Candidate], near: int | None) -> _Candidate | None:
    if len(candidates) == 1:
        return candidates[0]
    if near is None:
        return None

    def distance(c: _Candidate) -> int:
        start, end = _span(file, c)
        return 0 if start <= near <= end else min(abs(start - near), abs(end - near))

    ranked = sorted(candidates, key=distance)
    return ranked[0] if distance(ranked[0]) < distance(ranked[1]) else None


def did_you_mean(file: FileLines, slines: list[str]) -> tuple[str, ...]:
    """The region of the file most like ``slines``, with line numbers.

    Each line scores the share of its words that occur in the SEARCH text; the
    window of SEARCH's length with the best total wins if it is similar enough.
    """
    wanted = {word for line in slines for word in _WORD.findall(line)}
    if file.count == 0 or not wanted:
        return ()
    n = min(len(slines), file.count)
    scores = [_word_share(line, wanted) for line in file.lines[: file.count]]
    window = sum(scores[:n])
    best, best_total = 0, window
    for k in range(1, file.count - n + 1):
        window += scores[k + n - 1] - scores[k - 1]
        if window > best_total + 1e-9:
            best, best_total = k, window
    worded = sum(1 for line in slines if _WORD.search(line)) or 1
    if best_total / worded < _HINT_SIMILARITY:
        return ()
    shown = file.lines[best : best + min(n, _HINT_LINES)]
    width = len(str(best + len(shown)))
    return (
        f"did you mean lines {best + 1}-{best + n}:",
        *(f"{best + 1 + i:>{width}} | {line}" for i, line in enumerate(shown)),
    )


def _word_share(line: str, wanted: set[str]) -> float:
    words = _WORD.findall(line)
    return sum(1 for w in words if w in wanted) / len(words) if words else 0.0
