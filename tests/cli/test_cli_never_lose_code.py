"""`agentls run --apply` with the answers a real small model gave (issue #11):
a word-sharing block for a TODO below another function, and a pathless block beside a
new module. Plus the lean prompt a small model is sent."""

from __future__ import annotations

import io
from pathlib import Path

from agentls.cli_run import RunOptions, run
from tests.cli.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn

TODO = '# TODO: add a health function that returns {"status": "ok"}\n'
HEALTH = 'def health():\n    return {"status": "ok"}\n'


async def _run(env: dict[str, str], workspace: Path, **flags: object) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    options = RunOptions(workspace=workspace, file="app/main.py:8", apply=True, **flags)  # type: ignore[arg-type]
    code = await run(options, env=env, out=out, err=err)
    return code, out.getvalue() + err.getvalue()


async def test_a_block_sharing_the_words_around_the_todo_keeps_the_function_above(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    # Shares def/return/"status" with hello() above, but none of its lines.
    fake_model.script([Turn(f"```python\n{HEALTH}```\nReturns the status.")])
    code, output = await _run(env, workspace)
    assert code == 0, output
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY.replace(TODO, HEALTH)


async def test_a_pathless_block_beside_a_new_module_is_applied_too(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    answer = (
        'app/status.py\n```python\ndef status():\n    return {"status": "ok"}\n```\n\n'
        "And this replaces the TODO:\n```python\nfrom app.status import status\n\n\n"
        "def health():\n    return status()\n```\n"
    )
    fake_model.script([Turn(answer)])
    code, output = await _run(env, workspace)
    assert code == 0, output
    main = (workspace / "app" / "main.py").read_text()
    assert "def health():\n    return status()\n" in main and "# TODO" not in main
    assert main.startswith(MAIN_PY.split("# TODO")[0])
    assert (workspace / "app" / "status.py").read_text().startswith("def status():")


async def test_a_small_model_gets_the_lean_prompt(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(f"```python\n{HEALTH}```")])
    env = {**env, "AGENTLS_MODEL": "qwen2.5-coder-0.5b-instruct"}
    code, output = await _run(env, workspace)
    assert code == 0, output
    messages = fake_model.requests[-1].body["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "get_item" not in str(messages)
    assert "replaces the selected lines" in messages[1]["content"]


async def test_project_rules_reach_the_model_redacted_and_can_be_turned_off(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    key = "sk-live-" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4"
    (workspace / "AGENTS.md").write_text(f"Return plain dicts.\nDeploy key: {key}\n")
    fake_model.script([Turn(f"```python\n{HEALTH}```")])
    code, output = await _run(env, workspace)
    assert code == 0, output
    system = fake_model.requests[-1].body["messages"][0]["content"]
    assert "## Project rules (AGENTS.md)\nReturn plain dicts." in system
    assert key not in str(fake_model.requests[-1].body)
    (workspace / "app" / "main.py").write_text(MAIN_PY)
    code, output = await _run({**env, "AGENTLS_CONTEXT__PROJECT_RULES": "false"}, workspace)
    assert code == 0, output
    assert "Return plain dicts." not in str(fake_model.requests[-1].body)


async def test_a_repair_round_that_brings_the_same_answer_ends_the_repairs(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    broken = "```python\ndef health():\n    return {'status': current_status}\n```"
    fake_model.script([Turn(broken)])  # the same answer, every round
    code, output = await _run(env, workspace)
    assert code == 1 and "undefined name 'current_status'" in output
    chats = [r for r in fake_model.requests if r.path.endswith("/chat/completions")]
    assert len(chats) == 2  # the first answer and one repair round, not two
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY


async def test_a_requested_module_that_landed_in_the_readme_is_sent_back(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    readme = "# Demo\n\nCreate money.py with cents(amount) that returns an int.\n"
    (workspace / "README.md").write_text(readme)
    echoed = "```md\nmoney.py: cents(amount) returns an int.\n```"
    fixed = "money.py\n```python\ndef cents(amount):\n    return round(amount * 100)\n```"
    fake_model.script([Turn(echoed), Turn(fixed)])
    out, err = io.StringIO(), io.StringIO()
    options = RunOptions(workspace=workspace, file="README.md:3", scope="workspace", apply=True)
    code = await run(options, env=env, out=out, err=err)
    assert code == 0, err.getvalue()
    feedback = fake_model.requests[-1].body["messages"][-1]["content"]
    assert "the request asks for `money.py`, but the answer does not create it" in feedback
    assert (workspace / "README.md").read_text() == readme
    assert (workspace / "money.py").read_text().startswith("def cents(amount):")
