"""Everything one server session holds, in one place, passed explicitly to features."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from agentls.document import TextChange as TextChange  # re-exported
from agentls.lsp.positions import Encoding

if TYPE_CHECKING:  # heavy imports stay off the start-up path
    from agentls.agents.registry import AgentRegistry
    from agentls.context.index import WorkspaceIndex
    from agentls.edits.model import ChangeSet
    from agentls.engine.model import RunOutcome
    from agentls.engine.transcript import Transcript
    from agentls.llm.base import Provider
    from agentls.lsp.runs import RunRegistry
    from agentls.provenance.conversations import Conversation
    from agentls.settings_loader import LoadedSettings


class DocumentListener(Protocol):
    def opened(self, path: str, text: str) -> None: ...
    def changed(self, path: str, changes: list[TextChange], new_text: str) -> None: ...
    def closed(self, path: str) -> None: ...


AfterApply = Callable[["RunOutcome", "ChangeSet"], None]


@dataclass(frozen=True, slots=True)
class ClientFeatures:
    """What the client announced, reduced to the questions agentls asks."""

    name: str = ""
    reply_at_once: bool = False  # answer executeCommand before the run ends
    progress: bool = False
    create_files: bool = False
    delete_files: bool = False
    disabled_actions: bool = False  # codeAction `disabled` with a reason
    input_box: bool = False  # the client's glue asks for refine/reply text itself
    show_document: bool = False
    document_changes: bool = False
    change_annotations: bool = False
    resolve_edit: bool = False
    markdown_hover: bool = True
    encoding: Encoding = "utf-16"


@dataclass
class ServerState:
    root: Path | None = None
    client: ClientFeatures = field(default_factory=ClientFeatures)
    editor_settings: dict[str, object] = field(default_factory=dict)
    loaded: LoadedSettings | None = None
    registry: AgentRegistry | None = None
    index: WorkspaceIndex | None = None
    runs: RunRegistry | None = None
    providers: dict[tuple[str, str, str], Provider] = field(default_factory=dict)
    after_apply: list[AfterApply] = field(default_factory=list)
    document_listeners: list[DocumentListener] = field(default_factory=list)
    # Problems already shown to the user, so a config reload does not repeat them.
    shown_problems: set[str] = field(default_factory=set)
    ledger: object | None = None  # provenance.service.ProvenanceService once enabled
    last_transcript: Transcript | None = None  # of this session's last run that asked a model
    # (workspace root, uri) -> workspace-relative path (None: outside): lsp/documents.py.
    known_paths: dict[tuple[str, str], str | None] = field(default_factory=dict)
    # run id -> conversation: what Refine and replies continue (lsp/followups.py).
    conversations: dict[str, Conversation] = field(default_factory=dict)
