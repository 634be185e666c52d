"""Deliver a finished run: rebase onto what the editor holds now, then one workspace/applyEdit."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls import uris

from agentls import textutil
from agentls.edits.model import ChangeSet, FileChange, TextEdit
from agentls.engine.model import RunOutcome
from agentls.engine.rebase import rebase_edits
from agentls.files import read_utf8, write_atomically
from agentls.lsp.to_lsp import FileEdits, workspace_edit

if TYPE_CHECKING:
    from agentls.lsp.server import AgentServer

log = logging.getLogger("agentls")


class DeliveryRefused(Exception):
    """The change cannot be applied safely; str() tells the user why and what to do."""


@dataclass(frozen=True, slots=True)
class OpenText:
    text: str
    version: int | None


def _open_text(server: AgentServer, root: Path, path: str) -> OpenText | None:
    uri = uris.from_fs_path(str(root / path)) or ""
    document = server.workspace.text_documents.get(uri)
    if document is None:
        return None
    return OpenText(document.source, document.version)


def write_new_file(root: Path, path: str, text: str) -> None:
    """Create a file atomically, with the permissions the umask gives a new file; never
    overwrite one that appeared meanwhile (FileExistsError)."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, text, overwrite=False)


async def plan_file(server: AgentServer, root: Path, change: FileChange, agent: str) -> FileEdits:
    """What to send for one file, rebased onto the editor's current text. The text is
    read here, on the event loop; the rebase (a diff) runs in a worker thread."""
    if change.kind == "create":
        if (root / change.path).exists():
            raise DeliveryRefused(
                f"{change.path} was created while {agent} was working; nothing was applied. "
                "Run the agent again."
            )
        return FileEdits(change.path, "", None, (TextEdit(0, 0, change.new_text),), create=True)
    current = _open_text(server, root, change.path)
    text = current.text if current else read_utf8(root / change.path)
    if text is None:
        raise DeliveryRefused(
            f"{change.path} was deleted or became unreadable while {agent} was working; "
            "nothing was applied."
        )
    version = current.version if current else None
    return await asyncio.to_thread(_rebased, change, text, version, agent)


def _rebased(change: FileChange, text: str, version: int | None, agent: str) -> FileEdits:
    """The change's edits carried over onto ``text`` (pure: runs off the event loop)."""
    edits = rebase_edits(change.old_text, text, change.edits)
    if edits is None:
        raise DeliveryRefused(
            f"You changed {change.path} where {agent} was about to edit it; nothing was "
            "applied so your typing is safe. Run the agent again."
        )
    return FileEdits(change.path, text, version, edits)


async def deliver(
    server: AgentServer,
    root: Path,
    outcome: RunOutcome,
    agent: str,
    confirm: bool,
    sensitive: Mapping[str, str] | None = None,
) -> types.ApplyWorkspaceEditResult:
    """Send one applyEdit for the whole change. New files the client cannot create are
    written by the server first, and removed again if the client rejects the edit.
    Files in `sensitive` (path -> why) always carry needsConfirmation."""
    changes: ChangeSet = outcome.changes
    sensitive = sensitive or {}
    planned = [
        dataclasses.replace(
            await plan_file(server, root, change, agent), confirm=change.path in sensitive
        )
        for change in changes.files
    ]
    client = server.state.client
    written: list[Path] = []
    to_send: list[FileEdits] = []
    try:
        for item in planned:
            if item.create and not client.create_files:
                change = next(c for c in changes.files if c.path == item.path)
                write_new_file(root, item.path, change.new_text)
                written.append(root / item.path)
            else:
                to_send.append(item)
        result = types.ApplyWorkspaceEditResult(applied=True)
        if to_send:
            annotation = types.ChangeAnnotation(
                label=f"agentls: {agent}",
                description=shorten(outcome.explanation) or f"Change by {agent} ({outcome.model})",
                needs_confirmation=confirm,
            )
            confirm_annotation = None
            if any(item.confirm for item in to_send):
                why = "; ".join(f"{p}: {r}" for p, r in sensitive.items())
                confirm_annotation = types.ChangeAnnotation(
                    label=f"agentls: {agent} (needs your yes)",
                    description=shorten(f"Runs code or changes tooling. {why}", 400),
                    needs_confirmation=True,
                )
            # A change the user reviews first lists its hunks one by one (per file).
            edit = workspace_edit(
                root, to_send, client, annotation, confirm_annotation, per_hunk=confirm
            )
            result = await apply_edit(
                server, types.ApplyWorkspaceEditParams(edit=edit, label=f"agentls: {agent}")
            )
        if not result.applied:
            _remove(written)
        return result
    except BaseException:
        _remove(written)
        raise


async def apply_edit(
    server: AgentServer, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    """workspace/applyEdit that the client is asked to drop if the run is cancelled meanwhile
    (for example while a preview waits for the user)."""
    msg_id = f"agentls-apply-{uuid.uuid4().hex[:12]}"
    future = server.protocol.send_request(types.WORKSPACE_APPLY_EDIT, params, msg_id=msg_id)
    try:
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:
        server.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
        raise


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            log.warning("could not remove %s after a failed apply", path)


def shorten(text: str, limit: int = 200) -> str:
    """One line, at most `limit` characters (lsp/runs.py imports it from here)."""
    return textutil.shorten(text, limit, one_line=True)
