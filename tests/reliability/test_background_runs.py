"""Clients that get `{"status": "started"}` at once (Helix, eglot, lsp-mode: short request
timeouts) and learn the outcome only from applyEdit or showMessage. Faults, cancellation and
shutdown must behave as for clients that wait."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.e2e.test_implement import WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, server_pid, shown, still_serving, wait_until
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

SLOW = Turn(WHOLE_FILE_ANSWER, chunk_size=4, chunk_delay=0.05)


def untouched(workspace: Path) -> bool:
    return (workspace / "app" / "main.py").read_text() == MAIN_PY and not (
        workspace / "app" / "health.py"
    ).exists()


async def test_a_fault_in_a_background_run_is_shown_once(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(status=401)])
    async with lsp_session(workspace, env, capabilities="neovim", client_name="helix") as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", TODO_RANGE)
        assert result["status"] == "started" and result["runId"]
        await wait_until(lambda: shown(session))
        assert await still_serving(session)
        messages = [m.message for m in shown(session)]
        assert len(messages) == 1 and "OPENAI_API_KEY" in messages[0], messages
        assert session.editor.applied == []
    assert untouched(workspace)


async def test_cancelling_a_background_run_closes_the_stream_and_applies_nothing(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([SLOW])
    async with lsp_session(workspace, env, capabilities="neovim", client_name="helix") as session:
        session.editor.open("app/main.py")
        assert (await session.run("app/main.py", TODO_RANGE))["status"] == "started"
        await wait_until(lambda: fake_model.requests)
        cancelled = await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="agentls.cancel", arguments=[])
        )
        assert cancelled == {"cancelled": 1}
        assert await asyncio.to_thread(fake_model.wait_for_aborted, 1, 10.0)
        assert await still_serving(session)
        assert session.editor.applied == []
        assert shown(session) == []
    assert untouched(workspace)


async def test_shutdown_with_background_runs_in_flight_exits_promptly(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER, delay=30)])
    started = time.monotonic()
    async with lsp_session(workspace, env, capabilities="neovim", client_name="helix") as session:
        session.editor.open("app/main.py")
        for _ in range(3):
            assert (await session.run("app/main.py", TODO_RANGE))["status"] == "started"
        await wait_until(lambda: len(fake_model.requests) >= 3)
        pid = server_pid(session)
    assert time.monotonic() - started < 15
    status = Path(f"/proc/{pid}/status")
    assert not status.exists() or "zombie" in status.read_text()
    assert await asyncio.to_thread(fake_model.wait_for_aborted, 3, 5.0)
    assert session.editor.applied == []
    assert untouched(workspace)
