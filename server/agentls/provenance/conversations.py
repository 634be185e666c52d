"""Conversations kept for Refine and for replies to a question, on disk.

Location: ``<state>/agentls/conversations/<run_id>.json`` (``<state_dir>/conversations/``
when ``provenance.state_dir`` is set); folder 0700, files 0600, the newest
``KEEP`` kept; none with ``provenance.transcripts: 0`` (what was said stays off disk).
Messages are stored as they were sent: already redacted. Nothing here
raises on a disk problem: ``save`` returns it, ``load`` returns None.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agentls.config import ProvenanceSettings
from agentls.files import write_atomically
from agentls.llm.base import ChatMessage
from agentls.provenance.transcripts import state_folder, transcript_path

if TYPE_CHECKING:
    from agentls.engine.model import RunOutcome, RunRequest

KEEP = 50


@dataclass(frozen=True, slots=True)
class Conversation:
    """What a follow-up needs: the messages, and where in which file the run worked."""

    run_id: str
    agent: str
    scope: str
    path: str  # the run's document, workspace-relative
    anchor: str  # the selected text, or the cursor's line when nothing was selected
    anchor_offset: int
    cursor: bool  # nothing was selected: the run worked at a cursor
    messages: tuple[ChatMessage, ...]
    question: str = ""  # the model asked this instead of changing code
    detached: bool = False  # the run had no current file (a plan's implementation)

    def locate(self, text: str) -> tuple[int, int]:
        """Where the conversation's selection (or cursor line) is in ``text`` now: the
        occurrence nearest where it was; where it was when it is gone."""
        anchor, near = self.anchor, self.anchor_offset
        spots: list[int] = []
        at = text.find(anchor) if anchor else -1
        while at >= 0 and len(spots) < 1000:
            spots.append(at)
            at = text.find(anchor, at + 1)
        start = min(spots, key=lambda s: abs(s - near)) if spots else min(near, len(text))
        end = start + len(anchor) if spots else start
        if self.cursor:
            return start, start
        return start, end


def conversation_of(
    request: RunRequest, outcome: RunOutcome, question: str = "", fallback_path: str = ""
) -> Conversation | None:
    """The conversation of a finished run; None without an answer. A run without a
    current file (``fallback_path``: the file it was started from) is `detached`."""
    doc = request.document
    if not outcome.conversation:
        return None
    if doc is None:
        return Conversation(
            outcome.run_id,
            request.agent.name,
            request.scope,
            fallback_path,
            "",
            0,
            True,
            outcome.conversation,
            question,
            detached=True,
        )
    start, end = request.selection
    cursor = start == end
    if cursor:
        start = doc.text.rfind("\n", 0, start) + 1
        newline = doc.text.find("\n", start)
        end = len(doc.text) if newline < 0 else newline
    return Conversation(
        run_id=outcome.run_id,
        agent=request.agent.name,
        scope=request.scope,
        path=doc.path,
        anchor=doc.text[start:end],
        anchor_offset=start,
        cursor=cursor,
        messages=outcome.conversation,
        question=question,
    )


def conversations_dir(state_dir: str | None, env: Mapping[str, str] | None = None) -> Path:
    return state_folder("conversations", state_dir, env)


def kept_on_disk(settings: ProvenanceSettings, env: Mapping[str, str] | None = None) -> Path | None:
    """Where conversations are kept; None when nothing that was said may stay on disk
    (provenance off, or `provenance.transcripts: 0`)."""
    if not settings.enabled or settings.transcripts == 0:
        return None
    return conversations_dir(settings.state_dir, env)


def _file(folder: Path, run_id: str) -> Path | None:
    found = transcript_path(folder, run_id)  # the same rule for a plain run id
    return found.with_suffix(".json") if found else None


def save(folder: Path, conversation: Conversation, keep: int = KEEP) -> str | None:
    target = _file(folder, conversation.run_id)
    if target is None:
        return f"run id {conversation.run_id!r} is not a plain name"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = asdict(conversation)
        write_atomically(target, json.dumps(data, ensure_ascii=False), overwrite=True, mode=0o600)
    except OSError as error:
        return f"could not keep the conversation of run {conversation.run_id}: {error}"
    _prune(folder, keep)
    return None


def load(folder: Path, run_id: str) -> Conversation | None:
    target = _file(folder, run_id)
    if target is None:
        return None
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        data["messages"] = tuple(ChatMessage(m["role"], m["content"]) for m in data["messages"])
        return Conversation(**data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _prune(folder: Path, keep: int) -> None:
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
