"""`agentls undo RUN_ID`: a run applied with `agentls run --apply`, undone on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.test_cli_run import GOOD_ANSWER, agentls_run, tree
from tests.support.fake_model import FakeModel, Turn


def agentls_undo(
    env: dict[str, str], workspace: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentls", "undo", *args, "--workspace", str(workspace)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def applied_run(env: dict[str, str], workspace: Path, fake_model: FakeModel) -> str:
    fake_model.script([Turn(GOOD_ANSWER)])
    code, out, err = await agentls_run(env, workspace, apply=True, as_json=True)
    assert code == 0, err
    run_id = json.loads(out)["run_id"]
    assert f"agentls undo {run_id}" in err
    return str(run_id)


async def test_undo_restores_every_file_and_deletes_the_created_one(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    before = tree(workspace)
    run_id = await applied_run(env, workspace, fake_model)
    assert tree(workspace) != before
    done = agentls_undo(env, workspace, run_id, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "undone"
    assert (result["restored"], result["deleted"]) == (["app/main.py"], ["app/status.py"])
    assert tree(workspace) == before
    # Undone once: a second undo finds nothing and says which runs it knows.
    again = agentls_undo(env, workspace, run_id)
    assert again.returncode == 1
    assert f"run {run_id} is not in the ledger" in again.stderr


async def test_undo_leaves_a_file_edited_since_alone_and_says_so(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    run_id = await applied_run(env, workspace, fake_model)
    main = workspace / "app" / "main.py"
    edited = main.read_text().replace("return status()", "return status()  # mine")
    main.write_text(edited)
    done = agentls_undo(env, workspace, run_id)
    assert done.returncode == 0, done.stderr
    assert main.read_text() == edited  # the user's edit is safe
    assert not (workspace / "app" / "status.py").exists()
    assert "deleted app/status.py" in done.stdout
    assert "Left alone: app/main.py (you edited what the run wrote there" in done.stdout


def test_an_unknown_run_is_a_clear_error(env: dict[str, str], workspace: Path) -> None:
    done = agentls_undo(env, workspace, "0123456789ab")
    assert done.returncode == 1
    assert "run 0123456789ab is not in the ledger. The ledger has no runs." in done.stderr
