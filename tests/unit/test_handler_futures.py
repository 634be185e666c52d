"""pygls keeps a future for every notification and for every command handler under a
fresh uuid and never drops it; the server's protocol drops the done ones, so a long
session of typing and runs does not grow."""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types

from agentls.lsp.server import create_server


class _Sink:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


async def test_notifications_and_commands_leave_no_futures_behind() -> None:
    server = create_server()
    protocol = server.protocol
    protocol.set_writer(_Sink())
    finished: list[int] = []

    @server.command("test.slow")
    async def slow(*_: Any) -> int:
        await asyncio.sleep(0)
        finished.append(1)
        return 1

    protocol._handle_request(
        "init",
        types.INITIALIZE,
        types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=None),
    )
    await asyncio.sleep(0.01)
    uri = "file:///tmp/agentls-futures/a.py"
    protocol._handle_notification(
        types.TEXT_DOCUMENT_DID_OPEN,
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text="x = 1\n")
        ),
    )
    for version in range(2, 202):
        protocol._handle_notification(
            types.TEXT_DOCUMENT_DID_CHANGE,
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=f"x = {version}\n")],
            ),
        )
    for msg_id in range(50):
        protocol._handle_request(
            msg_id,
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command="test.slow", arguments=[]),
        )
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.01)

    assert len(finished) == 50
    assert server.workspace.get_text_document(uri).source == "x = 201\n"
    # Only the futures of the last message or two can still be there.
    assert len(protocol._request_futures) <= 2, list(protocol._request_futures.values())[:3]
