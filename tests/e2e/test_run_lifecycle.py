"""Cancellation, faults, edits during a run, and clients with fewer capabilities."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

from tests.e2e.conftest import MAIN_PY
from tests.e2e.test_implement import HEALTH_PY, NEW_MAIN, WHOLE_FILE_ANSWER
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session, range_of, server_env

TODO = "# TODO: add a /health endpoint that reports the service status"
SLOW = Turn(WHOLE_FILE_ANSWER, chunk_size=4, chunk_delay=0.05)


async def _wait_until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def _streaming_started(fake: FakeModel) -> bool:
    return len(fake.requests) > 0


async def _assert_still_serving(session, rel: str = "app/main.py") -> None:  # type: ignore[no-untyped-def]
    actions = await session.code_actions(rel, range_of(MAIN_PY, TODO))
    assert any(a.title == "Implement backend" for a in actions)


@pytest.mark.parametrize("how", ["agentls.cancel", "progress-cancel", "cancelRequest"])
async def test_cancel_closes_stream_and_applies_nothing(
    how: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([SLOW])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(
            session.run("app/main.py", range_of(MAIN_PY, TODO), msg_id="run-to-cancel")
        )
        await _wait_until(lambda: _streaming_started(fake_model))
        await asyncio.sleep(0.2)
        if how == "agentls.cancel":
            await session.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="agentls.cancel", arguments=[])
            )
            result = await run
            assert result["status"] == "cancelled"
        elif how == "progress-cancel":
            token = next(iter(session.client.progress_reports))
            session.client.window_work_done_progress_cancel(
                types.WorkDoneProgressCancelParams(token=token)
            )
            result = await run
            assert result["status"] == "cancelled"
        else:
            session.client.protocol.notify(
                "$/cancelRequest", types.CancelParams(id="run-to-cancel")
            )
            with pytest.raises(JsonRpcRequestCancelled):
                await run
        await _wait_until(lambda: fake_model.aborted_streams >= 1)
        await asyncio.sleep(0.3)
        assert session.editor.applied == []
        assert session.editor.text("app/main.py") == MAIN_PY
        assert not (workspace / "app" / "health.py").exists()
        await _assert_still_serving(session)


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        (Turn("", status=401), "OPENAI_API_KEY"),
        (Turn("", status=404), "scripted-model"),
        (
            Turn("", status=400, error_body={"error": {"message": "context too long"}}),
            "context too long",
        ),
        (Turn(WHOLE_FILE_ANSWER, cut_after=40), "cut off"),
    ],
)
async def test_provider_faults_show_one_clear_message(
    turn: Turn, expected: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([turn])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "failed"
        errors = session.errors()
        assert len(errors) == 1 and expected in errors[0], errors
        assert "sk-test-key" not in errors[0]
        assert session.editor.applied == []
        await _assert_still_serving(session)


async def test_connection_refused_names_the_url(workspace: Path, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = server_env(
        tmp_path,
        AGENTLS_PROVIDER="openai",
        AGENTLS_BASE_URL=f"http://127.0.0.1:{port}/v1",
        OPENAI_API_KEY="sk-test",
        AGENTLS_HTTP__MAX_ATTEMPTS="1",
    )
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "failed"
        assert f"127.0.0.1:{port}" in session.errors()[0]


async def test_no_key_says_what_to_set(workspace: Path, tmp_path: Path) -> None:
    async with lsp_session(workspace, server_env(tmp_path)) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "failed"
        assert "OPENAI_API_KEY" in session.errors()[0]


async def test_typing_elsewhere_during_run_is_rebased(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([SLOW])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", range_of(MAIN_PY, TODO)))
        await _wait_until(lambda: _streaming_started(fake_model))
        session.editor.type_text("app/main.py", 0, "# typed meanwhile\n")
        result = await run
        assert result["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == "# typed meanwhile\n" + NEW_MAIN


async def test_typing_inside_the_target_region_refuses(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([SLOW])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", range_of(MAIN_PY, TODO)))
        await _wait_until(lambda: _streaming_started(fake_model))
        todo_at = MAIN_PY.index("TODO")
        session.editor.type_text("app/main.py", todo_at, "URGENT ")
        result = await run
        assert result["status"] == "refused"
        assert "nothing was applied" in session.errors()[0]
        assert session.editor.text("app/main.py") == MAIN_PY.replace("TODO", "URGENT TODO")
        assert not (workspace / "app" / "health.py").exists()


async def test_rejected_apply_removes_nothing_and_reports(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        session.editor.reject_edits = True
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "rejected"
        assert "did not apply" in session.errors()[0]
        assert session.editor.text("app/main.py") == MAIN_PY


async def test_eglot_like_client_without_create_gets_the_new_file(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """eglot 1.9: no CreateFile, no resolve, no progress. The server writes new files itself."""
    caps = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        ),
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=["refactor", "source"]
                    )
                )
            )
        ),
    )
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env, capabilities=caps, client_name="Eglot") as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        # eglot sends executeCommand synchronously with a 10 s timeout: answered at once,
        # the change follows by applyEdit.
        assert result["status"] == "started"
        await _wait_until(lambda: len(session.editor.applied) == 1)
        assert (workspace / "app" / "health.py").read_text() == HEALTH_PY
        assert session.editor.text("app/main.py") == NEW_MAIN
        operations = session.editor.applied[0].document_changes or []
        assert not any(isinstance(op, types.CreateFile) for op in operations)
        assert session.client.progress_reports == {}


async def test_neovim_capabilities_resolve_returns_action_unchanged(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env, capabilities="neovim", client_name="Neovim") as session:
        session.editor.open("app/main.py")
        actions = await session.code_actions("app/main.py", range_of(MAIN_PY, TODO))
        action = next(a for a in actions if a.title == "Implement backend")
        resolved = await session.client.code_action_resolve_async(action)
        assert resolved.command == action.command
        result = await session.run_action(resolved)
        assert result["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == NEW_MAIN


async def test_files_not_open_get_null_version_edits(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "app" / "util.py").write_text("def helper():\n    return 1\n")
    answer = (
        "Changed the helper.\n\napp/util.py\n```python\n<<<<<<< SEARCH\n    return 1\n=======\n"
        "    return 2\n>>>>>>> REPLACE\n```\n"
    )
    fake_model.script([Turn(answer)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO), scope="workspace")
        assert result["status"] == "applied", session.errors()
        op = (session.editor.applied[0].document_changes or [])[0]
        assert isinstance(op, types.TextDocumentEdit) and op.text_document.version is None
        assert (workspace / "app" / "util.py").read_text() == "def helper():\n    return 2\n"


async def test_answer_outside_workspace_is_refused(
    workspace: Path, env: dict[str, str], fake_model: FakeModel, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.py"
    answer = (
        f"Sneaky.\n\n{outside}\n```python\nprint('pwned')\n```\n\n"
        "../escape.py\n```python\nx = 1\n```\n"
    )
    fake_model.script([Turn(answer)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO), scope="workspace")
        assert result["status"] in ("refused", "failed")
        assert "refused" in session.errors()[0]
        assert not outside.exists()
        assert not (workspace.parent / "escape.py").exists()
        assert session.editor.applied == []


async def test_settings_from_initialization_options_apply(
    workspace: Path, tmp_path: Path, fake_model: FakeModel
) -> None:
    """No AGENTLS_* env: the editor's settings pick provider, URL and model."""
    env = server_env(tmp_path, OPENAI_API_KEY="sk-test-key-for-e2e-0123456789")
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    options = {
        "agentls": {
            "provider": "openai",
            "baseUrl": fake_model.openai_base_url,
            "model": "from-editor",
        }
    }
    async with lsp_session(workspace, env, init_options=options) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "applied", session.errors()
        assert fake_model.requests[-1].body["model"] == "from-editor"
        # didChangeConfiguration takes effect without a restart.
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={
                    "agentls": {
                        "provider": "openai",
                        "baseUrl": fake_model.openai_base_url,
                        "model": "changed",
                    }
                }
            )
        )
        session.editor.type_text("app/main.py", 0, "")
        await session.run("app/main.py", range_of(NEW_MAIN, "def health"))
        assert fake_model.requests[-1].body["model"] == "changed"


async def test_an_answer_at_once_client_can_cancel_its_run_by_id(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """Helix, eglot and lsp-mode get the run id at once, and agentls.cancel takes it."""
    fake_model.script([SLOW])
    async with lsp_session(workspace, env, client_name="helix") as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "started" and result["runId"]
        await _wait_until(lambda: _streaming_started(fake_model))
        cancelled = await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="agentls.cancel", arguments=[{"runId": result["runId"]}]
            )
        )
        assert cancelled == {"cancelled": 1}
        await _wait_until(lambda: fake_model.aborted_streams >= 1)
        assert session.editor.applied == []
        assert session.editor.text("app/main.py") == MAIN_PY
