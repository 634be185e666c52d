"""Every way a model service fails, over real HTTP: the right error class and a message that
names what to fix (the key variable, the URL, the model) and quotes the provider's reason."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

from agentls.llm import errors
from tests.llm.conftest import KEY_ENV, MODEL, REQUEST, Connect, Kind, RecordingSleep
from tests.support.fake_model import FakeModel, Turn

KINDS: list[Kind] = ["openai", "anthropic"]


def error_body(kind: Kind, message: str) -> dict[str, Any]:
    if kind == "anthropic":
        return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
    return {"error": {"message": message, "type": "invalid_request_error"}}


@dataclass(frozen=True)
class Fault:
    turn: Turn
    error: type[errors.LLMError]
    says: tuple[str, ...]  # fragments the message must contain; {key_env} and {url} filled in
    attempts: int = 1


FAULTS = {
    "400 quotes the provider": Fault(
        Turn(status=400, error_body={}), errors.BadRequest, ("400", "messages: too long", "{url}")
    ),
    "401 names the key variable": Fault(
        Turn(status=401), errors.AuthenticationFailed, ("401", "Set {key_env}", "{url}")
    ),
    "403 names the key variable": Fault(
        Turn(status=403), errors.AuthenticationFailed, ("403", "{key_env}", MODEL)
    ),
    "404 names the model": Fault(
        Turn(status=404), errors.ModelNotFound, ("404", f"'{MODEL}'", "AGENTLS_MODEL")
    ),
    "500 retried then reported": Fault(
        Turn(status=500), errors.ServiceUnavailable, ("500", "3 times"), attempts=3
    ),
    "502 retried then reported": Fault(
        Turn(status=502), errors.ServiceUnavailable, ("502 Bad Gateway",), attempts=3
    ),
    "503 retried then reported": Fault(
        Turn(status=503), errors.ServiceUnavailable, ("503", "try again later"), attempts=3
    ),
    "stream cut mid-answer": Fault(
        Turn("0123456789abcdef", chunk_size=4, cut_after=10),
        errors.StreamInterrupted,
        ("cut off after 10 characters",),
    ),
    "malformed SSE": Fault(
        Turn("some answer", malformed=True), errors.StreamInterrupted, ("not a server-sent event",)
    ),
    "invalid JSON chunk": Fault(
        Turn("some answer", bad_json=True), errors.StreamInterrupted, ("not a JSON object",)
    ),
    "empty answer": Fault(Turn(""), errors.EmptyAnswer, ("empty answer", MODEL)),
    "whitespace answer": Fault(Turn("  \n "), errors.EmptyAnswer, ("empty answer",)),
}


def expand(fragment: str, kind: Kind, url: str) -> str:
    return fragment.format(key_env=KEY_ENV[kind], url=url)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(FAULTS))
async def test_fault(
    name: str, kind: Kind, fake: FakeModel, connect: Connect, sleep: RecordingSleep
) -> None:
    fault = FAULTS[name]
    turn = fault.turn
    if turn.error_body == {}:
        turn = Turn(status=turn.status, error_body=error_body(kind, "messages: too long"))
    fake.script([turn])
    provider = connect(kind)
    with pytest.raises(fault.error) as caught:
        await provider.complete(REQUEST)
    message = str(caught.value)
    for fragment in fault.says:
        assert expand(fragment, kind, provider.base_url) in message, message
    assert len(fake.requests) == fault.attempts
    assert len(sleep.delays) == fault.attempts - 1


@pytest.mark.parametrize("kind", KINDS)
async def test_429_waits_as_retry_after_says(
    kind: Kind, fake: FakeModel, connect: Connect, sleep: RecordingSleep
) -> None:
    fake.script([Turn(status=429, headers={"Retry-After": "2"})])
    with pytest.raises(errors.RateLimited, match="429"):
        await connect(kind).complete(REQUEST)
    assert sleep.delays == [2.0, 2.0]
    assert len(fake.requests) == 3


@pytest.mark.parametrize("kind", KINDS)
async def test_429_without_retry_after_backs_off_exponentially(
    kind: Kind, fake: FakeModel, connect: Connect, sleep: RecordingSleep
) -> None:
    fake.script([Turn(status=429)])
    with pytest.raises(errors.RateLimited):
        await connect(kind).complete(REQUEST)
    assert sleep.delays == [0.5, 1.0]


async def test_retry_after_beyond_the_cap_waits_the_cap(
    fake: FakeModel, connect: Connect, sleep: RecordingSleep
) -> None:
    fake.script([Turn(status=503, headers={"Retry-After": "3600"}), Turn("recovered")])
    answer = await connect("openai", retry_after_cap=4.0).complete(REQUEST)
    assert answer.text == "recovered"
    assert sleep.delays == [4.0]


async def test_retry_after_really_waits(fake: FakeModel, connect: Connect) -> None:
    """With the real asyncio.sleep: the second request comes after the server's delay."""
    from agentls.config import HttpSettings
    from agentls.llm.openai_compat import OpenAICompatProvider

    fake.script([Turn(status=429, headers={"Retry-After": "0.3"}), Turn("after the wait")])
    provider = OpenAICompatProvider(fake.openai_base_url, None, HttpSettings())
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        answer = await provider.complete(REQUEST)
    finally:
        await provider.aclose()
    assert answer.text == "after the wait"
    assert loop.time() - started >= 0.3


@pytest.mark.parametrize("kind", KINDS)
async def test_recovers_when_a_retry_succeeds(
    kind: Kind, fake: FakeModel, connect: Connect, sleep: RecordingSleep
) -> None:
    fake.script([Turn(status=503), Turn(status=502), Turn("fine now")])
    assert (await connect(kind).complete(REQUEST)).text == "fine now"
    assert sleep.delays == [0.5, 1.0]


@pytest.mark.parametrize("kind", KINDS)
async def test_answer_over_the_limit_stops_reading(
    kind: Kind, fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn("x" * 5000, chunk_size=10, chunk_delay=0.002)])
    seen: list[str] = []
    with pytest.raises(errors.AnswerTooLarge, match="max_answer_bytes"):
        await connect(kind, max_answer_bytes=50).complete(REQUEST, seen.append)
    assert len("".join(seen)) <= 50
    assert await asyncio.to_thread(fake.wait_for_aborted, 1, 5.0)
