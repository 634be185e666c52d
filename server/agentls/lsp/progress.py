"""Work-done progress for one run, only where the client supports it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from agentls.engine.model import Progress
    from agentls.lsp.server import AgentServer

log = logging.getLogger("agentls")


class RunProgress:
    """begin -> report* -> end; a client cancel calls `on_cancel`."""

    def __init__(self, server: AgentServer, title: str) -> None:
        self._server = server
        self._title = title
        self._token: str | None = None
        self._ended = False

    async def begin(self, on_cancel: Callable[[], object]) -> None:
        if not self._server.state.client.progress:
            return
        token = f"agentls-{uuid.uuid4().hex[:12]}"
        try:
            await self._server.work_done_progress.create_async(token)
        except Exception:  # the client refused a token: run without progress
            log.info("client refused a progress token", exc_info=True)
            return
        self._token = token
        self._server.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title=self._title, cancellable=True, message="Starting", percentage=None
            ),
        )
        cancelled = self._server.work_done_progress.tokens.get(token)
        if cancelled is not None:
            cancelled.add_done_callback(lambda f: on_cancel() if f.cancelled() else None)

    def report(self, progress: Progress) -> None:
        if self._token is None or self._ended:
            return
        self._server.work_done_progress.report(
            self._token, types.WorkDoneProgressReport(message=progress.message)
        )

    def end(self, message: str) -> None:
        if self._token is None or self._ended:
            return
        self._ended = True
        self._server.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))
        # pygls keeps every token's cancel future (and our callback on it) forever.
        self._server.work_done_progress.tokens.pop(self._token, None)
