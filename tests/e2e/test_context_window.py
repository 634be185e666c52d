"""The model's context window, learned from the server's /props, bounds what a run sends:
context shrinks to fit, and a prompt that cannot fit is refused before any model call."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from agentls.engine.budget import answer_reserve
from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session, range_of

N_CTX = 2048
TODO = "# TODO: add a /health endpoint that reports the service status"
HEALTH = '@app.get("/health")\ndef health():\n    return {}'
ANSWER = f"""Added the endpoint.

```python title="app/main.py"
{MAIN_PY.replace(TODO, HEALTH)}```
"""


def prompt_chars(body: dict[str, object]) -> int:
    messages = body["messages"]
    assert isinstance(messages, list)
    return sum(len(m["content"]) for m in messages)


async def test_a_big_workspace_is_cut_to_fit_a_small_window(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    for number in range(40):  # about 30,000 tokens of code, under context.max_tokens
        body = "".join(f"def handler_{number}_{i}(request):\n    return {i}\n\n" for i in range(60))
        (workspace / "app" / f"module_{number:02}.py").write_text(body, encoding="utf-8")
    fake_model.props = {"default_generation_settings": {"n_ctx": N_CTX}}
    fake_model.script([Turn(ANSWER)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(MAIN_PY, TODO), scope="workspace")

        assert result["status"] == "applied", session.errors()
        assert [p.path for p in fake_model.probes] == ["/props"]
        (chat,) = fake_model.requests
        # What the model received fits its window with room for the answer.
        assert prompt_chars(chat.body) // 4 + answer_reserve(N_CTX, None) <= N_CTX
        prompt = chat.body["messages"][-1]["content"]
        assert TODO in prompt and "Demo service" in prompt  # the document and the README
        assert "def handler_" not in prompt  # the big files did not fit
        assert not session.errors()


async def test_a_document_larger_than_the_window_is_refused_without_a_model_call(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    big = MAIN_PY + "".join(f"\n\ndef route_{i}():\n    return {i}" for i in range(400))
    (workspace / "app" / "main.py").write_text(big, encoding="utf-8")
    fake_model.props = {"default_generation_settings": {"n_ctx": N_CTX}}
    fake_model.script([Turn(ANSWER)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", range_of(big, TODO))

        assert result["status"] == "failed"
        shown = [m for m in session.messages if m.type == types.MessageType.Error]
        assert len(shown) == 1, session.messages
        message = shown[0].message
        assert "too large for the model's context window" in message
        assert f"holds {N_CTX:,} tokens (from the server's /props (llama.cpp) at " in message
        assert "select less code" in message and "context_window" in message
        assert fake_model.requests == []  # nothing was sent to the model
        assert session.editor.applied == []
        assert session.progress_kinds()[0][-1] == "WorkDoneProgressEnd"
