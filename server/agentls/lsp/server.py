"""The language server: capabilities, session state and feature wiring."""

from __future__ import annotations

import importlib
import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from agentls import __version__
from agentls.lsp.state import ServerState

log = logging.getLogger("agentls")

# Each module exposes `register(server: AgentServer) -> None`.
FEATURE_MODULES = (
    "agentls.lsp.session",
    "agentls.lsp.documents",
    "agentls.lsp.actions",
    "agentls.lsp.runs",
    "agentls.lsp.hover",
    "agentls.lsp.lens",
    "agentls.lsp.explain",
)


class AgentServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "agentls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.state = ServerState()

    def show(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """A message the user sees (and the log keeps)."""
        log.log(logging.ERROR if kind == types.MessageType.Error else logging.WARNING, message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))


def create_server() -> AgentServer:
    # pygls logs whole messages at INFO; they may hold file text. Keep them out of the log.
    logging.getLogger("pygls").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    server = AgentServer()
    for name in FEATURE_MODULES:
        importlib.import_module(name).register(server)
    return server


def serve(*, tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    server = create_server()
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
    return 0
