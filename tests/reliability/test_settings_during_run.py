"""Settings that change while a run is in flight take effect on the next run; the run in
flight finishes with the settings it started with (its model connection is not closed
under it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from tests.e2e.test_implement import NEW_MAIN, WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, shown, wait_until
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session


async def test_a_settings_change_mid_run_does_not_break_the_run(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER, chunk_size=16, chunk_delay=0.03)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE))
        await wait_until(lambda: fake_model.requests)
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"agentls": {"maxTokens": 321, "http": {"readTimeout": 90}}}
            )
        )
        result = await asyncio.wait_for(run, 20)
        assert result["status"] == "applied", [m.message for m in shown(session)]
        assert session.editor.text("app/main.py") == NEW_MAIN
        assert shown(session) == []
        # The next run uses the new settings.
        fake_model.script([Turn("Nothing to do.")])
        await session.run("app/main.py", TODO_RANGE)
        assert fake_model.requests[-1].body.get("max_tokens") == 321
