"""Pure edit pipeline: parse a model's answer, locate and build minimal edits.

Public API (everything else is private to the package):

- `parse_answer(text) -> ParsedAnswer`: blocks, explanation, problems; never raises.
- `ParsedAnswer.paths`: the paths named, as written; `ParsedAnswer.with_paths(confined)`.
- `build_changeset(parsed, *, files, scope, target_path, selection) -> ChangeSet`.
- `minimal_edits(old, new) -> tuple[TextEdit, ...]`, `apply_edits(text, edits) -> str`.
- `confine(root, raw) -> str | PathRefusal` (re-exported from `agentls.paths`).
"""

from agentls.edits.blocks import (
    Block,
    DiffHunks,
    Hunk,
    ParsedAnswer,
    SearchReplace,
    WholeFile,
)
from agentls.edits.build import build_changeset
from agentls.edits.diff import apply_edits, minimal_edits
from agentls.edits.model import ChangeSet, FileChange, Problem, TextEdit
from agentls.edits.parse import parse_answer
from agentls.paths import PathRefusal, confine

__all__ = [
    "Block",
    "ChangeSet",
    "DiffHunks",
    "FileChange",
    "Hunk",
    "ParsedAnswer",
    "PathRefusal",
    "Problem",
    "SearchReplace",
    "TextEdit",
    "WholeFile",
    "apply_edits",
    "build_changeset",
    "confine",
    "minimal_edits",
    "parse_answer",
]
