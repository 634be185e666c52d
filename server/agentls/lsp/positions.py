"""Offsets (code points) <-> LSP positions in the negotiated encoding (UTF-16 by default)."""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]


def _units(text: str, encoding: Encoding) -> int:
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8"))


class LineIndex:
    """Line starts of one text, for fast conversions. Lines end at \\n (a \\r stays in its line)."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[min(max(line, 0), len(self._starts) - 1)]

    def line_end(self, line: int) -> int:
        """Offset of the line's \\n (or the end of the text), without the line break."""
        if line + 1 < len(self._starts):
            end = self._starts[line + 1] - 1
            return end - 1 if end > 0 and self.text[end - 1] == "\r" else end
        return len(self.text)

    def offset(self, line: int, character: int, encoding: Encoding = "utf-16") -> int:
        """Clamps positions past the end of a line or the text, as the LSP spec asks."""
        if line >= len(self._starts):
            return len(self.text)
        if line < 0:
            return 0
        start = self._starts[line]
        end = self.line_end(line)
        segment = self.text[start:end]
        if encoding == "utf-32" or segment.isascii():
            return start + min(max(character, 0), len(segment))
        units = 0
        for i, ch in enumerate(segment):
            if units >= character:
                return start + i
            units += _units(ch, encoding)
        return end

    def replaced(self, start: int, end: int, new_text: str) -> LineIndex:
        """The index of the text after replacing ``[start:end)``, without a full rescan."""
        text = self.text[:start] + new_text + self.text[end:]
        first = bisect_right(self._starts, start)  # line starts up to `start` are kept
        last = bisect_right(self._starts, end)  # starts after `end` move by the delta
        delta = len(new_text) - (end - start)
        inserted = [start + i + 1 for i, ch in enumerate(new_text) if ch == "\n"]
        shifted = [s + delta for s in self._starts[last:]]
        index = LineIndex.__new__(LineIndex)
        index.text = text
        index._starts = self._starts[:first] + inserted + shifted
        return index

    def position(self, offset: int, encoding: Encoding = "utf-16") -> tuple[int, int]:
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        return line, _units(self.text[start:offset], encoding)


def normalise_encoding(name: str | None) -> Encoding:
    if name in ("utf-8", "utf-32"):
        return name  # type: ignore[return-value]
    return "utf-16"


class LineIndexCache:
    """Recently built indexes, found by the identity of their text (documents keep one str
    until they change), so hovers, lenses and actions on a big file do not rescan it."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._items: OrderedDict[int, LineIndex] = OrderedDict()

    def get(self, text: str) -> LineIndex:
        index = self._items.get(id(text))
        if index is None or index.text is not text:
            index = LineIndex(text)
        self.put(index)
        return index

    def put(self, index: LineIndex) -> None:
        self._items[id(index.text)] = index
        self._items.move_to_end(id(index.text))
        while len(self._items) > self._size:
            self._items.popitem(last=False)
