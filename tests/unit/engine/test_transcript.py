"""The run transcript: bounds, new turns only, and what run_agent records over real HTTP
(the scripted model): every round, raw answers, usage, problems, and partial transcripts
of runs that failed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agentls.agents.registry import discover_agents
from agentls.config import HttpSettings, Settings
from agentls.context.index import WorkspaceIndex
from agentls.engine.model import DocumentSnapshot, RunOutcome, RunRequest
from agentls.engine.run import run_agent
from agentls.engine.transcript import TranscriptRecorder, bound
from agentls.llm.base import Answer, ChatMessage, ChatRequest, Usage
from agentls.llm.errors import LLMError
from agentls.llm.openai_compat import OpenAICompatProvider
from tests.support.fake_model import FakeModel, Turn

KEY = "sk-test-key-0123456789abcdef"
MAIN = 'def hello():\n    return "hi"\n\n\n# TODO: add health()\n'
GOOD = f'Added health.\n\n```python title="app/main.py"\n{MAIN}def health():\n    return 1\n```\n'
BAD = """app/main.py
```python
<<<<<<< SEARCH
def missing():
=======
def x():
>>>>>>> REPLACE
```
"""


def chat(*messages: tuple[str, str]) -> ChatRequest:
    return ChatRequest("m", tuple(ChatMessage(role, text) for role, text in messages))  # type: ignore[arg-type]


def test_bound_leaves_short_texts_alone() -> None:
    assert bound("short", 100) == ("short", 0)


def test_bound_cuts_the_middle_and_says_so() -> None:
    text = "HEAD" + "x" * 10_000 + "TAIL"
    shown, cut = bound(text, 1_000)
    assert len(shown) <= 1_000
    assert shown.startswith("HEAD") and shown.endswith("TAIL")
    assert f"elided {cut:,} characters" in shown
    assert cut == len(text) - len(shown.split("\n\n[…")[0]) - len(shown.rsplit("…]\n\n", 1)[1])


def test_a_repair_round_records_only_its_new_turns() -> None:
    recorder = TranscriptRecorder()
    recorder.sent(chat(("system", "rules"), ("user", "do it")))
    recorder.answered(Answer("first try", "m", Usage(10, 5)))
    recorder.sent(
        chat(("system", "rules"), ("user", "do it"), ("assistant", "first try"), ("user", "fix"))
    )
    recorder.answered(Answer("second try", "m", Usage(12, 6)))
    transcript = recorder.finish()
    seen = [(m.role, m.text, m.answer, m.round) for m in transcript.messages]
    assert seen == [
        ("system", "rules", False, 1),
        ("user", "do it", False, 1),
        ("assistant", "first try", True, 1),
        ("user", "fix", False, 2),
        ("assistant", "second try", True, 2),
    ]
    assert (transcript.input_tokens, transcript.output_tokens) == (22, 11)
    assert transcript.answers == ("first try", "second try")


def test_a_request_that_is_not_a_continuation_is_recorded_whole() -> None:
    recorder = TranscriptRecorder()
    recorder.sent(chat(("system", "rules"), ("user", "do it")))
    recorder.sent(chat(("system", "other rules"), ("user", "do it")))
    assert [m.text for m in recorder.snapshot().messages] == [
        "rules",
        "do it",
        "other rules",
        "do it",
    ]


def test_each_message_and_the_whole_transcript_are_bounded() -> None:
    recorder = TranscriptRecorder(max_message_chars=5_000, max_total_chars=12_000)
    big = "y" * 20_000
    recorder.sent(chat(("system", big), ("user", big), ("user", big), ("user", big)))
    messages = recorder.snapshot().messages
    assert [len(m.text) <= 5_000 for m in messages] == [True] * 4
    assert sum(len(m.text) for m in messages) <= 12_000
    assert messages[0].elided == 20_000 - (5_000 - 80)
    assert "size limit" in messages[-1].text and messages[-1].elided == 20_000


# -- run_agent over HTTP ----------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text(MAIN, encoding="utf-8")
    secret = "STRIPE = 'sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc" + "'\n"
    (root / "app" / "billing.py").write_text(secret, encoding="utf-8")
    return root


@pytest.fixture
async def provider(fake_model: FakeModel) -> AsyncIterator[OpenAICompatProvider]:
    made = OpenAICompatProvider(fake_model.openai_base_url, KEY, HttpSettings(max_attempts=1))
    yield made
    await made.aclose()


def request(root: Path) -> RunRequest:
    agent = discover_agents(workspace_root=root, settings=Settings(), env={}).default()
    assert agent is not None
    start = MAIN.index("# TODO")
    return RunRequest(
        agent=agent,
        scope="workspace",
        workspace_root=root,
        document=DocumentSnapshot("app/main.py", MAIN, None),
        selection=(start, len(MAIN) - 1),
    )


async def run(root: Path, provider: OpenAICompatProvider, **extra: Any) -> RunOutcome:
    return await run_agent(
        request(root),
        settings=Settings(),
        provider=provider,
        provider_name="openai",
        model="scripted-model",
        index=WorkspaceIndex(root, Settings().context),
        secret_values=(KEY,),
        **{"run_id": "test-run", **extra},
    )


async def test_run_agent_records_every_round_and_the_final_problems(
    workspace: Path, provider: OpenAICompatProvider, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(BAD, usage=(100, 10)), Turn(BAD + f"\n{KEY}\n", usage=(150, 12))])
    outcome = await run(workspace, provider, run_id="abc123")
    transcript = outcome.transcript
    assert transcript is not None
    assert (transcript.run_id, transcript.agent, transcript.provider) == (
        "abc123",
        "backend-developer",
        "openai",
    )
    assert transcript.messages[0].role == "system"
    answers = [m for m in transcript.messages if m.answer]
    assert [m.round for m in answers] == list(range(1, len(answers) + 1))
    assert answers[0].text == BAD
    assert len(answers) == 1 + Settings().repair_rounds
    repairs = [m for m in transcript.messages if m.round == 2 and not m.answer]
    assert [m.role for m in repairs] == ["user"]  # the conversation is not repeated
    assert KEY not in "".join(m.text for m in transcript.messages)
    assert transcript.problems and "error:" in transcript.problems[0]
    assert transcript.input_tokens == outcome.input_tokens
    assert transcript.started_at <= transcript.finished_at


async def test_what_the_model_saw_was_redacted_and_so_is_the_transcript(
    workspace: Path, provider: OpenAICompatProvider, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD)])
    outcome = await run(workspace, provider)
    assert outcome.transcript is not None
    sent = "".join(m.text for m in outcome.transcript.messages if not m.answer)
    assert "app/billing.py" in sent  # the file was context...
    assert "4eC39HqLyjWDarjtT1zdp7dc" not in sent  # ...its secret was not
    assert outcome.transcript.answers == (GOOD,)
    assert outcome.transcript.run_id == outcome.run_id


async def test_a_model_error_leaves_the_callers_recorder_with_the_prompt_and_the_reason(
    workspace: Path, provider: OpenAICompatProvider, fake_model: FakeModel
) -> None:
    fake_model.script([Turn("", status=500)])
    recorder = TranscriptRecorder()
    with pytest.raises(LLMError):
        await run(workspace, provider, recorder=recorder)
    transcript = recorder.snapshot()
    assert [m.role for m in transcript.messages][:1] == ["system"]
    assert not transcript.answers
    assert transcript.error is not None and "500" in transcript.error
    assert KEY not in transcript.error


async def test_a_cancelled_run_says_so_in_the_callers_recorder(
    workspace: Path, provider: OpenAICompatProvider, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD, delay=30)])
    recorder = TranscriptRecorder()
    task = asyncio.ensure_future(run(workspace, provider, recorder=recorder))
    while not fake_model.requests:
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    transcript = recorder.snapshot()
    assert transcript.error == "cancelled while waiting for the model"
    assert transcript.messages and not transcript.answers
