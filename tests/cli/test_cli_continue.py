"""`agentls run --continue RUN_ID "…"`: refine a run's change, or answer its question."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import MAIN_PY
from tests.cli.test_cli_run import agentls_run
from tests.support.fake_model import FakeModel, Turn

TODO = '# TODO: add a health function that returns {"status": "ok"}\n'
HEALTH = 'def health():\n    return {"status": "ok"}\n'
ASYNC_HEALTH = HEALTH.replace("def health", "async def health")
FIRST = f"Added `health()`.\n\n```python\n{HEALTH}```\n"
QUESTION = "Should health() also report the version?"


async def test_continue_refines_the_change_with_the_first_answer_in_the_conversation(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(FIRST), Turn(f"Async now.\n\n```python\n{ASYNC_HEALTH}```\n")])
    code, out, err = await agentls_run(
        env, workspace, "", file="app/main.py:8", apply=True, as_json=True
    )
    assert code == 0, err
    first_id = json.loads(out)["run_id"]
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY.replace(TODO, HEALTH)
    code, out, err = await agentls_run(
        env, workspace, "make it async", continues=first_id, apply=True, as_json=True
    )
    assert code == 0, err
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY.replace(TODO, ASYNC_HEALTH)
    second = fake_model.requests[1].body["messages"]
    assert {"role": "assistant", "content": FIRST} in second
    assert second[-1]["content"].startswith("Follow-up: make it async")


async def test_a_question_is_answered_with_continue(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(QUESTION), Turn(FIRST)])
    code, out, err = await agentls_run(env, workspace, "", file="app/main.py:8", apply=True)
    assert code == 1
    assert out.strip() == QUESTION
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY  # nothing written
    hint = next(line for line in err.splitlines() if "--continue" in line)
    run_id = hint.split("--continue ")[1].split()[0]
    code, _, err = await agentls_run(
        env, workspace, "no, only the status", continues=run_id, apply=True
    )
    assert code == 0, err
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY.replace(TODO, HEALTH)
    assert {"role": "assistant", "content": QUESTION} in fake_model.requests[1].body["messages"]


async def test_continue_with_an_unknown_run_says_so(env: dict[str, str], workspace: Path) -> None:
    code, _, err = await agentls_run(env, workspace, "again", continues="0123456789ab")
    assert code == 2
    assert "no kept conversation for run 0123456789ab" in err


async def test_nothing_said_stays_on_disk_when_transcripts_are_off(
    env: dict[str, str], workspace: Path, fake_model: FakeModel, tmp_path: Path
) -> None:
    env = {**env, "AGENTLS_PROVENANCE__TRANSCRIPTS": "0"}
    fake_model.script([Turn(QUESTION)])
    code, _, err = await agentls_run(env, workspace, "", file="app/main.py:8")
    assert code == 1
    assert "--continue" not in err
    assert not list(tmp_path.rglob("conversations"))
    code, _, err = await agentls_run(env, workspace, "yes", continues="0123456789ab")
    assert code == 2
    assert "provenance.transcripts above 0" in err
