"""textDocument/hover over generated code, and the wiring that feeds the provenance ledger.

`provenance(server)` gives the workspace's `ProvenanceService` (None when turned off
or without a workspace folder); lens.py and explain.py use it too. Editor events
reach it through `state.document_listeners` and `state.after_apply`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls import uris

from agentls.lsp.documents import relative_path
from agentls.lsp.session import ensure_loaded
from agentls.lsp.to_lsp import lsp_range

if TYPE_CHECKING:
    from agentls.edits.model import ChangeSet
    from agentls.engine.model import RunOutcome
    from agentls.lsp.server import AgentServer
    from agentls.lsp.state import TextChange as LspTextChange
    from agentls.provenance.service import ProvenanceService

log = logging.getLogger("agentls")


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


def uri_of(server: AgentServer, path: str) -> str:
    assert server.state.root is not None
    return uris.from_fs_path(str(server.state.root / path)) or ""


def open_text(server: AgentServer, path: str) -> str | None:
    if server.state.root is None:
        return None
    document = server.workspace.text_documents.get(uri_of(server, path))
    return document.source if document is not None else None


def now_iso() -> str:
    from datetime import UTC, datetime  # off the start-up path: it costs ~20 ms to import

    return datetime.now(UTC).isoformat(timespec="seconds")


class _DocumentEvents:
    """Forwards document sync to the service (if provenance is on)."""

    def __init__(self, server: AgentServer) -> None:
        self.server = server

    def opened(self, path: str, text: str) -> None:
        if service := provenance(self.server):
            service.opened(path, text)

    def changed(self, path: str, changes: list[LspTextChange], new_text: str) -> None:
        from agentls.provenance.model import TextChange

        if service := provenance(self.server):
            plain = [TextChange(c.start, c.end, c.new_text) for c in changes]
            service.changed(path, plain, new_text)

    def closed(self, path: str) -> None:
        if service := provenance(self.server):
            service.closed(path)


def _after_apply(server: AgentServer, outcome: RunOutcome, changes: ChangeSet) -> None:
    from agentls.provenance.model import RunRecord, shorten

    service = provenance(server)
    if service is None:
        return
    record = RunRecord(
        run_id=outcome.run_id,
        agent=outcome.agent,
        provider=outcome.provider,
        model=outcome.model,
        created_at=now_iso(),
        instruction=shorten(outcome.instruction),
        scope=outcome.scope,
        explanation=outcome.explanation,
        input_tokens=outcome.input_tokens,
        output_tokens=outcome.output_tokens,
        checks=", ".join(r.summary for r in outcome.checks),
    )
    service.applied(record, changes)


def hover_at(server: AgentServer, uri: str, position: types.Position) -> types.Hover | None:
    from agentls.provenance.render import hover_text

    service = provenance(server)
    path = relative_path(server, uri) if service else None
    if service is None or path is None or not service.ledger.regions_in(path):
        return None
    document = server.workspace.text_documents.get(uri)
    if document is None:
        return None
    encoding = server.state.client.encoding
    index = server.line_indexes.get(document.source)
    offset = index.offset(position.line, position.character, encoding)
    found = service.ledger.regions_at(path, offset)
    markdown = server.state.client.markdown_hover
    text = hover_text(found, service.ledger.record, markdown=markdown)
    if text is None:
        return None
    text += _transcript_note(server, found[0][0].run_id, markdown)
    innermost = found[0][0]
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=text),
        range=lsp_range(index, innermost.start, innermost.end, encoding),
    )


def _transcript_note(server: AgentServer, run_id: str, markdown: bool) -> str:
    """A link that opens the run's transcript (VS Code runs `command:` links), and the
    file's path for editors that do not."""
    from agentls.lsp.transcripts import command_link, has_transcript

    path = has_transcript(server, run_id)
    if path is None:
        return ""
    if not markdown:
        return f"\n\nTranscript: {path}"
    shown = f"`{path}`" if "`" not in str(path) else str(path)
    tip = "What agentls sent to the model and what it answered"
    return f'\n\n[Show the transcript]({command_link(run_id)} "{tip}") · {shown}'


def register(server: AgentServer) -> None:
    server.state.document_listeners.append(_DocumentEvents(server))
    server.state.after_apply.append(lambda outcome, changes: _after_apply(server, outcome, changes))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        return hover_at(server, params.text_document.uri, params.position)
