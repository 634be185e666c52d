"""Plain data in and out of a run. No LSP types."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from agentls.agents.model import AgentSpec
from agentls.checks.model import CheckResult
from agentls.document import DocumentSnapshot as DocumentSnapshot  # re-exported
from agentls.document import Scope as Scope  # re-exported
from agentls.edits.model import ChangeSet, Problem
from agentls.llm.base import ChatMessage

if TYPE_CHECKING:
    from agentls.engine.transcript import Transcript

RunMode = Literal["implement", "explain", "plan"]
Phase = Literal["context", "waiting", "streaming", "applying", "checking", "repairing"]


@dataclass(frozen=True, slots=True)
class RunRequest:
    agent: AgentSpec
    scope: Scope
    workspace_root: Path
    document: DocumentSnapshot | None
    selection: tuple[int, int]  # code-point offsets in document.text; equal when a cursor
    instruction: str = ""  # typed by the user, besides the selection
    open_documents: Mapping[str, DocumentSnapshot] = field(default_factory=dict)
    mode: RunMode = "implement"
    # An earlier run's conversation (Refine, or a reply to its question): the request
    # becomes one more user message after it, and no context is gathered again.
    history: tuple[ChatMessage, ...] = ()


@dataclass(frozen=True, slots=True)
class Progress:
    phase: Phase
    message: str
    tokens: int = 0


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_id: str
    agent: str
    scope: Scope
    changes: ChangeSet
    explanation: str
    provider: str
    model: str
    instruction: str  # what the run answered: the selection/cursor line + typed text
    input_tokens: int | None = None
    output_tokens: int | None = None
    # The check stage: each check's verdict on the delivered change, the problems it
    # introduces that are still there after the last repair round (checks.on_failure
    # decides what happens to them), and how many repair rounds were used.
    checks: tuple[CheckResult, ...] = ()
    check_problems: tuple[Problem, ...] = ()
    repair_rounds: int = 0
    # What was sent to the model and what it answered, redacted and bounded.
    transcript: Transcript | None = None
    # The last request's messages and the answer (redacted, whole): what Refine continues.
    conversation: tuple[ChatMessage, ...] = ()
