"""agentls under Helix's conditions, with Helix's recorded client capabilities.

Helix is not packaged in Debian 12, so this plays Helix over stdio with pytest-lsp:
clientInfo `helix`, every request timing out after 20 s, and two capability sets
recorded from Helix's client (tests/editors/helix/): `current` (resolve for edit and
command, progress, UTF-8 positions first) and `minimal` (no codeAction/resolve, no
window.workDoneProgress), the conditions older Helix releases offer. The server is
started exactly as editors/helix/languages.toml says.
"""

from __future__ import annotations

import asyncio
import json
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

import pytest
from editor_harness import (
    EDITORS_TESTS,
    SNIPPETS,
    TODO_LINE,
    FakeModel,
    copy_workspace,
    expected_files,
    scripted_answer,
    server_env,
    snapshot,
)
from lsprotocol import types
from pygls import uris
from pytest_lsp import LanguageClient, make_test_lsp_client

HELIX_TIMEOUT = 20.0  # Helix's default per-server request timeout, in seconds
MODEL_DELAY = 3.0  # long enough that an executeCommand waiting for the run is obvious


def helix_server_config() -> dict[str, Any]:
    """The agentls entry of the shipped languages.toml (fails if the snippet drifts)."""
    data = tomllib.loads((SNIPPETS / "helix/languages.toml").read_text(encoding="utf-8"))
    python = next(lang for lang in data["language"] if lang["name"] == "python")
    assert "agentls" in python["language-servers"]
    return dict(data["language-server"]["agentls"])


def recorded_capabilities(profile: str) -> types.ClientCapabilities:
    raw = json.loads((EDITORS_TESTS / f"helix/capabilities-{profile}.json").read_text())
    converter = make_test_lsp_client().protocol._converter
    return converter.structure(raw, types.ClientCapabilities)


def _offset(text: str, position: types.Position, encoding: str) -> int:
    """Index into `text` of an LSP position counted in `encoding` units."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return start + i
        units += {"utf-8": len(ch.encode()), "utf-16": len(ch.encode("utf-16-le")) // 2}.get(
            encoding, 1
        )
    return min(start + len(line), len(text))


def apply_to_disk(edit: types.WorkspaceEdit, encoding: str) -> None:
    """Apply a WorkspaceEdit to the files on disk, as Helix applies it to its buffers."""
    for change in edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            path = Path(uris.to_fs_path(change.uri) or "")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
        elif isinstance(change, types.TextDocumentEdit):
            path = Path(uris.to_fs_path(change.text_document.uri) or "")
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            spans = [
                (_offset(text, e.range.start, encoding), _offset(text, e.range.end, encoding), e)
                for e in change.edits
            ]
            for start, end, e in sorted(spans, key=lambda s: s[0], reverse=True):
                assert not isinstance(e, types.SnippetTextEdit), "Helix takes no snippet edits"
                text = text[:start] + e.new_text + text[end:]
            path.write_text(text, encoding="utf-8")
        else:
            raise AssertionError(f"unexpected change {change!r}")
    for uri, edits in (edit.changes or {}).items():
        apply_to_disk(
            types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                        list(edits),
                    )
                ]
            ),
            encoding,
        )


def _fix_code_action_union(client: LanguageClient) -> None:
    """lsprotocol reads any code action that has a `command` field as a bare Command
    (its hook checks the key, not whether the value is a string); read it as Helix does."""
    converter = client.protocol._converter

    def structure(obj: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)  # noqa: UP007


class HelixLike:
    """A pytest-lsp client that records what a Helix session would see."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.encoding = "utf-16"
        self.edits: list[types.ApplyWorkspaceEditParams] = []
        self.slowest = 0.0
        _fix_code_action_union(client)

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            apply_to_disk(params.edit, self.encoding)
            self.edits.append(params)
            return types.ApplyWorkspaceEditResult(applied=True)

    async def timed(self, request: Any) -> Any:
        """Await a request as Helix does: it fails after 20 s."""
        started = time.monotonic()
        answer = await asyncio.wait_for(request, HELIX_TIMEOUT)
        self.slowest = max(self.slowest, time.monotonic() - started)
        return answer


