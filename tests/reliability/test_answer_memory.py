"""A huge answer is refused without the server ever holding it: peak memory (VmHWM) grows
by a small fraction of the answer, and the model connection is dropped early."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.e2e.conftest import MAIN_PY
from tests.reliability.support import TODO_RANGE, server_pid, shown, still_serving
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

ANSWER_MB = 50


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


async def test_a_50_mb_answer_is_refused_with_bounded_memory(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    huge = "```python\n" + "x = 1  # padding padding padding\n" * (ANSWER_MB * 1024 * 1024 // 34)
    fake_model.script([Turn(huge, chunk_size=65536)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        assert await still_serving(session)
        pid = server_pid(session)
        before = peak_rss_mb(pid)
        result = await session.run("app/main.py", TODO_RANGE)
        growth = peak_rss_mb(pid) - before
        messages = [m.message for m in shown(session)]
        assert result["status"] == "failed", result
        assert len(messages) == 1 and "max_answer_bytes" in messages[0], messages
        assert growth < ANSWER_MB / 2, f"peak RSS grew by {growth:.0f} MB"
        assert await asyncio.to_thread(fake_model.wait_for_aborted, 1, 5.0)  # stopped early
        assert session.editor.text("app/main.py") == MAIN_PY
