"""Project checks (`checks.commands`) through a real LSP session: run on a shadow copy,
failures the change introduces go back to the model, and a repository's own commands
run only where the user trusts it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import yaml
from lsprotocol import types

from tests.e2e.test_checks import ON_TARGET, ORDERS_DONE, ORDERS_PY, progress_messages
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session, range_of

SELECTION = range_of(ORDERS_PY, "# TODO: return the sum")
WRONG = ORDERS_DONE.replace("return sum(prices)", "return max(prices)")
WRONG_ANSWER = f"Done.\n\norders.py\n```python\n{WRONG}```\n"
TEST = "from orders import total; assert total([1, 2]) == 3, 'total([1, 2]) should be 3'"


def user_config(env: dict[str, str], settings: dict[str, object]) -> None:
    path = Path(env["XDG_CONFIG_HOME"]) / "agentls" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")


async def test_a_failing_project_test_is_repaired(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    user_config(env, {"checks": {"commands": [[sys.executable, "-c", TEST]]}})
    fake_model.script([Turn(WRONG_ANSWER), Turn(ON_TARGET, match="should be 3")])
    async with lsp_session(workspace, env) as session:
        session.editor.open("orders.py")
        result = await session.run("orders.py", SELECTION)

        assert result["status"] == "applied", session.errors()
        assert session.editor.text("orders.py") == ORDERS_DONE
        feedback = fake_model.requests[1].body["messages"][-1]["content"]
        assert f"`{sys.executable} -c {TEST}` failed (exit 1) after the change" in feedback
        assert "AssertionError: total([1, 2]) should be 3" in feedback
        progress = progress_messages(session)
        assert f"Running check `{sys.executable} -c {TEST}` (1 of 1)" in progress
        assert "Fixing 1 problem (round 1 of 2)" in progress
        assert result["checks"][-1] == f"{sys.executable} -c {TEST}: passed"
        # The command ran on a copy: nothing it produced is in the workspace.
        assert not (workspace / "__pycache__").exists()


async def test_an_untrusted_repositorys_command_never_runs(
    workspace: Path, env: dict[str, str], fake_model: FakeModel, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    command = [sys.executable, "-c", f"open({str(marker)!r}, 'w').write('ran')"]
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    (workspace / ".agentls.yaml").write_text(
        yaml.safe_dump({"checks": {"commands": [command]}}), encoding="utf-8"
    )
    fake_model.script([Turn(ON_TARGET)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("orders.py")
        result = await session.run("orders.py", SELECTION)
        assert result["status"] == "applied", session.errors()
        warnings = [m.message for m in session.messages if "checks.commands" in m.message]
        assert len(warnings) == 1 and "only in a trusted workspace" in warnings[0]
        assert "nothing is run" in warnings[0]
    assert not marker.exists()

    # Trusted by the user's own file: the same command runs (in the shadow copy).
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    user_config(env, {"trusted_workspaces": [str(workspace)]})
    async with lsp_session(workspace, env) as session:
        session.editor.open("orders.py")
        result = await session.run("orders.py", SELECTION)
        assert result["status"] == "applied", session.errors()
    assert marker.read_text() == "ran"

    # Trusted by the editor (VS Code workspace trust, passed in initializationOptions).
    marker.unlink()
    user_config(env, {})
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    options = {"agentls": {"workspace_trusted": True}}
    async with lsp_session(workspace, env, init_options=options) as session:
        session.editor.open("orders.py")
        result = await session.run("orders.py", SELECTION)
        assert result["status"] == "applied", session.errors()
    assert marker.read_text() == "ran"


HANG = "import os, time; open('pid', 'w').write(str(os.getpid())); time.sleep(60)"


async def test_a_hanging_check_is_killed_at_the_timeout(
    workspace: Path, env: dict[str, str], fake_model: FakeModel, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    hang = HANG.replace("'pid'", repr(str(pid_file)))
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    user_config(env, {"checks": {"commands": [[sys.executable, "-c", hang]], "timeout": 1}})
    fake_model.script([Turn(ON_TARGET)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("orders.py")
        started = time.monotonic()
        result = await session.run("orders.py", SELECTION)
        elapsed = time.monotonic() - started

        # It hangs before the change as well, so it is not the change's problem.
        assert result["status"] == "applied", session.errors()
        assert result["checks"][-1].endswith("failing before the change too (timed out after 1 s)")
        assert elapsed < 20
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "zombie"
    return status.lower()


FLOOD = (
    "import sys; t = open('orders.py').read(); sys.stdout.write('spam line\\n' * 3_000_000); "
    "sys.exit(1 if 'max(' in t else 0)"
)


async def test_a_check_that_floods_its_output_is_trimmed_for_the_model(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    user_config(env, {"checks": {"commands": [[sys.executable, "-c", FLOOD]]}})
    fake_model.script([Turn(WRONG_ANSWER), Turn(ON_TARGET, match="failed (exit 1)")])
    async with lsp_session(workspace, env) as session:
        session.editor.open("orders.py")
        result = await session.run("orders.py", SELECTION)

        assert result["status"] == "applied", session.errors()
        feedback = fake_model.requests[1].body["messages"][-1]["content"]
        assert len(feedback) < 6_000
        assert "spam line" in feedback


SCRIBBLE = (
    "open('scribble.txt', 'w').write('x'); open('orders.py', 'w').write('overwritten by the check')"
)


async def test_a_check_writing_files_writes_only_in_the_shadow_copy(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "orders.py").write_text(ORDERS_PY, encoding="utf-8")
    user_config(env, {"checks": {"commands": [[sys.executable, "-c", SCRIBBLE]]}})
    fake_model.script([Turn(ON_TARGET)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("orders.py")
        result = await session.run("orders.py", SELECTION)

        assert result["status"] == "applied", session.errors()
        assert session.editor.text("orders.py") == ORDERS_DONE
    assert not (workspace / "scribble.txt").exists()
    # On disk the file is as it was (the editor holds the applied edit, unsaved): the
    # check's in-place rewrite went to the copy, not through to the user's file.
    assert (workspace / "orders.py").read_text() == ORDERS_PY
    assert not [m for m in session.messages if m.type == types.MessageType.Error]
