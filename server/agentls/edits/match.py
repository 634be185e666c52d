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
from collections.abc import Callable
from dataclasses import dataclass

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


class _Lines:
    """A text split into lines without their ends, each line's start offset, and an
    index of lines by their stripped text (so each rung only checks likely places)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)
        # Real lines: a final newline does not start another line.
        self.count = len(self.lines) - (1 if self.lines[-1] == "" else 0)
        self._by_stripped: dict[str, list[int]] | None = None

    @classmethod
    def of(cls, text: str) -> _Lines:
        return cls(text)

    def span(self, first: int, stop: int) -> tuple[int, int]:
        """Offsets of lines [first, stop), including the newline of the last one."""
        return self.starts[first], min(self.starts[stop], len(self.text))

    def windows(self, slines: list[str], lo: int = 0, hi: int | None = None) -> list[int]:
        """Starts k of the windows [k, k+len(slines)) within [lo, hi) whose line facing
        the first non-blank SEARCH line is equal to it once stripped."""
        n = len(slines)
        hi = self.count if hi is None else hi
        anchor = next((j for j, line in enumerate(slines) if line.strip()), None)
        if anchor is None:
            return list(range(lo, hi - n + 1))
        if self._by_stripped is None:
            self._by_stripped = {}
            for i in range(self.count):
                self._by_stripped.setdefault(self.lines[i].strip(), []).append(i)
        at = self._by_stripped.get(slines[anchor].strip(), [])
        return [i - anchor for i in at if lo <= i - anchor <= hi - n]


@dataclass(frozen=True, slots=True)
class _Candidate:
    first: int  # line index where the match starts
    stop: int  # line index after the match
    replacement: list[str]


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
) -> Located | Problem:
    """Find the one place ``search`` stands for in ``text`` (LF text, non-empty search)."""
    file = _Lines.of(text)
    slines, rlines = _split_search(search), _split_search(replace)
    if not slines:
        return Problem(f"the {what} is empty", path=path)
    found = _climb(file, slines, rlines, near)
    return (
        found if isinstance(found, Located) else _refusal(file, slines, rlines, found, path, what)
    )


def _refusal(
    file: _Lines,
    slines: list[str],
    rlines: list[str],
    candidates: list[_Candidate],
    path: str | None,
    what: str,
) -> Problem:
    if candidates:
        lines = ", ".join(str(c.first + 1) for c in candidates[:6])
        return Problem(
            f"the {what} matches {len(candidates)} places (lines {lines}); "
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
    text: str, before: str, after: str, *, near: int | None = None, path: str | None = None
) -> Located | Problem:
    """Like `locate`, but when a diff hunk's context lines are wrong, retry with fewer.

    Unchanged lines are trimmed from both ends, one at a time, while changed or
    removed lines remain to anchor the hunk; an ambiguous trim stops the retries.
    """
    file = _Lines.of(text)
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
    file: _Lines, slines: list[str], rlines: list[str], near: int | None
) -> Located | list[_Candidate]:
    """The ladder: the settled match, or the ambiguous candidates, or [] for none."""
    rungs: list[tuple[str, Callable[[], list[_Candidate]]]] = [
        ("exact", lambda: _plain(file, slines, rlines, lambda a, b: a == b)),
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


def _located(file: _Lines, chosen: _Candidate, rung: str) -> Located:
    start, end = file.span(chosen.first, chosen.stop)
    replacement = "".join(line + "\n" for line in chosen.replacement)
    if end == len(file.text) and not file.text.endswith("\n") and replacement:
        replacement = replacement[:-1]  # the file's last line has no newline: keep it so
    return Located(start, end, replacement, rung)


def _same_rstrip(a: str, b: str) -> bool:
    return a.rstrip() == b.rstrip()


def _plain(
    file: _Lines, slines: list[str], rlines: list[str], same: Callable[[str, str], bool]
) -> list[_Candidate]:
    n = len(slines)
    found = []
    for k in file.windows(slines):
        if all(same(file.lines[k + j], slines[j]) for j in range(n)):
            found.append(_Candidate(k, k + n, rlines))
    return found


def _indented(
    file: _Lines, slines: list[str], rlines: list[str], lo: int, hi: int
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


def _loose(file: _Lines, slines: list[str], rlines: list[str]) -> list[_Candidate]:
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


def _elided(file: _Lines, slines: list[str], rlines: list[str]) -> list[_Candidate]:
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


def _piece_matches(file: _Lines, slines: list[str], rlines: list[str], lo: int) -> list[_Candidate]:
    exact = [c for c in _plain(file, slines, rlines, _same_rstrip) if c.first >= lo]
    return exact or _indented(file, slines, rlines, lo, file.count)


def _join_parts(file: _Lines, parts: list[_Candidate]) -> _Candidate:
    """One candidate spanning all parts; the elided lines between them stay as they are."""
    replacement: list[str] = []
    for i, part in enumerate(parts):
        replacement.extend(part.replacement)
        if i + 1 < len(parts):
            replacement.extend(file.lines[part.stop : parts[i + 1].first])
    return _Candidate(parts[0].first, parts[-1].stop, replacement)


def _settle(file: _Lines, candidates: list[_Candidate], near: int | None) -> _Candidate | None:
    if len(candidates) == 1:
        return candidates[0]
    if near is None:
        return None

    def distance(c: _Candidate) -> int:
        start, end = file.span(c.first, c.stop)
        return 0 if start <= near <= end else min(abs(start - near), abs(end - near))

    ranked = sorted(candidates, key=distance)
    return ranked[0] if distance(ranked[0]) < distance(ranked[1]) else None


def did_you_mean(file: _Lines, slines: list[str]) -> tuple[str, ...]:
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
