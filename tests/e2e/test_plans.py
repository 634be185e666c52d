"""Plan, then implement: the tech-lead writes a plan file; backend-developer carries it out."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session, range_of

TODO = "# TODO: add a /health endpoint that reports the service status"
PLAN = """# Health endpoint

The service needs a `/health` route for the load balancer.

## Files
- `app/main.py`: add `GET /health`.

## Steps
1. Add the route; it returns `{"status": "ok"}`.

## Tests
- A request to `/health` answers 200.

## Open questions
- Should it check the database too?
"""
NEW_MAIN = MAIN_PY.replace(
    TODO + "\n",
    '@app.get("/health")\ndef health() -> dict[str, str]:\n    return {"status": "ok"}\n',
)
IMPLEMENTATION = f"""I followed the plan.

```python title="app/main.py"
{NEW_MAIN}```
"""


async def test_plan_then_implement_from_the_plan_file(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(PLAN), Turn(IMPLEMENTATION)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        actions = {
            a.title: a for a in await session.code_actions("app/main.py", range_of(MAIN_PY, TODO))
        }
        plan_action = actions["Plan feature"]
        assert plan_action.kind == "source.agentls.plan"
        result = await session.run_action(plan_action)
        assert result["status"] == "planned", session.errors()
        assert result["plan"] == "docs/plans/health-endpoint.md"
        plan_file = workspace / "docs" / "plans" / "health-endpoint.md"
        assert plan_file.read_text() == PLAN
        assert session.editor.text("app/main.py") == MAIN_PY  # a planner writes no code
        assert [d.uri for d in session.client.shown_documents] == [
            session.editor.uri(result["plan"])
        ]
        sent = fake_model.requests[0].body["messages"]
        assert sent[0]["content"].startswith("You are the tech lead of this project.")
        assert "Do not write the implementation" in sent[0]["content"]
        assert len(sent) == 2  # no worked example to copy
        assert TODO in sent[-1]["content"]

        session.editor.open(result["plan"], "markdown")
        rng = range_of(PLAN, "## Steps")
        implement = {a.title: a for a in await session.code_actions(result["plan"], rng)}
        action = implement["Implement plan with backend-developer"]
        assert action.kind == "source.agentls.implementPlan"
        done = await session.run_action(action)
        assert done["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == NEW_MAIN
        assert session.editor.text(result["plan"]) == PLAN  # the plan itself is untouched
        request = fake_model.requests[1].body["messages"][-1]["content"]
        assert "Implement the plan in docs/plans/health-endpoint.md." in request
        assert "Should it check the database too?" in request


async def test_a_second_plan_with_the_same_title_gets_its_own_file(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(PLAN), Turn(PLAN)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        plans = []
        for _ in range(2):
            result = await session.run("app/main.py", range_of(MAIN_PY, TODO), agent="tech-lead")
            plans.append(result["plan"])
        assert plans == ["docs/plans/health-endpoint.md", "docs/plans/health-endpoint-2.md"]


async def test_no_implement_action_outside_the_plans_folder(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    async with lsp_session(workspace, env) as session:
        session.editor.open("README.md", "markdown")
        titles = [
            a.title for a in await session.code_actions("README.md", range_of("# Demo", "# Demo"))
        ]
        assert not [t for t in titles if t.startswith("Implement plan")]


async def test_a_reply_to_a_question_about_the_plan_keeps_the_plan_out_of_reach(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    question = "Should the endpoint check the database too?"
    fake_model.script([Turn(PLAN), Turn(question), Turn(IMPLEMENTATION)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        plan = (await session.run("app/main.py", range_of(MAIN_PY, TODO), agent="tech-lead"))[
            "plan"
        ]
        session.editor.open(plan, "markdown")
        actions = {a.title: a for a in await session.code_actions(plan, range_of(PLAN, "## Steps"))}
        asked = await session.run_action(actions["Implement plan with backend-developer"])
        assert asked["status"] == "question", session.errors()
        reply = await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="agentls.reply", arguments=[{"runId": asked["runId"], "text": "no"}]
            )
        )
        assert reply["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == NEW_MAIN
        assert session.editor.text(plan) == PLAN
        follow_up = fake_model.requests[2].body["messages"][-1]["content"]
        assert follow_up.startswith("Follow-up: no")
        assert "as it is now" not in follow_up  # no current file: the plan is not offered
