"""Document sync: keep a code-point view of each open document and tell listeners what changed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls import uris

from agentls.lsp.positions import Encoding, LineIndex
from agentls.lsp.state import TextChange

if TYPE_CHECKING:
    from agentls.lsp.server import AgentServer

log = logging.getLogger("agentls")


_KNOWN_PATHS = 2_000  # remembered uri -> path answers per session (then forgotten at once)


def relative_path(server: AgentServer, uri: str) -> str | None:
    """The document's workspace-relative POSIX path, or None outside the workspace.

    Remembered per workspace root: resolving symlinks costs a system call per path
    component, and every code action, hover and lens asks."""
    root = server.state.root
    if root is None:
        return None
    known = server.state.known_paths
    key = (str(root), uri)
    if key in known:
        return known[key]
    fs_path = uris.to_fs_path(uri)
    found: str | None = None
    if fs_path:
        try:
            found = Path(fs_path).resolve().relative_to(root).as_posix()
        except ValueError:
            found = None
    if len(known) >= _KNOWN_PATHS:
        known.clear()
    known[key] = found
    return found


def to_text_changes(
    old: LineIndex, changes: list[types.TextDocumentContentChangeEvent], encoding: Encoding
) -> tuple[list[TextChange], LineIndex]:
    """LSP content changes (ranges in `encoding`, applied in order) as code-point changes,
    plus the index of the new text (updated, not rebuilt: typing in big files stays cheap)."""
    result: list[TextChange] = []
    index = old
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = index.offset(change.range.start.line, change.range.start.character, encoding)
            end = index.offset(change.range.end.line, change.range.end.character, encoding)
            start, end = min(start, end), max(start, end)
            index = index.replaced(start, end, change.text)
        else:
            start, end = 0, len(index.text)
            index = LineIndex(change.text)
        result.append(TextChange(start, end, change.text))
    return result, index


def register(server: AgentServer) -> None:
    mirror: dict[str, LineIndex] = {}

    def listeners_for(uri: str) -> tuple[str | None, list]:
        return relative_path(server, uri), server.state.document_listeners

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        mirror[params.text_document.uri] = LineIndex(params.text_document.text)
        path, listeners = listeners_for(params.text_document.uri)
        if path is not None:
            for listener in listeners:
                listener.opened(path, params.text_document.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        old = mirror.get(uri)
        if old is None:
            old = server.line_indexes.get(server.workspace.get_text_document(uri).source)
        changes, new = to_text_changes(
            old, list(params.content_changes), server.state.client.encoding
        )
        mirror[uri] = new
        current = server.workspace.get_text_document(uri).source
        if current == new.text:  # lets hovers and actions reuse it for pygls' copy
            new.text = current
            server.line_indexes.put(new)
        path, listeners = listeners_for(uri)
        if path is not None:
            for listener in listeners:
                listener.changed(path, changes, new.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        mirror.pop(params.text_document.uri, None)
        path, listeners = listeners_for(params.text_document.uri)
        if path is not None:
            for listener in listeners:
                listener.closed(path)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(_: types.DidSaveTextDocumentParams) -> None:
        return None

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(params: types.DidChangeWatchedFilesParams) -> None:
        structural = any(c.type != types.FileChangeType.Changed for c in params.changes)
        if structural and server.state.index is not None:
            server.state.index.invalidate()
