"""The language server: capabilities, session state and feature wiring."""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification

from agentls import __version__
from agentls.lsp.client_log import ClientLogHandler, UnlessForwarded
from agentls.lsp.positions import LineIndexCache
from agentls.lsp.state import ServerState

log = logging.getLogger("agentls")

# Each module exposes `register(server: AgentServer) -> None`.
FEATURE_MODULES = (
    "agentls.lsp.session",
    "agentls.lsp.documents",
    "agentls.lsp.actions",
    "agentls.lsp.runs",
    "agentls.lsp.ledger",
    "agentls.lsp.hover",
    "agentls.lsp.lens",
    "agentls.lsp.explain",
    "agentls.lsp.transcripts",
    "agentls.lsp.review",
    "agentls.lsp.followups",
    "agentls.lsp.plans",
)


class AgentProtocol(LanguageServerProtocol):
    """Answers requests whose params cannot be read with InvalidParams.

    pygls only logs such a message, and the client would wait for an answer forever.

    It also drops the handler futures pygls forgets: every notification (each
    keystroke's didChange) and every handler a builtin passes a request on to
    (executeCommand: the run's task, with its result) is kept in `_request_futures`
    under a fresh uuid that nothing removes, ~1-3 KB each, for the whole session.
    """

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        # Done futures only; a pending one may still be cancelled through its id. Not
        # reached while pygls' shutdown walks the dict (cancelling runs no handler).
        futures = self._request_futures
        for done in [key for key, future in futures.items() if future.done()]:
            del futures[done]
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except (JsonRpcInvalidParams, JsonRpcInternalError):
            if not ("id" in data and "method" in data):
                raise
            error = JsonRpcInvalidParams(f"Invalid params for {data['method']}")
            self._send_response(data["id"], error=error.to_response_error())
            return JsonRPCNotification(jsonrpc="2.0", method="$/agentls/ignored", params=None)


class AgentServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "agentls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=AgentProtocol,
        )
        self.state = ServerState()
        # Fire-and-forget tasks, kept referenced until they finish.
        self.background: set[asyncio.Future[Any]] = set()
        self.line_indexes = LineIndexCache()
        # Set by serve(): forwards log records as window/logMessage once initialized.
        self.client_log: ClientLogHandler | None = None
        # Set by serve(): garbage collection is off for start-up; session.py resumes it.
        self.gc_paused = False

    def show(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """A message the user sees (and the log keeps). No API key ever reaches one."""
        for secret in self._secret_values():
            message = message.replace(secret, "[REDACTED]")
        log.log(logging.ERROR if kind == types.MessageType.Error else logging.WARNING, message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def _secret_values(self) -> tuple[str, ...]:
        from agentls.context.secrets import secret_values_from_env

        loaded = self.state.loaded
        return secret_values_from_env(os.environ, loaded.settings.api_key_env if loaded else None)


class KeyScrubbingFormatter(logging.Formatter):
    """Last line of defence: no API key reaches a log line or a traceback."""

    def __init__(self, fmt: str, secrets: tuple[str, ...]) -> None:
        super().__init__(fmt)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text


def _key_values(env: os._Environ[str]) -> tuple[str, ...]:
    names = {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", env.get("AGENTLS_API_KEY_ENV", "")}
    return tuple(value for name in names if name and len(value := env.get(name, "")) >= 6)


def create_server() -> AgentServer:
    # pygls logs whole messages at INFO; they may hold file text. Keep them out of the log.
    logging.getLogger("pygls").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    server = AgentServer()
    for name in FEATURE_MODULES:
        importlib.import_module(name).register(server)
    return server


def serve(
    *,
    tcp: bool = False,
    host: str = "127.0.0.1",
    port: int = 2087,
    log_file: str | None = None,
    gc_paused: bool = False,
) -> int:
    """Serve until the client says exit. Logs go to the client as window/logMessage once
    it is initialized, to stderr before that (stdout carries LSP), and to `log_file` or
    $AGENTLS_LOG_FILE when given. ``gc_paused``: the caller turned garbage collection off
    for start-up; it is turned on again once the initialize reply is out."""
    secrets = _key_values(os.environ)
    server = create_server()
    server.gc_paused = gc_paused
    client_log = ClientLogHandler(server.window_log_message)
    client_log.setFormatter(KeyScrubbingFormatter("%(name)s: %(message)s", secrets=secrets))
    server.client_log = client_log
    stderr = logging.StreamHandler()
    stderr.addFilter(UnlessForwarded(client_log))
    handlers: list[logging.Handler] = [stderr]
    if log_file := log_file or os.environ.get("AGENTLS_LOG_FILE"):
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    formatter = KeyScrubbingFormatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s", secrets=secrets
    )
    for handler in handlers:
        handler.setFormatter(formatter)
    logging.basicConfig(level=logging.INFO, handlers=[*handlers, client_log])
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
    return 0
