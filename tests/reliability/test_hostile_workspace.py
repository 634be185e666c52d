"""A hostile workspace through a full workspace-scope run: binary, huge, invalid UTF-8,
symlink loops, a FIFO, dangling links and links leading outside. The run completes and
none of their contents reach the model."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_implement import NEW_MAIN, WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, model_prompt, server_pid, shown
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

MARKERS = {
    "binary": "BINARY_MARKER",
    "huge": "HUGE_MARKER",
    "invalid UTF-8": "INVALID_UTF8_MARKER",
    "outside": "OUTSIDE_MARKER",
}


def seed(workspace: Path, outside: Path) -> None:
    (workspace / "data.txt").write_bytes(b"BINARY_MARKER\x00\x01\x02\xff" * 64)
    with (workspace / "huge.py").open("w") as handle:
        handle.write("HUGE_MARKER = 1\n")
        line = "value = 'padding padding padding padding padding'\n"
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    (workspace / "latin1.py").write_bytes(b"INVALID_UTF8_MARKER = '\xe9t\xe9 \xff\xfe'\n")
    (workspace / "self_loop.py").symlink_to("self_loop.py")
    (workspace / "pkg").mkdir()
    (workspace / "pkg" / "up").symlink_to("..", target_is_directory=True)
    (workspace / "ping.py").symlink_to("pong.py")
    (workspace / "pong.py").symlink_to("ping.py")
    os.mkfifo(workspace / "pipe.py")  # reading it would block forever
    (workspace / "gone.py").symlink_to(workspace / "deleted.py")
    outside.mkdir()
    (outside / "secret.py").write_text("OUTSIDE_MARKER = 'not for the model'\n")
    (workspace / "linked.py").symlink_to(outside / "secret.py")
    (workspace / "linked_dir").symlink_to(outside, target_is_directory=True)


@pytest.mark.parametrize("listing", ["walk", "git"])
async def test_hostile_workspace_is_skipped_and_the_run_completes(
    listing: str, workspace: Path, env: dict[str, str], fake_model: FakeModel, tmp_path: Path
) -> None:
    seed(workspace, tmp_path / "outside")
    if listing == "git":
        subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = session.run("app/main.py", TODO_RANGE, scope="workspace")
        result = await asyncio.wait_for(run, 60)
        assert result["status"] == "applied", [m.message for m in shown(session)]
        assert session.editor.text("app/main.py") == NEW_MAIN
    prompt = model_prompt(fake_model)
    assert "A FastAPI app." in prompt  # the workspace's ordinary text files were sent
    for name, marker in MARKERS.items():
        assert marker not in prompt, name
    assert (tmp_path / "outside" / "secret.py").read_text().startswith("OUTSIDE_MARKER")


async def test_a_file_built_to_stall_secret_redaction_does_not_hang_the_run(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """60 KB of `a.a.a.…` (one token, a word boundary every two characters) is well under
    context.max_file_bytes. Secret redaction must stay linear on it: the run completes, and
    the server exits when asked."""
    (workspace / "chain.txt").write_text("a." * 30_000 + "\n")
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    problems: list[str] = []
    stack = contextlib.AsyncExitStack()
    session = await stack.enter_async_context(lsp_session(workspace, env))
    pid = server_pid(session)
    session.editor.open("app/main.py")
    run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE, scope="workspace"))
    try:
        # asyncio.wait, not wait_for: a timed-out wait_for waits for the cancelled request.
        finished, _ = await asyncio.wait({run}, timeout=20)
        if finished:
            result = run.result()
            assert result["status"] == "applied", [m.message for m in shown(session)]
            assert "a.a.a.a." in model_prompt(fake_model)  # the file itself is fine to send
        else:
            problems.append("the run hung while gathering context (secret redaction)")
    finally:
        closing = asyncio.ensure_future(stack.aclose())
        closed, _ = await asyncio.wait({closing}, timeout=15)
        if not closed:  # our own server, stuck in a worker thread: never leave it running
            problems.append("after shutdown and exit the server process kept running")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        run.cancel()
        await asyncio.wait({closing}, timeout=10)
    assert problems == []
