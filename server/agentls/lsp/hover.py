"""textDocument/hover over generated code: what the provenance ledger knows of it.

The service itself (created, fed, flushed) is `lsp/ledger.py`'s; this only reads it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from agentls.lsp.documents import relative_path
from agentls.lsp.ledger import provenance
from agentls.lsp.to_lsp import lsp_range

if TYPE_CHECKING:
    from agentls.lsp.server import AgentServer

log = logging.getLogger("agentls")


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
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        return hover_at(server, params.text_document.uri, params.position)
