"""Small text helpers shared across the package."""

from __future__ import annotations


def shorten(text: str, limit: int, *, one_line: bool = False) -> str:
    """`text` cut to at most `limit` code points, ending in "…" when cut.

    `one_line` collapses every run of blank space (newlines too) into one space, for
    messages and titles; otherwise only the ends are stripped and lines are kept."""
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
