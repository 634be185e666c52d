"""What a model's answer says, before it is matched against any file.

A block names a path exactly as the model wrote it (``None`` when it named
none); `build.py` confines and resolves it. Texts are LF-normalised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from agentls.edits.model import Problem


@dataclass(frozen=True, slots=True)
class WholeFile:
    """The whole new content of a file; with no path, the text for the selection."""

    path: str | None
    content: str
    language: str = ""  # the fence's language word, lower case ("python", "bash")
    # The prose line just before the block ("This replaces the TODO:"); not part of its value.
    lead: str = field(default="", compare=False)
    # The model echoed the selection markers around it: it is the selection's text only.
    marked: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class SearchReplace:
    """Replace the lines ``search`` with ``replace`` (both end with a newline or are empty)."""

    path: str | None
    search: str
    replace: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One diff hunk: context+removed lines (``before``) and context+added (``after``)."""

    before: str
    after: str
    old_start: int | None = None  # 1-based line number from the header; may be wrong


@dataclass(frozen=True, slots=True)
class DiffHunks:
    """A unified diff for one file. ``creates`` when the source is /dev/null."""

    path: str | None
    hunks: tuple[Hunk, ...]
    creates: bool = False


Block = WholeFile | SearchReplace | DiffHunks


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    blocks: tuple[Block, ...] = ()
    explanation: str = ""
    problems: tuple[Problem, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        """Paths the answer names, in order of first mention, as written."""
        seen: dict[str, None] = {}
        for block in self.blocks:
            if block.path is not None:
                seen.setdefault(block.path, None)
        return tuple(seen)

    def with_paths(self, allowed: Mapping[str, str]) -> ParsedAnswer:
        """Rename paths as written to confined paths; drop blocks whose path is not allowed.

        The caller reports the refused paths (see `agentls.paths.confine`).
        """
        kept: list[Block] = []
        for block in self.blocks:
            if block.path is None:
                kept.append(block)
            elif block.path in allowed:
                kept.append(replace(block, path=allowed[block.path]))
        return ParsedAnswer(tuple(kept), self.explanation, self.problems)
