"""Plain data of the provenance ledger. No LSP types.

Offsets are code points into a file's text (Python string indices); paths are
workspace-relative POSIX strings, as in `agentls.edits.model`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from agentls.document import TextChange as TextChange  # re-exported

RecordMode = Literal["implement", "explain"]

# Longest region text kept for re-anchoring; larger regions keep only their hash.
MAX_ANCHOR_CHARS = 50_000
# Longest instruction kept in a record (the rest is elided).
MAX_INSTRUCTION_CHARS = 600


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One applied run (or one Explain run): who produced the code, and why."""

    run_id: str
    agent: str
    provider: str
    model: str
    created_at: str  # UTC, ISO 8601
    instruction: str  # shortened
    scope: str  # "selection" | "workspace"
    explanation: str  # the overall explanation of the run
    input_tokens: int | None = None
    output_tokens: int | None = None
    mode: RecordMode = "implement"
    checks: str = ""  # the check stage's verdicts: "pyflakes clean, node --check clean"
    created: tuple[str, ...] = ()  # files the run created (Undo deletes them)
    # Files where the user's edits retired one of its regions: Undo leaves them alone.
    disturbed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Region:
    """A span of one file that a run generated (or explained).

    ``original`` is what the run replaced there: a hunk that only deleted lines is
    widened to the line after the gap (or before, at the end), so every hunk has
    text to find again. ``text`` is the span's current text as far as the ledger knows it (None when
    longer than MAX_ANCHOR_CHARS); ``content_hash`` is the hash of the text as
    generated. Both serve re-anchoring after edits made while the file was closed.
    """

    region_id: str
    run_id: str
    path: str
    start: int
    end: int
    content_hash: str
    text: str | None
    explanation: str | None = None  # for this part; None: the run's explanation
    edited: bool = False
    explained_by: str | None = None  # run id of a later Explain run, if any
    # The text this span replaced, for Revert and Undo; None once kept (or too long).
    original: str | None = None

    @property
    def length(self) -> int:
        return self.end - self.start

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end
