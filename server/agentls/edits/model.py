"""Plain data for edits. No LSP types here: `lsp/to_lsp.py` converts at the boundary.

Offsets are Python string indices (code points) into a file's text. Paths are
workspace-relative POSIX strings (``app/models.py``), already confined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``text[start:end]`` with ``new_text`` (code-point offsets)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the model's answer that could not be applied as asked."""

    message: str
    path: str | None = None
    # "Did you mean" lines: nearest text found, for the user and for a repair round.
    hints: tuple[str, ...] = ()
    severity: Literal["error", "warning"] = "error"

    def render(self) -> str:
        where = f"{self.path}: " if self.path else ""
        lines = [where + self.message, *("  " + h for h in self.hints)]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class FileChange:
    """The new content of one file, plus the minimal edits that produce it."""

    path: str
    kind: Literal["modify", "create"]
    old_text: str  # "" for create
    new_text: str
    edits: tuple[TextEdit, ...]


@dataclass(frozen=True, slots=True)
class ChangeSet:
    files: tuple[FileChange, ...] = ()
    explanation: str = ""
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not any(f.edits or f.kind == "create" for f in self.files)
