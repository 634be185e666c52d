"""Pure edit pipeline: parse a model's answer, locate and build minimal edits.

Public API (everything else is private to the package):

- `parse_answer(text) -> ParsedAnswer`: blocks, explanation, problems; never raises.
- `minimal_edits(old, new) -> tuple[TextEdit, ...]`, `apply_edits(text, edits) -> str`.
"""

from agentls.edits.blocks import (
    Block,
    DiffHunks,
    Hunk,
    ParsedAnswer,
    SearchReplace,
    WholeFile,
)
from agentls.edits.diff import apply_edits, minimal_edits
from agentls.edits.model import ChangeSet, FileChange, Problem, TextEdit
from agentls.edits.parse import parse_answer

__all__ = [
    "Block",
    "ChangeSet",
    "DiffHunks",
    "FileChange",
    "Hunk",
    "ParsedAnswer",
    "Problem",
    "SearchReplace",
    "TextEdit",
    "WholeFile",
    "apply_edits",
    "minimal_edits",
    "parse_answer",
]
