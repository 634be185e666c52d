"""Drive the real `agentls serve` over stdio with pytest-lsp, as an editor would.

`EditorWorkspace` plays the editor's part: it keeps open buffers with versions,
applies `workspace/applyEdit` the way VS Code does (refusing stale versions,
honouring CreateFile), and sends `didChange` afterwards.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from lsprotocol import types
from pygls import uris
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

KEY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST")


def server_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no real keys, and user config/state/cache under `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTLS_")}
    for name in KEY_VARIABLES:
        env.pop(name, None)
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def offset_to_position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    column = len(text[start:offset].encode("utf-16-le")) // 2
    return types.Position(line, column)


def position_to_offset(text: str, position: types.Position) -> int:
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return offset + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return offset + len(line)


def range_of(text: str, needle: str) -> types.Range:
    start = text.index(needle)
    return types.Range(
        offset_to_position(text, start), offset_to_position(text, start + len(needle))
    )


@dataclass
class Buffer:
    text: str
    version: int


@dataclass
class EditorWorkspace:
    root: Path
    client: LanguageClient
    buffers: dict[str, Buffer] = field(default_factory=dict)
    applied: list[types.WorkspaceEdit] = field(default_factory=list)
    reject_edits: bool = False

    def uri(self, rel: str) -> str:
        return uris.from_fs_path(str(self.root / rel)) or ""

    def text(self, rel: str) -> str:
        uri = self.uri(rel)
        if uri in self.buffers:
            return self.buffers[uri].text
        return (self.root / rel).read_text(encoding="utf-8")

    def open(self, rel: str, language_id: str = "python") -> str:
        uri = self.uri(rel)
        text = (self.root / rel).read_text(encoding="utf-8")
        self.buffers[uri] = Buffer(text, 1)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
            )
        )
        return uri

    def type_text(self, rel: str, offset: int, new_text: str, end: int | None = None) -> None:
        """An incremental edit, as typing sends it."""
        uri = self.uri(rel)
        buffer = self.buffers[uri]
        end = offset if end is None else end
        rng = types.Range(
            offset_to_position(buffer.text, offset), offset_to_position(buffer.text, end)
        )
        buffer.text = buffer.text[:offset] + new_text + buffer.text[end:]
        buffer.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=buffer.version
                ),
                content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new_text)],
            )
        )

    def close(self, rel: str) -> None:
        uri = self.uri(rel)
        self.buffers.pop(uri, None)
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
        )

    # The editor's side of workspace/applyEdit.
    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        self.applied.append(params.edit)
        if self.reject_edits:
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason="user declined")
        edit = params.edit
        operations: list[Any] = list(edit.document_changes or [])
        for uri, edits in (edit.changes or {}).items():
            operations.append(
                types.TextDocumentEdit(
                    types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                    list(edits),
                )
            )
        for op in operations:  # check everything before changing anything
            if isinstance(op, types.TextDocumentEdit):
                buffer = self.buffers.get(op.text_document.uri)
                version = op.text_document.version
                if buffer is not None and version is not None and version != buffer.version:
                    return types.ApplyWorkspaceEditResult(
                        applied=False, failure_reason=f"stale version {version} != {buffer.version}"
                    )
        for op in operations:
            if isinstance(op, types.CreateFile):
                path = Path(uris.to_fs_path(op.uri) or "")
                if path.exists():
                    return types.ApplyWorkspaceEditResult(applied=False, failure_reason="exists")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("", encoding="utf-8")
            elif isinstance(op, types.TextDocumentEdit):
                self._apply_text_edits(op.text_document.uri, list(op.edits))
            elif isinstance(op, types.DeleteFile):
                self._delete(op)
        return types.ApplyWorkspaceEditResult(applied=True)

    def _delete(self, op: types.DeleteFile) -> None:
        """As VS Code does: the file goes, and so does its buffer (didClose)."""
        path = Path(uris.to_fs_path(op.uri) or "")
        ignore = bool(op.options and op.options.ignore_if_not_exists)
        path.unlink(missing_ok=ignore)
        if self.buffers.pop(op.uri, None) is not None:
            self.client.text_document_did_close(
                types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=op.uri))
            )

    def _apply_text_edits(self, uri: str, edits: list[Any]) -> None:
        buffer = self.buffers.get(uri)
        path = Path(uris.to_fs_path(uri) or "")
        text = buffer.text if buffer else path.read_bytes().decode("utf-8")
        spans = sorted(
            (
                (
                    position_to_offset(text, e.range.start),
                    position_to_offset(text, e.range.end),
                    e.new_text,
                )
                for e in edits
            ),
            reverse=True,
        )
        for start, end, new in spans:
            text = text[:start] + new + text[end:]
        if buffer is None:
            path.write_bytes(text.encode("utf-8"))
            return
        buffer.text = text
        buffer.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=buffer.version
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )


@dataclass
class Session:
    client: LanguageClient
    editor: EditorWorkspace
    init: types.InitializeResult
    _raw_ids: int = 0

    @property
    def messages(self) -> list[types.ShowMessageParams]:
        return self.client.messages

    def errors(self) -> list[str]:
        return [
            m.message
            for m in self.client.messages
            if m.type in (types.MessageType.Error, types.MessageType.Warning)
        ]

    async def code_actions(self, rel: str, rng: types.Range) -> list[types.CodeAction]:
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=self.editor.uri(rel)),
                range=rng,
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        return [a for a in result or [] if isinstance(a, types.CodeAction)]

    async def run_action(self, action: types.CodeAction) -> Any:
        assert action.command is not None
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command=action.command.command, arguments=action.command.arguments
            )
        )

    async def run(
        self,
        rel: str,
        rng: types.Range,
        *,
        scope: str = "selection",
        instruction: str = "",
        agent: str = "backend-developer",
        msg_id: str | None = None,
    ) -> Any:
        argument = {
            "agent": agent,
            "scope": scope,
            "uri": self.editor.uri(rel),
            "range": {
                "start": {"line": rng.start.line, "character": rng.start.character},
                "end": {"line": rng.end.line, "character": rng.end.character},
            },
            "instruction": instruction,
        }
        params = types.ExecuteCommandParams(command="agentls.runAgent", arguments=[argument])
        return await self.client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND, params, msg_id=msg_id
        )

    async def raw_request(self, method: str, params: Any, timeout: float = 5) -> Any:
        """Send params exactly as given (even invalid for the method); wait for the answer."""
        protocol = self.client.protocol
        self._raw_ids += 1
        msg_id = f"raw-{self._raw_ids}"
        future: Future[Any] = Future()
        protocol._request_futures[msg_id] = future
        protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)

    def progress_kinds(self) -> list[list[str]]:
        return [
            [type(v).__name__ for v in values] for values in self.client.progress_reports.values()
        ]


def capabilities_for(name: str) -> types.ClientCapabilities:
    return client_capabilities(name)


def _fix_code_action_union(client: LanguageClient) -> None:
    """lsprotocol reads any code action that carries a `command` as a bare Command.

    Real editors look at the JSON: a bare Command has a string `command`.
    """
    converter = client.protocol._converter

    def structure(obj: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)  # noqa: UP007


@asynccontextmanager
async def lsp_session(
    root: Path,
    env: dict[str, str],
    *,
    capabilities: types.ClientCapabilities | str = "visual-studio-code",
    client_name: str = "Visual Studio Code",
    init_options: dict[str, Any] | None = None,
) -> AsyncIterator[Session]:
    client = make_test_lsp_client()
    _fix_code_action_union(client)
    editor = EditorWorkspace(root, client)

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return editor.apply(params)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(_: types.RegistrationParams) -> None:
        return None

    caps = capabilities_for(capabilities) if isinstance(capabilities, str) else capabilities
    await client.start_io(sys.executable, "-m", "agentls", "serve", env=env, cwd=str(root))
    init = await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            client_info=types.ClientInfo(name=client_name),
            root_uri=uris.from_fs_path(str(root)),
            workspace_folders=[
                types.WorkspaceFolder(uri=uris.from_fs_path(str(root)) or "", name="ws")
            ],
            initialization_options=init_options,
        )
    )
    try:
        yield Session(client, editor, init)
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), timeout=10)
        finally:
            await client.stop()
