"""Session lifecycle: initialize, settings and agents (re)loading, shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls import uris

from agentls.lsp.positions import normalise_encoding
from agentls.lsp.state import ClientFeatures

if TYPE_CHECKING:
    from agentls.lsp.server import AgentServer

log = logging.getLogger("agentls")

_GC_RESUME_SECONDS = 2.0


def client_features(params: types.InitializeParams, encoding: str | None) -> ClientFeatures:
    caps = params.capabilities
    ws_edit = caps.workspace.workspace_edit if caps.workspace else None
    code_action = caps.text_document.code_action if caps.text_document else None
    hover = caps.text_document.hover if caps.text_document else None
    resolve = code_action.resolve_support if code_action else None
    formats = hover.content_format if hover else None
    name = (params.client_info.name if params.client_info else "").lower()
    return ClientFeatures(
        name=name,
        # Clients that send executeCommand synchronously with a short timeout (Helix 20 s,
        # eglot and lsp-mode 10 s, and eglot 1.9 sends no clientInfo): answer at once.
        reply_at_once=name in ("helix", "eglot", "emacs", ""),
        progress=bool(caps.window and caps.window.work_done_progress),
        # lsp-mode 8 ("emacs") applies text edits before creating the file, so its buffer
        # predates the file and cannot be saved cleanly: agentls writes new files instead.
        create_files=name != "emacs"
        and bool(
            ws_edit
            and ws_edit.document_changes
            and ws_edit.resource_operations
            and types.ResourceOperationKind.Create in ws_edit.resource_operations
        ),
        delete_files=bool(
            ws_edit
            and ws_edit.document_changes
            and ws_edit.resource_operations
            and types.ResourceOperationKind.Delete in ws_edit.resource_operations
        ),
        disabled_actions=bool(code_action and code_action.disabled_support),
        input_box=_asks_for_input(caps.experimental),
        show_document=bool(
            caps.window and caps.window.show_document and caps.window.show_document.support
        ),
        document_changes=bool(ws_edit and ws_edit.document_changes),
        change_annotations=bool(ws_edit and ws_edit.change_annotation_support is not None),
        resolve_edit=bool(resolve and "edit" in resolve.properties),
        markdown_hover=formats is None or types.MarkupKind.Markdown in formats,
        encoding=normalise_encoding(encoding),
    )


def _asks_for_input(experimental: Any) -> bool:
    """The client's own glue asks for refine and reply text (experimental.agentls.inputBox)."""
    ours = experimental.get("agentls") if isinstance(experimental, dict) else None
    return isinstance(ours, dict) and ours.get("inputBox") is True


def workspace_root(params: types.InitializeParams) -> Path | None:
    candidates: list[str | None] = []
    if params.workspace_folders:
        candidates.append(params.workspace_folders[0].uri)
    candidates.append(params.root_uri)
    for uri in candidates:
        if uri and (path := uris.to_fs_path(uri)):
            return Path(path).resolve()
    if params.root_path:
        return Path(params.root_path).resolve()
    return None


def editor_section(options: Any) -> dict[str, Any]:
    """The `agentls` section, whether sent wrapped (`{agentls: {...}}`) or bare."""
    if not isinstance(options, dict):
        return {}
    inner = options.get("agentls")
    if inner == []:  # Lua cannot tell an empty table from an empty list
        return {}
    return dict(inner) if isinstance(inner, dict) else dict(options)


def reload(server: AgentServer) -> None:
    """Load settings and agents again; report new problems once; never raise."""
    from agentls.agents.registry import discover_agents
    from agentls.context.index import WorkspaceIndex
    from agentls.settings_loader import load_settings

    state = server.state
    loaded = load_settings(
        workspace_root=state.root, editor_settings=state.editor_settings, env=os.environ
    )
    registry = discover_agents(workspace_root=state.root, settings=loaded.settings, env=os.environ)
    if state.loaded is not None and state.loaded.settings != loaded.settings:
        _drop_providers(server)
    state.loaded = loaded
    state.registry = registry
    if state.root is not None:
        state.index = WorkspaceIndex(state.root, loaded.settings.context)
    logging.getLogger("agentls").setLevel(loaded.settings.log_level.upper())
    for problem in loaded.problems:
        show_once(server, f"agentls settings: {problem.render()}", types.MessageType.Warning)
    for error in registry.errors:
        show_once(
            server,
            f"agentls: skipped agent file {error.source}: {error.message}",
            types.MessageType.Warning,
        )


