"""Run transcripts in the editor: kept after each run, opened by `agentls.showTranscript`.

`agentls.showTranscript {runId?}` opens the transcript of that run; without `runId`,
the last run of this session, else the newest one kept. It sends
`window/showDocument` for the file in the state folder, or, for clients without
that request, shows the file's path in a message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lsprotocol import types
from pygls import uris

from agentls.lsp.commands import first_argument
from agentls.lsp.session import ensure_loaded

if TYPE_CHECKING:
    from agentls.engine.transcript import Transcript
    from agentls.lsp.server import AgentServer

log = logging.getLogger("agentls")

SHOW_TRANSCRIPT_COMMAND = "agentls.showTranscript"


def transcript_folder(server: AgentServer) -> Path | None:
    """Where transcripts are kept; None when the settings keep none."""
    from agentls.provenance.transcripts import transcripts_dir

    ensure_loaded(server)
    loaded = server.state.loaded
    settings = loaded.settings.provenance if loaded else None
    if settings is None or not settings.enabled or settings.transcripts == 0:
        return None
    return transcripts_dir(settings.state_dir)


def keep_transcript(server: AgentServer, transcript: Transcript) -> None:
    """Remember a finished (or failed) run's transcript and write it to the state folder."""
    from agentls.provenance.transcripts import save

    if not transcript.messages:
        return  # the run stopped before anything was sent
    state = server.state
    state.last_transcript = transcript
    folder = transcript_folder(server)
    if folder is None or state.loaded is None:
        return
    result = save(folder, transcript, state.loaded.settings.provenance.transcripts)
    if isinstance(result, str):
        log.warning("%s", result)


def transcript_file(server: AgentServer, run_id: str | None) -> Path | None:
    """The file to show for ``run_id`` (None: the session's last run, else the newest),
    written again from memory when it is the session's last run and went missing."""
    from agentls.provenance.transcripts import find, save

    folder = transcript_folder(server)
    if folder is None:
        return None
    last = server.state.last_transcript
    wanted = run_id or (last.run_id if last is not None else None)
    found = find(folder, wanted)
    if found is None and last is not None and wanted == last.run_id:
        assert server.state.loaded is not None
        saved = save(folder, last, server.state.loaded.settings.provenance.transcripts)
        found = saved if isinstance(saved, Path) else None
    return found


def has_transcript(server: AgentServer, run_id: str) -> Path | None:
    """The transcript file of ``run_id`` if one is kept (one stat, no listing)."""
    from agentls.provenance.transcripts import transcript_path

    folder = transcript_folder(server)
    path = transcript_path(folder, run_id) if folder is not None else None
    return path if path is not None and path.is_file() else None


def command_link(run_id: str) -> str:
    """A `command:` URI that runs showTranscript for ``run_id`` (VS Code hovers)."""
    import json

    return f"command:{SHOW_TRANSCRIPT_COMMAND}?{quote(json.dumps([{'runId': run_id}]))}"


def _run_id(args: tuple[Any, ...]) -> str | None:
    first = first_argument(args)
    if isinstance(first, str):
        return first or None
    value = first.get("runId") if isinstance(first, Mapping) else None
    return value if isinstance(value, str) and value else None


def _can_show_documents(server: AgentServer) -> bool:
    window = server.client_capabilities.window
    return bool(window and window.show_document and window.show_document.support)


async def show_transcript(server: AgentServer, run_id: str | None) -> dict[str, Any]:
    path = transcript_file(server, run_id)
    if path is None:
        what = f"run {run_id}" if run_id else "any run yet"
        if transcript_folder(server) is None:
            reason = "provenance.transcripts is 0 or provenance is off"
            message = f"agentls: no transcripts are kept ({reason})."
        else:
            message = f"agentls: there is no transcript of {what}."
        server.show(message, types.MessageType.Warning)
        return {"shown": False, "message": message}
    uri = uris.from_fs_path(str(path)) or ""
    if _can_show_documents(server):
        result = await server.window_show_document_async(
            types.ShowDocumentParams(uri=uri, take_focus=True)
        )
        if result.success:
            return {"shown": True, "path": str(path), "uri": uri}
    server.show(f"agentls: the run's transcript is in {path}", types.MessageType.Info)
    return {"shown": False, "path": str(path), "uri": uri}


def register(server: AgentServer) -> None:
    @server.command(SHOW_TRANSCRIPT_COMMAND)
    async def show_transcript_command(*args: Any) -> dict[str, Any]:
        return await show_transcript(server, _run_id(args))
