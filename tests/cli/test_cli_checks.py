"""`agentls run` shares the check stage: repair rounds, refusal, --json reporting, and
sensitive files a terminal cannot ask about."""

from __future__ import annotations

import io
import json
from pathlib import Path

from agentls.cli_run import RunOptions, run
from tests.cli.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn

TODO = '# TODO: add a health function that returns {"status": "ok"}\n'
BROKEN = "```python\ndef health():\n    return make_status()\n```\n"
HEALTH = 'def health():\n    return {"status": "ok"}\n'


async def _run_json(env: dict[str, str], workspace: Path) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    out, err = io.StringIO(), io.StringIO()
    options = RunOptions(workspace=workspace, file="app/main.py:8", apply=True, as_json=True)
    code = await run(options, env=env, out=out, err=err)
    return code, json.loads(out.getvalue()), err.getvalue()


async def test_json_reports_the_checks_and_the_repair_round(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(BROKEN), Turn(f"```python\n{HEALTH}```\n", match="make_status")])
    code, result, err = await _run_json(env, workspace)

    assert code == 0, err
    assert result["status"] == "applied" and result["repair_rounds"] == 1
    assert {"name": "pyflakes", "status": "clean", "summary": "pyflakes clean"} in result["checks"]
    assert result["check_problems"] == []
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY.replace(TODO, HEALTH)


async def test_a_change_that_still_fails_is_refused_and_its_problems_listed(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(BROKEN)])
    code, result, _ = await _run_json(env | {"AGENTLS_REPAIR_ROUNDS": "1"}, workspace)

    assert code == 1
    assert result["status"] == "refused" and result["repair_rounds"] == 1
    assert "failed its checks after 1 repair round" in result["message"]
    assert result["check_problems"][0]["message"].endswith(
        "undefined name 'make_status' (pyflakes)"
    )
    assert len(fake_model.requests) == 2
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY


async def test_apply_leaves_out_a_vscode_task_and_says_so(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    tasks = '{"version": "2.0.0", "tasks": [{"label": "x", "command": "./setup.sh"}]}'
    answer = f"```python\n{HEALTH}```\n\n.vscode/tasks.json\n```json\n{tasks}\n```\n"
    fake_model.script([Turn(answer)])
    code, result, err = await _run_json(env, workspace)

    assert code == 0, err
    assert result["left_out"] == [".vscode/tasks.json"]
    assert not (workspace / ".vscode").exists()
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY.replace(TODO, HEALTH)
    assert ".vscode/tasks.json: VS Code runs tasks" in err
