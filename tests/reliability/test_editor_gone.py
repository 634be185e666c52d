"""The editor vanishes mid-run (crash, killed, closed pipe): the server notices the end of
its input, closes the model stream, applies nothing and exits on its own."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from tests.e2e.conftest import MAIN_PY
from tests.e2e.test_implement import WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, server_pid, wait_until
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session


def gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "zombie" in status.read_text()
    except OSError:
        return True


async def test_the_server_exits_when_the_editor_disappears_mid_run(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER, chunk_size=4, chunk_delay=0.1)])
    session_context = contextlib.AsyncExitStack()
    session = await session_context.enter_async_context(lsp_session(workspace, env))
    try:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE))
        await wait_until(lambda: fake_model.requests)
        pid = server_pid(session)
        session.client._server.stdin.close()  # type: ignore[union-attr]
        await wait_until(lambda: gone(pid), timeout=10)
        run.cancel()
    finally:
        with contextlib.suppress(Exception):  # its shutdown request finds no server
            await session_context.aclose()
    assert gone(pid)
    assert await asyncio.to_thread(fake_model.wait_for_aborted, 1, 5.0)
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY
    assert not (workspace / "app" / "health.py").exists()
