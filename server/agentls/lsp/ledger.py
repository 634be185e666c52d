"""The provenance service's lifecycle, apart from the features that read it.

`provenance(server)` gives the workspace's `ProvenanceService` (None when turned off
or without a workspace folder): created and its ledger loaded on first use, replaced
(the old one flushed) when its settings or the workspace change, flushed by `stop`
at shutdown. Editor events reach it through `state.document_listeners` and applied
runs through `state.after_apply`, both wired by `register`. hover.py, lens.py and
explain.py only read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls import uris

from agentls.lsp.documents import relative_path
from agentls.lsp.session import ensure_loaded

if TYPE_CHECKING:
    from agentls.edits.model import ChangeSet
    from agentls.engine.model import RunOutcome
    from agentls.lsp.server import AgentServer
    from agentls.lsp.state import TextChange as LspTextChange
    from agentls.provenance.service import ProvenanceService


def provenance(server: AgentServer) -> ProvenanceService | None:
    """The live service, created (and its ledger loaded) on first use or after its
    settings changed; None when provenance is off or there is no workspace folder."""
    from agentls.provenance.service import ProvenanceService

    ensure_loaded(server)
    state = server.state
    current = state.ledger if isinstance(state.ledger, ProvenanceService) else None
    settings = state.loaded.settings.provenance if state.loaded else None
    if settings is None or not settings.enabled or state.root is None:
        if current is not None:
            current.flush()
            state.ledger = None
        return None
    if current is not None and current.settings == settings and current.root == state.root:
        return current
    if current is not None:
        current.flush()
    service = ProvenanceService(
        state.root,
        settings,
        text_of=lambda path: open_text(server, path),
        report=lambda message: server.show(f"agentls: {message}", types.MessageType.Warning),
    )
    service.load()
    state.ledger = service
    for uri, document in list(server.workspace.text_documents.items()):
        path = relative_path(server, uri)
        if path is not None:
            service.opened(path, document.source)
    return service


def stop(server: AgentServer) -> None:
    """Persist the ledger (at shutdown); the service is never created here."""
    flush = getattr(server.state.ledger, "flush", None)
    if flush is not None:
        flush()


def uri_of(server: AgentServer, path: str) -> str:
    assert server.state.root is not None
    return uris.from_fs_path(str(server.state.root / path)) or ""


def open_text(server: AgentServer, path: str) -> str | None:
    if server.state.root is None:
        return None
    document = server.workspace.text_documents.get(uri_of(server, path))
    return document.source if document is not None else None


class _DocumentEvents:
    """Forwards document sync to the service (if provenance is on)."""

    def __init__(self, server: AgentServer) -> None:
        self.server = server

    def opened(self, path: str, text: str) -> None:
        if service := provenance(self.server):
            service.opened(path, text)

    def changed(self, path: str, changes: list[LspTextChange], new_text: str) -> None:
        if service := provenance(self.server):
            service.changed(path, changes, new_text)

    def closed(self, path: str) -> None:
        if service := provenance(self.server):
            service.closed(path)


def _after_apply(server: AgentServer, outcome: RunOutcome, changes: ChangeSet) -> None:
    from agentls.provenance.record import run_record

    if service := provenance(server):
        service.applied(run_record(outcome), changes)


def register(server: AgentServer) -> None:
    server.state.document_listeners.append(_DocumentEvents(server))
    server.state.after_apply.append(lambda outcome, changes: _after_apply(server, outcome, changes))
