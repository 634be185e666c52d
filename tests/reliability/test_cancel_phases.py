"""Cancel at every phase of a run; nothing is applied in any of them.

Streaming itself is covered three ways by tests/e2e/test_run_lifecycle.py
(test_cancel_closes_stream_and_applies_nothing); here are the phases around it.
"""

from __future__ import annotations

import asyncio
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

from tests.e2e.conftest import MAIN_PY
from tests.e2e.test_implement import WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, still_serving, wait_until
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import Session, lsp_session


async def cancel_all(session: Session) -> Any:
    return await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="agentls.cancel", arguments=[])
    )


def assert_nothing_applied(session: Session, workspace: Path) -> None:
    assert session.editor.applied == []
    assert session.editor.text("app/main.py") == MAIN_PY
    assert not (workspace / "app" / "health.py").exists()


async def cancel_by(how: str, session: Session, run: asyncio.Future[Any]) -> None:
    """Cancel the one run in flight as an editor would; check the command's answer."""
    if how == "agentls.cancel":
        await cancel_all(session)
    elif how == "progress cancel":
        token = next(iter(session.client.progress_reports))
        session.client.window_work_done_progress_cancel(
            types.WorkDoneProgressCancelParams(token=token)
        )
    else:
        session.client.protocol.notify("$/cancelRequest", types.CancelParams(id="the-run"))
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(run, 10)
        return
    result = await asyncio.wait_for(run, 10)
    assert result["status"] == "cancelled", result


def slow_git(folder: Path, started: Path, seconds: float) -> Path:
    """A `git` first on PATH that notes it was called, then takes `seconds` to list files:
    context gathering of a huge workspace, made deterministic."""
    real = next(
        p
        for d in os.environ["PATH"].split(os.pathsep)
        if (p := Path(d) / "git").is_file() and os.access(p, os.X_OK)
    )
    folder.mkdir()
    script = folder / "git"
    script.write_text(f'#!/bin/sh\ntouch "{started}"\nsleep {seconds}\nexec "{real}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.mark.parametrize("how", ["agentls.cancel", "progress cancel", "$/cancelRequest"])
async def test_cancel_while_gathering_context_never_asks_the_model(
    how: str, workspace: Path, env: dict[str, str], fake_model: FakeModel, tmp_path: Path
) -> None:
    (workspace / ".git").mkdir()  # makes the index ask git for the file list
    for i in range(300):
        (workspace / f"pkg{i % 10}").mkdir(exist_ok=True)
        (workspace / f"pkg{i % 10}" / f"m{i}.py").write_text(f"VALUE_{i} = {i}\n")
    started = tmp_path / "git-started"
    fake_bin = slow_git(tmp_path / "bin", started, seconds=2)
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    run_env = env | {"PATH": f"{fake_bin}{os.pathsep}{env['PATH']}"}
    async with lsp_session(workspace, run_env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(
            session.run("app/main.py", TODO_RANGE, scope="workspace", msg_id="the-run")
        )
        await wait_until(started.exists)
        await cancel_by(how, session, run)
        assert await still_serving(session)
        assert fake_model.requests == []
        assert_nothing_applied(session, workspace)


@pytest.mark.parametrize("how", ["agentls.cancel", "progress cancel", "$/cancelRequest"])
async def test_cancel_while_waiting_for_response_headers(
    how: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER, delay=30)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE, msg_id="the-run"))
        await wait_until(lambda: fake_model.requests)
        await cancel_by(how, session, run)
        assert await asyncio.to_thread(fake_model.wait_for_aborted, 1, 10.0)
        assert await still_serving(session)
        assert_nothing_applied(session, workspace)


async def test_cancel_during_a_retry_wait_stops_retrying(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(status=503, headers={"Retry-After": "20"})])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        started = time.monotonic()
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE))
        await wait_until(lambda: fake_model.requests)
        await cancel_all(session)
        result = await asyncio.wait_for(run, 10)
        assert result["status"] == "cancelled", result
        assert time.monotonic() - started < 15
        assert len(fake_model.requests) == 1
        assert await still_serving(session)
        assert_nothing_applied(session, workspace)


async def test_cancel_while_the_editor_holds_the_edit_withdraws_it(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """The answer is complete and applyEdit is out, but the editor has not applied it yet
    (a refactor preview is open). A cancel now must withdraw the edit ($/cancelRequest on
    the applyEdit): an editor that honours that applies nothing."""
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env) as session:
        arrived = asyncio.Event()

        async def preview_then_apply(
            params: types.ApplyWorkspaceEditParams,
        ) -> types.ApplyWorkspaceEditResult:
            arrived.set()
            await asyncio.sleep(3)  # the user looks at the preview, then accepts
            return session.editor.apply(params)

        session.client.protocol.fm.features[types.WORKSPACE_APPLY_EDIT] = preview_then_apply
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE))
        await asyncio.wait_for(arrived.wait(), 10)
        await cancel_all(session)
        result = await asyncio.wait_for(run, 10)
        assert result["status"] == "cancelled", result
        assert await still_serving(session)
        assert_nothing_applied(session, workspace)


async def test_cancel_while_the_editor_creates_the_progress_token_ends_the_run(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """The editor is slow to answer window/workDoneProgress/create and the run is
    cancelled meanwhile: the run must not stay registered (holding its provider open)."""
    fake_model.script([Turn(WHOLE_FILE_ANSWER, delay=30)])
    async with lsp_session(workspace, env) as session:
        asked = asyncio.Event()
        answer = asyncio.Event()

        async def slow_create(params: types.WorkDoneProgressCreateParams) -> None:
            asked.set()
            await answer.wait()
            session.client.progress_reports.setdefault(params.token, [])

        features = session.client.protocol.fm.features
        default_create = features[types.WINDOW_WORK_DONE_PROGRESS_CREATE]
        features[types.WINDOW_WORK_DONE_PROGRESS_CREATE] = slow_create
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE, msg_id="the-run"))
        await asyncio.wait_for(asked.wait(), 10)
        session.client.protocol.notify("$/cancelRequest", types.CancelParams(id="the-run"))
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(run, 10)
        # The editor has still not answered: the run ended anyway, and its handle (which
        # holds the provider open) is gone, so agentls.cancel finds nothing.
        left = await cancel_all(session)
        for _ in range(50):
            if left == {"cancelled": 0}:
                break
            await asyncio.sleep(0.1)
            left = await cancel_all(session)
        assert left == {"cancelled": 0}
        answer.set()  # a late answer is harmless
        features[types.WINDOW_WORK_DONE_PROGRESS_CREATE] = default_create
        fake_model.script([Turn(WHOLE_FILE_ANSWER)])  # whether or not the first run asked
        result = await asyncio.wait_for(session.run("app/main.py", TODO_RANGE), 20)
        assert result["status"] == "applied", result
