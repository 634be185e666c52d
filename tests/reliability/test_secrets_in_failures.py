"""The API key never leaves the Authorization header, even when something echoes it back:
provider error bodies quoting it, a model answer repeating it, an editor that crashes
while applying (a traceback in the log). Checked in every message shown, every edit sent,
the hover, the debug log and the provenance state on disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lsprotocol import types

from tests.e2e.test_implement import NEW_MAIN, WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import Session, lsp_session, server_env

KEY = "sk-proj-echoedBACK0123456789abcdefXYZ"


def echo(status: int) -> Turn:
    body = {"error": {"message": f"Incorrect API key provided: {KEY}.", "type": "auth"}}
    return Turn(status=status, error_body=body)


def debug_env(tmp_path: Path, fake: FakeModel) -> dict[str, str]:
    return server_env(
        tmp_path,
        AGENTLS_PROVIDER="openai",
        AGENTLS_BASE_URL=fake.openai_base_url,
        AGENTLS_MODEL="scripted-model",
        AGENTLS_LOG_LEVEL="debug",
        AGENTLS_LOG_FILE=str(tmp_path / "agentls.log"),
        AGENTLS_HTTP__MAX_ATTEMPTS="1",
        OPENAI_API_KEY=KEY,
    )


def everything_the_key_could_reach(session: Session, tmp_path: Path, env: dict[str, str]) -> str:
    """Messages shown and logged, edits sent, the log file and the state folder, as one text."""
    unstructure = session.client.protocol._converter.unstructure
    parts = [m.message for m in session.messages]
    parts += [m.message for m in session.client.log_messages]  # the editor's output channel
    parts += [json.dumps(unstructure(edit)) for edit in session.editor.applied]
    parts.append((tmp_path / "agentls.log").read_text())
    for path in Path(env["XDG_STATE_HOME"]).rglob("*"):
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


async def hover_text(session: Session, line: int) -> str:
    hover = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=session.editor.uri("app/main.py")),
            position=types.Position(line=line, character=4),
        )
    )
    return (
        "" if hover is None else json.dumps(session.client.protocol._converter.unstructure(hover))
    )


async def test_error_bodies_quoting_the_key_and_editor_crashes_leak_nothing(
    workspace: Path, tmp_path: Path, fake_model: FakeModel
) -> None:
    env = debug_env(tmp_path, fake_model)
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        statuses = []
        for turn in (echo(401), echo(403), echo(500), echo(400)):
            fake_model.script([turn])
            statuses.append((await session.run("app/main.py", TODO_RANGE))["status"])

        def crash(_: types.ApplyWorkspaceEditParams) -> Any:
            raise RuntimeError(
                f"the editor crashed while applying; its env had OPENAI_API_KEY={KEY}"
            )

        session.client.protocol.fm.features[types.WORKSPACE_APPLY_EDIT] = crash
        fake_model.script([Turn(WHOLE_FILE_ANSWER)])
        statuses.append((await session.run("app/main.py", TODO_RANGE))["status"])
        assert statuses == ["failed"] * 4 + ["rejected"], statuses
        assert "Incorrect API key provided" in session.messages[2].message  # quoted, scrubbed
        reached = everything_the_key_could_reach(session, tmp_path, env)
    assert "crashed while applying" in (tmp_path / "agentls.log").read_text()
    assert KEY not in reached
    assert all(r.headers.get("authorization") == f"Bearer {KEY}" for r in fake_model.requests)


async def test_a_model_answer_repeating_the_key_is_scrubbed_everywhere(
    workspace: Path, tmp_path: Path, fake_model: FakeModel
) -> None:
    """A model may repeat a key it saw somewhere (or was fed by an injection). agentls knows
    its own key values: they never reach a message, an edit annotation, a hover, the log or
    the provenance ledger."""
    env = debug_env(tmp_path, fake_model)
    says_key = WHOLE_FILE_ANSWER.replace("I added", f"Using your key {KEY}, I added")
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        fake_model.script([Turn(f"Your key is {KEY}, nothing to change.")])
        first = await session.run("app/main.py", TODO_RANGE)
        fake_model.script([Turn(says_key)])
        second = await session.run("app/main.py", TODO_RANGE)
        assert (first["status"], second["status"]) == ("empty", "applied"), session.errors()
        assert session.editor.text("app/main.py") == NEW_MAIN
        hover = await hover_text(
            session, NEW_MAIN.splitlines().index("def health() -> dict[str, str]:")
        )
        reached = everything_the_key_could_reach(session, tmp_path, env)
    assert KEY not in hover
    assert KEY not in json.dumps([first, second])
    assert KEY not in reached
