"""A document as a run sees it, and a change to one: plain data shared by `context/`,
`engine/`, `provenance/` and `lsp/`.

It lives outside both packages so that `context/` (which ranks files around the
document) need not import `engine/` (which imports `context/`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["selection", "workspace"]


@dataclass(frozen=True, slots=True)
class DocumentSnapshot:
    path: str  # workspace-relative POSIX path
    text: str
    version: int | None  # None: not open in the editor (read from disk)
    language_id: str | None = None


@dataclass(frozen=True, slots=True)
class TextChange:
    """Replace ``old[start:end]`` with ``new_text``; code points of the pre-change text
    (LSP sends a notification's changes in order, each against the text before it)."""

    start: int
    end: int
    new_text: str
