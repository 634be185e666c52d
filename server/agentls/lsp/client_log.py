"""Server logs as `window/logMessage`, so editors show them with their levels.

Before the client is initialized (and after the connection is gone) records go to stderr
as before; from `initialized` on, stderr stays quiet and each record becomes one
logMessage of the matching type. A `--log-file` keeps everything either way.

Records may come from worker threads (context gathering): they are marshalled to the
event loop with `call_soon_threadsafe`. A failure to send is never logged through this
handler: a record emitted while sending goes to stderr instead.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from lsprotocol import types


def message_type(level: int) -> types.MessageType:
    if level >= logging.ERROR:
        return types.MessageType.Error
    if level >= logging.WARNING:
        return types.MessageType.Warning
    if level >= logging.INFO:
        return types.MessageType.Info
    # Debug (5) is new in LSP 3.18: VS Code logs it as debug, older clients at a level of
    # their own (Neovim: debug). Debug records are only sent at log_level debug.
    return types.MessageType.Debug


Send = Callable[[types.LogMessageParams], None]


class ClientLogHandler(logging.Handler):
    """Forwards records to the client once `start(loop)` was called."""

    def __init__(self, send: Send) -> None:
        super().__init__()
        self._send = send
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sending = threading.local()
        self._broken = False

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """The client is initialized: forward from now on."""
        self._loop = loop

    def stop(self) -> None:
        self._loop = None

    def forwarding(self) -> bool:
        """True when a record emitted now reaches the client (so stderr may stay quiet)."""
        loop = self._loop
        return (
            loop is not None
            and not self._broken
            and not loop.is_closed()
            and not getattr(self._sending, "active", False)
        )

    def emit(self, record: logging.LogRecord) -> None:
        if not self.forwarding():
            return
        loop = self._loop
        assert loop is not None
        try:
            params = types.LogMessageParams(
                type=message_type(record.levelno), message=self.format(record)
            )
            if _on_loop_thread(loop):
                self._deliver(params)
            else:
                loop.call_soon_threadsafe(self._deliver, params)
        except Exception:  # the loop closed meanwhile, or formatting failed: drop it
            self._broken = loop.is_closed()

    def _deliver(self, params: types.LogMessageParams) -> None:
        self._sending.active = True
        try:
            self._send(params)
        except Exception:  # the client went away: never log about it through ourselves
            self._broken = True
        finally:
            self._sending.active = False


def _on_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


class UnlessForwarded(logging.Filter):
    """For the stderr handler: keep a record only when the client does not get it."""

    def __init__(self, client_log: ClientLogHandler) -> None:
        super().__init__()
        self._client_log = client_log

    def filter(self, record: logging.LogRecord) -> bool:
        return not self._client_log.forwarding()
