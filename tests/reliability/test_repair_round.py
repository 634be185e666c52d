"""Faults and cancellation during the repair round (the second request, sent when the first
answer could not be applied)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.reliability.support import TODO_RANGE, record, shown, still_serving, wait_until
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

UNMATCHED = (
    "Fixed it.\n\napp/main.py\n```python\n<<<<<<< SEARCH\nthis line is not in the file\n"
    "=======\nreplacement = True\n>>>>>>> REPLACE\n```\n"
)


async def test_a_fault_or_a_cancel_in_the_repair_round_applies_nothing(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    run_env = env | {"AGENTLS_HTTP__BACKOFF_INITIAL": "0.01"}
    fake_model.script([Turn(UNMATCHED), Turn(status=500)])
    async with lsp_session(workspace, run_env) as session:
        session.editor.open("app/main.py")
        failed = await session.run("app/main.py", TODO_RANGE)
        assert len(fake_model.requests) == 4  # the answer, then the repair tried 3 times
        messages = [m.message for m in shown(session)]
        record("repair round 500", messages[-1] if messages else "")
        assert failed["status"] == "failed", failed
        assert len(messages) == 1 and "500" in messages[0], messages

        fake_model.clear_requests()
        fake_model.script([Turn(UNMATCHED), Turn(UNMATCHED, delay=30)])
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE))
        await wait_until(lambda: len(fake_model.requests) == 2)
        await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="agentls.cancel", arguments=[])
        )
        cancelled = await asyncio.wait_for(run, 10)
        assert cancelled["status"] == "cancelled", cancelled
        assert await asyncio.to_thread(fake_model.wait_for_aborted, 1, 5.0)
        assert len(shown(session)) == 1
        assert await still_serving(session)
        assert session.editor.applied == []
        assert session.editor.text("app/main.py") == MAIN_PY
