"""Refine a run and answer the agent's question, through real LSP and the scripted model."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import Session, lsp_session, range_of

TODO = "# TODO: add a /health endpoint that reports the service status"
ENDPOINT = '@app.get("/health")\ndef health() -> dict[str, str]:\n    return {"status": "ok"}\n'
ASYNC_ENDPOINT = ENDPOINT.replace("def health", "async def health")
FIRST = f"I added the endpoint.\n\n```python\n{ENDPOINT}```\n"
REFINED = f"Now it is async.\n\n```python\n{ASYNC_ENDPOINT}```\n"
QUESTION = "Should the endpoint also check the database, or only report that the app is up?"
AFTER_MAIN = MAIN_PY.replace(TODO + "\n", ENDPOINT)


def messages_of(fake_model: FakeModel, index: int) -> list[dict[str, Any]]:
    return list(fake_model.requests[index].body["messages"])


async def first_run(session: Session) -> None:
    session.editor.open("app/main.py")
    result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
    assert result["status"] == "applied", session.errors()
    assert session.editor.text("app/main.py") == AFTER_MAIN


async def titles_at(session: Session, needle: str, line_offset: int = 0) -> dict[str, Any]:
    text = session.editor.text("app/main.py")
    rng = range_of(text, needle)
    rng = types.Range(
        types.Position(rng.start.line + line_offset, 0),
        types.Position(rng.start.line + line_offset, 0),
    )
    return {a.title: a for a in await session.code_actions("app/main.py", rng)}


async def test_refine_from_a_comment_continues_the_conversation(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(FIRST), Turn(REFINED, match="make it async")])
    async with lsp_session(workspace, env) as session:
        await first_run(session)
        assert "Refine…" in await titles_at(session, "def health")
        at = session.editor.text("app/main.py").index('@app.get("/health")')
        session.editor.type_text("app/main.py", at, "# agentls: make it async\n")
        # Offered on the comment line and on the code under it.
        on_comment = await titles_at(session, "# agentls: make it async")
        refine = on_comment["Refine: make it async"]
        assert refine.kind == "refactor.agentls.refine"
        assert "Refine: make it async" in await titles_at(session, "def health")
        result = await session.run_action(refine)
        assert result["status"] == "applied", session.errors()
        # The change landed and the comment that asked for it is gone.
        assert session.editor.text("app/main.py") == MAIN_PY.replace(TODO + "\n", ASYNC_ENDPOINT)
        # The second request carries the first: its system prompt, request and answer.
        second = messages_of(fake_model, 1)
        first = messages_of(fake_model, 0)
        assert second[: len(first)] == first
        assert second[len(first)] == {"role": "assistant", "content": FIRST}
        assert second[-1]["role"] == "user"
        assert second[-1]["content"].startswith("Follow-up: make it async")
        assert "<<<agentls:selection>>>" + ENDPOINT in second[-1]["content"]


async def test_refine_with_typed_words_and_without(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(FIRST), Turn(REFINED, match="make it async")])
    async with lsp_session(workspace, env) as session:
        await first_run(session)
        action = (await titles_at(session, "def health"))["Refine…"]
        assert action.command is not None
        argument = dict(action.command.arguments[0])
        # Without words, a client with no input box is told how to give them.
        asked = await session.run_action(action)
        assert asked["status"] == "needsInput"
        assert "# agentls: make it async" in session.messages[-1].message
        # An input box (VS Code, the Neovim and Emacs snippets) sends them along.
        result = await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="agentls.refine", arguments=[{**argument, "instruction": "make it async"}]
            )
        )
        assert result["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == MAIN_PY.replace(TODO + "\n", ASYNC_ENDPOINT)


async def test_a_question_then_a_reply_then_the_change(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(QUESTION), Turn(FIRST, match="only report")])
    async with lsp_session(workspace, env) as session:
        asked: list[str] = []
        shown = session.client.shown_documents

        @session.client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def on_question(params: types.ShowMessageRequestParams) -> types.MessageActionItem:
            asked.append(params.message)
            return types.MessageActionItem("Answer…")

        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "question"
        assert result["question"] == QUESTION
        assert session.editor.text("app/main.py") == MAIN_PY  # nothing applied
        for _ in range(100):  # the question is asked after the command answered
            if shown:
                break
            await asyncio.sleep(0.05)
        assert asked == [f"agentls: backend-developer asks: {QUESTION}"]
        # Answer… opened an `agentls:` line above the TODO, with the cursor on it.
        text = session.editor.text("app/main.py")
        assert "# agentls: \n" + TODO in text
        assert shown and shown[0].selection is not None
        line = shown[0].selection.start.line
        assert text.splitlines()[line] == "# agentls: "
        end = text.index("# agentls: ") + len("# agentls: ")
        session.editor.type_text("app/main.py", end, "only report that it is up")
        actions = await titles_at(session, "# agentls: only report")
        answer = actions["Answer backend-developer: only report that it is up"]
        assert answer.kind == "refactor.agentls.answer"
        result = await session.run_action(answer)
        assert result["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == AFTER_MAIN  # the comment went with it
        second = messages_of(fake_model, 1)
        assert {"role": "assistant", "content": QUESTION} in second
        assert second[-1]["content"].startswith("Follow-up: only report that it is up")
        # Answered: the question is no longer offered.
        assert not [t for t in await titles_at(session, "def health") if t.startswith("Answer")]


async def test_a_client_with_an_input_box_gets_the_question_in_the_result(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    caps = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        ),
        experimental={"agentls": {"inputBox": True}},
    )
    fake_model.script([Turn(QUESTION), Turn(FIRST, match="only report")])
    async with lsp_session(workspace, env, capabilities=caps) as session:
        asked: list[str] = []

        @session.client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def on_question(params: types.ShowMessageRequestParams) -> None:
            asked.append(params.message)

        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO))
        assert result["status"] == "question"
        reply = await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="agentls.reply",
                arguments=[{"runId": result["runId"], "text": "only report that it is up"}],
            )
        )
        assert reply["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == AFTER_MAIN
        assert asked == []  # the extension asked; the server did not