@pytest.mark.parametrize("profile", ["minimal", "current"])
async def test_implement_backend_under_helix_conditions(
    profile: str, tmp_path: Path, start_model: Callable[..., FakeModel]
) -> None:
    model = start_model([{"answer": scripted_answer(), "delay": MODEL_DELAY}])
    workspace = copy_workspace(tmp_path / "workspace")
    original = snapshot(workspace)
    config = helix_server_config()
    capabilities = recorded_capabilities(profile)
    env = server_env(model, tmp_path / "home")
    env.update(config.get("environment", {}))

    helix = HelixLike(make_test_lsp_client())
    client = helix.client
    await client.start_io(config["command"], *config.get("args", []), env=env, cwd=workspace)
    try:
        result = await helix.timed(
            client.initialize_session(
                types.InitializeParams(
                    capabilities=capabilities,
                    client_info=types.ClientInfo(name="helix", version="25.07.1"),
                    root_uri=uris.from_fs_path(str(workspace)),
                    workspace_folders=[
                        types.WorkspaceFolder(uris.from_fs_path(str(workspace)) or "", "workspace")
                    ],
                    initialization_options=config.get("config"),
                )
            )
        )
        commands = result.capabilities.execute_command_provider
        # Helix's :lsp-workspace-command offers what the server lists here.
        assert commands and {"agentls.runAgent", "agentls.cancel"} <= set(commands.commands)
        offered = capabilities.general.position_encodings if capabilities.general else None
        helix.encoding = str(result.capabilities.position_encoding or "utf-16")
        assert helix.encoding in [str(e) for e in offered or ["utf-16"]]
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=config.get("config"))
        )

        main = workspace / "app/main.py"
        uri = uris.from_fs_path(str(main)) or ""
        text = main.read_text(encoding="utf-8")
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
        )
        row = text.split("\n").index(TODO_LINE)
        selection = types.Range(types.Position(row, 0), types.Position(row + 1, 0))

        started = time.monotonic()
        actions = await helix.timed(
            client.text_document_code_action_async(
                types.CodeActionParams(
                    types.TextDocumentIdentifier(uri), selection, types.CodeActionContext([])
                )
            )
        )
        took = time.monotonic() - started
        assert took < 3.0, f"code actions took {took:.1f}s: they must not wait for anything"
        action = next(a for a in actions or [] if a.title == "Implement backend")
        if action.command is None and action.edit is None:
            assert profile == "current", "without resolve support an action must be complete"
            action = await helix.timed(client.code_action_resolve_async(action))
        assert action.command is not None and action.command.command == "agentls.runAgent"

        started = time.monotonic()
        await helix.timed(
            client.workspace_execute_command_async(
                types.ExecuteCommandParams(action.command.command, action.command.arguments)
            )
        )
        answered_after = time.monotonic() - started
        assert answered_after < MODEL_DELAY / 2, f"executeCommand took {answered_after:.1f}s"

        deadline = time.monotonic() + HELIX_TIMEOUT
        while not helix.edits and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert [e.label for e in helix.edits] == ["agentls: backend-developer"]
        assert snapshot(workspace) == {**original, **expected_files()}
        assert client.messages == [], client.messages

        progress = [v for values in client.progress_reports.values() for v in values]
        if profile == "minimal":
            assert client.progress_reports == {}, "progress sent to a client without it"
        else:
            kinds = [getattr(p, "kind", None) for p in progress]  # stored as Begin/Report/End
            assert kinds[:1] == ["begin"] and kinds[-1:] == ["end"], kinds
        assert helix.slowest < HELIX_TIMEOUT / 4, f"slowest request {helix.slowest:.1f}s"
    finally:
        await client.shutdown_session()
        await client.stop()
