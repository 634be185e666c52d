"""Through real LSP: a pathless block never deletes code outside the selection, and a
pathless block beside a new module is applied, not dropped (issue #11)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session, range_of

TODO = "# TODO: add a /health endpoint that reports the service status"
ROUTE = '@app.get("/health")\ndef health():\n    return {"status": "ok"}\n'


async def _implement_backend(workspace: Path, env: dict[str, str]) -> str:
    """Run "Implement backend" on the TODO of app/main.py; the buffer's text afterwards."""
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        actions = await session.code_actions("app/main.py", range_of(MAIN_PY, TODO))
        action = next(a for a in actions if a.title == "Implement backend")
        result = await session.run_action(action)
        assert result["status"] == "applied", session.errors()
        return session.editor.text("app/main.py")


async def test_word_sharing_block_replaces_only_the_selection(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    # "app", "FastAPI", "def", "return": the words around the TODO, none of its lines.
    answer = f"```python\n{ROUTE}```\nA FastAPI app route that returns the status."
    fake_model.script([Turn(answer)])
    text = await _implement_backend(workspace, env)
    assert text == MAIN_PY.replace(TODO + "\n", ROUTE)


async def test_pathless_block_beside_a_new_module_lands_in_the_selection(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    answer = (
        'app/health.py\n```python\ndef status():\n    return {"status": "ok"}\n```\n\n'
        "Replace the TODO with:\n```python\nfrom app.health import status\n\n\n"
        '@app.get("/health")\ndef health():\n    return status()\n```\n'
    )
    fake_model.script([Turn(answer)])
    text = await _implement_backend(workspace, env)
    assert TODO not in text and "    return status()\n" in text
    assert text.startswith(MAIN_PY.split("# TODO")[0])
    assert (workspace / "app" / "health.py").read_text().startswith("def status():")


async def test_project_rules_reach_the_model_through_lsp(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / "AGENTS.md").write_text("Every endpoint returns a dict.\n")
    fake_model.script([Turn(f"```python\n{ROUTE}```")])
    await _implement_backend(workspace, env)
    system = fake_model.requests[-1].body["messages"][0]["content"]
    assert "## Project rules (AGENTS.md)\nEvery endpoint returns a dict." in system


async def test_a_small_model_gets_the_lean_prompt_through_lsp(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(f"```python\n{ROUTE}```")])
    small = {**env, "AGENTLS_MODEL": "qwen2.5-coder-0.5b-instruct"}
    await _implement_backend(workspace, small)
    messages = fake_model.requests[-1].body["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]  # no worked example
    assert messages[1]["content"].rstrip().endswith("say in one sentence what the code does.")
