"""Code-point offsets <-> LSP positions in UTF-16, UTF-8 and UTF-32."""

from __future__ import annotations

import pytest

from agentls.lsp.positions import LineIndex, LineIndexCache

TEXT = "ab\r\n𝄞x\né\n"


@pytest.mark.parametrize(
    ("offset", "encoding", "position"),
    [
        (0, "utf-16", (0, 0)),
        (2, "utf-16", (0, 2)),
        (4, "utf-16", (1, 0)),
        (5, "utf-16", (1, 2)),  # 𝄞 is two UTF-16 units
        (5, "utf-8", (1, 4)),
        (5, "utf-32", (1, 1)),
        (8, "utf-16", (2, 1)),
        (8, "utf-8", (2, 2)),
        (len(TEXT), "utf-16", (3, 0)),
    ],
)
def test_round_trip(offset: int, encoding: str, position: tuple[int, int]) -> None:
    index = LineIndex(TEXT)
    assert index.position(offset, encoding) == position  # type: ignore[arg-type]
    assert index.offset(*position, encoding) == offset  # type: ignore[arg-type]


def test_positions_past_the_line_end_clamp_before_crlf() -> None:
    assert LineIndex(TEXT).offset(0, 99) == 2


def test_positions_past_the_end_clamp() -> None:
    assert LineIndex(TEXT).offset(99, 0) == len(TEXT)


def test_inside_a_surrogate_pair_rounds_forward() -> None:
    assert LineIndex(TEXT).offset(1, 1) == 5


@pytest.mark.parametrize(
    ("start", "end", "new_text"),
    [
        (0, 0, "x\n"),
        (3, 5, ""),
        (4, 4, "a\nb\nc"),
        (0, len(TEXT), "one\ntwo"),
        (len(TEXT), len(TEXT), "\n\n"),
        (2, 9, "\r\n"),
    ],
)
def test_replaced_matches_a_fresh_index(start: int, end: int, new_text: str) -> None:
    updated = LineIndex(TEXT).replaced(start, end, new_text)
    fresh = LineIndex(TEXT[:start] + new_text + TEXT[end:])
    assert updated.text == fresh.text
    assert [updated.line_start(i) for i in range(fresh.line_count)] == [
        fresh.line_start(i) for i in range(fresh.line_count)
    ]
    assert updated.line_count == fresh.line_count


def test_cache_returns_the_same_index_for_the_same_text() -> None:
    cache = LineIndexCache(size=2)
    text = "a\nb\n" * 3
    first = cache.get(text)
    assert cache.get(text) is first
    cache.get("other")
    cache.get("third")
    assert cache.get(text) is not first  # evicted, rebuilt
