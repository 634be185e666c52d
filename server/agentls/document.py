"""A document as a run sees it: plain data shared by `context/` and `engine/`.

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
