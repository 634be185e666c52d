"""One more user message after an earlier conversation: Refine, or a reply to a question.

The model has its first prompt and answer in the history; this message carries the
new words and the marked file as it is now (the earlier change may have landed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from agentls.edits.diff import apply_edits
from agentls.edits.model import ChangeSet, FileChange, TextEdit
from agentls.engine.lean_prompt import PromptProfile, selection_rules
from agentls.engine.model import RunRequest
from agentls.engine.prompt_parts import file_block, language_of, marked_document
from agentls.llm.base import ChatMessage

Scrub = Callable[[str, str | None], str]

_SAME_FORMAT = (
    "Answer in the same format as your last answer: the code blocks, each labelled with "
    "its file's path as before, then one or two sentences on what you changed."
)


def follow_up(
    request: RunRequest, profile: PromptProfile, redact: Scrub
) -> tuple[ChatMessage, ...]:
    """``request.history`` plus one user message with ``request.instruction``."""
    doc = request.document
    has_selection = request.selection[0] != request.selection[1]
    sections = [f"Follow-up: {request.instruction.strip()}"]
    if doc is not None:
        where = (
            "the code to change is between the selection markers"
            if has_selection
            else "the cursor marker shows where"
        )
        marked = redact(marked_document(doc.text, request.selection), doc.path)
        sections.append(
            f"{doc.path} as it is now ({where}):\n\n"
            + file_block(doc.path, marked, language_of(doc.path))
        )
    if profile == "lean" and request.scope == "selection" and doc is not None:
        sections.append(selection_rules(language_of(doc.path), has_selection))
    else:
        sections.append(_SAME_FORMAT)
    return (*request.history, ChatMessage("user", redact("\n\n".join(sections), None)))


def without_comment(changes: ChangeSet, path: str, text: str, start: int, end: int) -> ChangeSet:
    """``changes`` that also remove ``text[start:end]`` of ``path`` (the consumed
    `agentls:` comment line), unless the change already edits that line itself."""
    removal = TextEdit(start, end, "")
    files = list(changes.files)
    for i, change in enumerate(files):
        if change.path != path or change.kind != "modify":
            continue
        if any((e.start < end and start < e.end) or e.start == start for e in change.edits):
            return changes
        edits = tuple(sorted((*change.edits, removal), key=lambda e: (e.start, e.end)))
        files[i] = FileChange(
            path, "modify", change.old_text, apply_edits(change.old_text, edits), edits
        )
        return dataclasses.replace(changes, files=tuple(files))
    files.append(FileChange(path, "modify", text, text[:start] + text[end:], (removal,)))
    return dataclasses.replace(changes, files=tuple(files))
