"""Server logs reach the editor as window/logMessage with their levels, not on stderr."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from tests.support.lsp_harness import lsp_session


async def test_a_warning_arrives_as_a_log_message_of_type_warning(
    workspace: Path, env: dict[str, str]
) -> None:
    # An invalid setting is logged at warning level (and shown once).
    options = {"agentls": {"temperature": "very hot", "log_level": "debug"}}
    async with lsp_session(workspace, env, init_options=options) as session:
        client = session.client

        def logged(kind: types.MessageType, needle: str) -> list[str]:
            return [
                m.message for m in client.log_messages if m.type == kind and needle in m.message
            ]

        for _ in range(100):
            if logged(types.MessageType.Warning, "temperature"):
                break
            await asyncio.sleep(0.05)
        (warning,) = logged(types.MessageType.Warning, "temperature")
        assert warning.startswith("agentls: agentls settings:")
        # Not the same text at another level, and the key never reaches the log.
        assert not logged(types.MessageType.Error, "temperature")
        assert all("sk-test-key" not in m.message for m in client.log_messages)
