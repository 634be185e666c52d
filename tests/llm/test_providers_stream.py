"""Happy paths against the real fake server: deltas in order, usage, wire format of requests."""

from __future__ import annotations

import pytest

from agentls.llm.base import ChatMessage, ChatRequest
from tests.llm.conftest import KEY, MODEL, REQUEST, Connect, Kind
from tests.support.fake_model import FakeModel, Turn

KINDS: list[Kind] = ["openai", "anthropic"]
ANSWER = "Here is the code:\n```python\nprint('héllo ✓ 😀')\n```\n"


@pytest.mark.parametrize("kind", KINDS)
async def test_streams_deltas_in_order_with_usage(
    kind: Kind, fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn(ANSWER, chunk_size=3, usage=(42, 17))])
    deltas: list[str] = []
    answer = await connect(kind).complete(REQUEST, deltas.append)
    assert answer.text == ANSWER
    assert deltas == [ANSWER[i : i + 3] for i in range(0, len(ANSWER), 3)]
    assert (answer.usage.input_tokens, answer.usage.output_tokens) == (42, 17)
    assert answer.finish_reason == "stop"
    assert answer.model == MODEL


async def test_openai_request_wire_format(fake: FakeModel, connect: Connect) -> None:
    fake.script([Turn("ok")])
    await connect("openai").complete(REQUEST)
    (sent,) = fake.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.body["stream"] is True
    assert sent.body["stream_options"] == {"include_usage": True}
    assert sent.body["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Write hello."},
    ]
    assert sent.body["model"] == MODEL


async def test_anthropic_request_wire_format(fake: FakeModel, connect: Connect) -> None:
    fake.script([Turn("ok")])
    await connect("anthropic").complete(REQUEST)
    (sent,) = fake.requests
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in sent.headers
    assert sent.body["system"] == "You are terse."
    assert sent.body["messages"] == [{"role": "user", "content": "Write hello."}]
    assert sent.body["max_tokens"] == 8192
    assert sent.body["stream"] is True


async def test_options_are_sent_when_set(fake: FakeModel, connect: Connect) -> None:
    fake.script([Turn("ok")])
    request = ChatRequest(MODEL, (ChatMessage("user", "x"),), temperature=0.2, max_tokens=99)
    await connect("openai").complete(request)
    await connect("anthropic").complete(request)
    openai, anthropic = (r.body for r in fake.requests)
    assert (openai["temperature"], openai["max_tokens"]) == (0.2, 99)
    assert (anthropic["temperature"], anthropic["max_tokens"]) == (0.2, 99)


def test_official_openai_gets_max_completion_tokens(connect: Connect) -> None:
    provider = connect("openai", base_url="https://api.openai.com/v1")
    request = ChatRequest(MODEL, (ChatMessage("user", "x"),), max_tokens=50)
    body = provider.request_body(request)
    assert body["max_completion_tokens"] == 50
    assert "max_tokens" not in body


async def test_keyless_openai_compatible_server_gets_no_authorization(
    fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn("ok")])
    await connect("openai", key=None).complete(REQUEST)
    assert "authorization" not in fake.requests[0].headers


@pytest.mark.parametrize("kind", KINDS)
async def test_one_provider_serves_concurrent_requests(
    kind: Kind, fake: FakeModel, connect: Connect
) -> None:
    import asyncio

    fake.script([Turn("first", match="one"), Turn("second", match="two")])
    provider = connect(kind)
    one = ChatRequest(MODEL, (ChatMessage("user", "one"),))
    two = ChatRequest(MODEL, (ChatMessage("user", "two"),))
    answers = await asyncio.gather(provider.complete(one), provider.complete(two))
    assert [a.text for a in answers] == ["first", "second"]


async def test_proxy_settings_do_not_apply_to_this_machine(
    fake: FakeModel, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    fake.script([Turn("direct")])
    assert (await connect("openai").complete(REQUEST)).text == "direct"


@pytest.mark.parametrize("kind", KINDS)
async def test_finished_streams_are_read_to_the_end_and_the_connection_reused(
    kind: Kind, fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn("one answer")])
    provider = connect(kind)
    await provider.complete(REQUEST)
    await provider.complete(REQUEST)
    first, second = fake.requests
    assert first.client_port == second.client_port
    assert fake.aborted_streams == 0


async def test_server_refusing_stream_options_is_asked_again_without(
    fake: FakeModel, connect: Connect
) -> None:
    refusal = {"error": {"message": "Unrecognized request argument supplied: stream_options"}}
    fake.script([Turn(status=400, error_body=refusal), Turn("fine without usage")])
    provider = connect("openai")
    assert (await provider.complete(REQUEST)).text == "fine without usage"
    assert (await provider.complete(REQUEST)).text == "fine without usage"
    assert ["stream_options" in r.body for r in fake.requests] == [True, False, False]