def _drop_providers(server: AgentServer) -> None:
    """Settings changed: providers are rebuilt on the next run. Old ones close as soon as
    no run in flight streams through them."""
    from agentls.lsp.runs import release_provider

    old = list(server.state.providers.values())
    server.state.providers.clear()
    for provider in old:
        release_provider(server, provider)


def show_once(server: AgentServer, message: str, kind: types.MessageType) -> None:
    if message in server.state.shown_problems:
        log.debug("%s", message)
        return
    server.state.shown_problems.add(message)
    server.show(message, kind)


def ensure_loaded(server: AgentServer) -> None:
    if server.state.registry is None:
        reload(server)


def register(server: AgentServer) -> None:
    # pygls logs whole messages at INFO; they may hold file text. Keep them out of the log.
    logging.getLogger("pygls").setLevel(logging.WARNING)

    @server.feature(types.INITIALIZE)
    def on_initialize(params: types.InitializeParams) -> None:
        # Cheap work only: the reply must go out fast.
        server.state.root = workspace_root(params)
        server.state.editor_settings = editor_section(params.initialization_options)
        encoding = server.workspace.position_encoding
        server.state.client = client_features(params, str(encoding) if encoding else None)
        if server.gc_paused:  # for a client that never sends `initialized`
            asyncio.get_running_loop().call_later(_GC_RESUME_SECONDS, resume_gc, server)

    @server.feature(types.INITIALIZED)
    def on_initialized(_: types.InitializedParams) -> None:
        resume_gc(server)  # the client has the initialize reply
        if server.client_log is not None:  # logs go to the client's output from now on
            server.client_log.start(asyncio.get_running_loop())
        reload(server)
        _watch_files(server)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def on_configuration(params: types.DidChangeConfigurationParams) -> None:
        incoming = params.settings
        # `{"agentls": {}}` clears the editor layer; a null or empty payload (a ping from
        # clients that expect the server to pull settings) keeps what we have.
        if isinstance(incoming, dict) and ("agentls" in incoming or incoming):
            server.state.editor_settings = editor_section(incoming)
        reload(server)

    @server.feature(types.EXIT)
    def on_exit(_: None) -> None:
        _exit_now(server)

    @server.feature(types.SHUTDOWN)
    async def on_shutdown(_: None) -> None:
        if server.state.runs is not None:
            await server.state.runs.cancel_all(wait=True)
        for provider in list(server.state.providers.values()):
            try:
                await provider.aclose()
            except Exception:  # closing must not block shutdown
                log.debug("closing a provider failed", exc_info=True)
        server.state.providers.clear()
        from agentls.lsp import ledger  # imports this module: not at the top

        ledger.stop(server)


def resume_gc(server: AgentServer) -> None:
    """Garbage collection, paused for start-up (cli.py), runs again."""
    if server.gc_paused:
        server.gc_paused = False
        gc.enable()
        # Start-up's garbage goes now, so loading settings and agents reuses its memory.
        gc.collect()


def _exit_now(server: AgentServer) -> None:
    """Leave at once: a worker thread still gathering context must not keep the process
    alive after the editor has gone (the interpreter would wait for it)."""
    if server.client_log is not None:  # the client stops reading: last words go to stderr
        server.client_log.stop()
    logging.shutdown()
    os._exit(0 if server.protocol._shutdown else 1)


def _watch_files(server: AgentServer) -> None:
    caps = server.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern="**/*")]
    )
    registration = types.Registration(
        id="agentls-watch-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    server.client_register_capability(types.RegistrationParams(registrations=[registration]))
