"""Pieces every prompt shares: the selection markers and how files are shown."""

from __future__ import annotations

SELECTION_START = "<<<agentls:selection>>>"
SELECTION_END = "<<<agentls:end-selection>>>"
CURSOR = "<<<agentls:cursor>>>"


def fence_for(text: str) -> str:
    longest = 2
    run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * (longest + 1)


def file_block(path: str, text: str, language: str = "") -> str:
    fence = fence_for(text)
    return f"File: {path}\n{fence}{language}\n{text}\n{fence}"


def marked_document(text: str, selection: tuple[int, int]) -> str:
    start, end = selection
    if start == end:
        return text[:start] + CURSOR + text[start:]
    return text[:start] + SELECTION_START + text[start:end] + SELECTION_END + text[end:]


def language_of(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return {
        "py": "python",
        "js": "javascript",
        "mjs": "javascript",
        "cjs": "javascript",
        "ts": "typescript",
        "tsx": "tsx",
        "go": "go",
        "rs": "rust",
        "java": "java",
        "rb": "ruby",
    }.get(suffix, suffix)
