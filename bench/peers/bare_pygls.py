"""The floor for this stack: a pygls 2 server with incremental sync, code actions and
hover that do nothing. agentls' start-up, memory and latency are compared with it."""

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer(
    "bare-pygls", "1.0", text_document_sync_kind=types.TextDocumentSyncKind.Incremental
)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
    return []


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(params: types.HoverParams) -> types.Hover | None:
    return None


if __name__ == "__main__":
    server.start_io()
