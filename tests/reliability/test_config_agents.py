"""Broken configuration and agent files, through the real server: a visible Warning that
names the file and the field, and a server that keeps serving on defaults."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.e2e.test_implement import WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, model_prompt, record, still_serving, wait_until
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import Session, lsp_session

GOOD_AGENT = """---
description: Reviews code for bugs.
agentls:
  titles:
    selection: Review this
    workspace: Review the workspace
---
You review code.
"""


def warnings(session: Session) -> list[str]:
    return [m.message for m in session.messages if m.type == types.MessageType.Warning]


def errors(session: Session) -> list[str]:
    return [m.message for m in session.messages if m.type == types.MessageType.Error]


async def test_broken_yaml_warns_and_the_server_runs_on_defaults(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / ".agentls.yaml").write_text("provider: [openai\nmodel: x\n  bad indent: :\n")
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env) as session:
        await wait_until(lambda: warnings(session))
        assert len(warnings(session)) == 1, warnings(session)
        record("broken .agentls.yaml", warnings(session)[0])
        assert ".agentls.yaml" in warnings(session)[0]
        assert await still_serving(session)
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", TODO_RANGE)
        assert result["status"] == "applied", session.errors()
        assert errors(session) == []


async def test_wrong_types_and_unknown_keys_warn_per_field_and_good_keys_apply(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    (workspace / ".agentls.yaml").write_text(
        "temperature: hot\n"
        "http:\n  read_timeout: soon\n  retries: 3\n"
        "colour: blue\n"
        "context:\n  exclude: [README.md]\n"
    )
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env) as session:
        expected = ("temperature", "http.read_timeout", "http.retries", "colour")
        await wait_until(lambda: len(warnings(session)) >= len(expected))
        shown = warnings(session)
        for row in shown:
            record("config warning", row)
        for name in expected:
            matching = [w for w in shown if name in w and ".agentls.yaml" in w]
            assert len(matching) == 1, (name, shown)
        assert len(shown) == len(expected), shown
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", TODO_RANGE, scope="workspace")
        assert result["status"] == "applied", session.errors()
        assert "A FastAPI app." not in model_prompt(fake_model)  # context.exclude applied

        # The same from the editor: a warning naming the field, no failure.
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"agentls": {"maxTokens": "lots", "unknownKnob": True}}
            )
        )
        await wait_until(lambda: len(warnings(session)) >= len(expected) + 2)
        fresh = warnings(session)[len(expected) :]
        for row in fresh:
            record("editor settings warning", row)
        assert any("max_tokens" in w for w in fresh), fresh
        assert any("unknown_knob" in w and "ignored" in w for w in fresh), fresh
        assert await still_serving(session)
        assert errors(session) == []


async def test_broken_agent_files_warn_once_and_other_agents_stay(
    workspace: Path, env: dict[str, str]
) -> None:
    folder = workspace / ".agentls" / "agents"
    folder.mkdir(parents=True)
    (folder / "reviewer.md").write_text(GOOD_AGENT)
    (folder / "broken.md").write_text("---\ndescription: [unclosed\n---\nBody.\n")
    (folder / "typed.md").write_text("---\ndescription: x\ntemperature: hot\n---\nBody.\n")
    (folder / "extra.md").write_text(
        "---\ndescription: Extra keys.\nfavourite_colour: blue\n---\nYou help.\n"
    )
    async with lsp_session(workspace, env) as session:
        await wait_until(lambda: len(warnings(session)) >= 2)
        assert await still_serving(session)
        shown = warnings(session)
        for row in shown:
            record("agent file warning", row)
        assert len([w for w in shown if "broken.md" in w]) == 1, shown
        assert len([w for w in shown if "typed.md" in w and "temperature" in w]) == 1, shown
        assert not any("extra.md" in w and "skipped" in w for w in shown), shown
        actions = await session.code_actions("app/main.py", TODO_RANGE)
        titles = {a.title for a in actions}
        assert {"Implement backend", "Review this", "Run extra"} <= titles, titles
        assert not any("broken" in t or "typed" in t for t in titles), titles
        # Reloading (a settings change) does not repeat the same warnings.
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"agentls": {}})
        )
        assert await still_serving(session)
        assert len(warnings(session)) == len(shown)
        assert errors(session) == []
