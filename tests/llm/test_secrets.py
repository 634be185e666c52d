"""The API key never shows up in error messages, reprs, tracebacks or logs."""

from __future__ import annotations

import logging
import traceback

import pytest

from agentls.llm import errors
from tests.llm.conftest import KEY, REQUEST, Connect, Kind
from tests.support.fake_model import FakeModel, Turn

KINDS: list[Kind] = ["openai", "anthropic"]
ECHO = {"error": {"message": f"Incorrect API key provided: {KEY}", "type": "x"}}
TURNS = {
    "401 echoing the key": Turn(status=401, error_body=ECHO),
    "400 echoing the key": Turn(status=400, error_body=ECHO),
    "403 echoing the key": Turn(status=403, error_body=ECHO),
    "500 echoing the key": Turn(status=500, error_body=ECHO),
    "cut stream": Turn("abcdefgh", cut_after=3),
    "invalid JSON": Turn("abcdefgh", bad_json=True),
    "timeout": Turn("late", delay=2.0),
}


def everything_said(error: BaseException, provider: object, logs: str) -> str:
    return "\n".join(
        [str(error), repr(error), "".join(traceback.format_exception(error)), repr(provider), logs]
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(TURNS))
async def test_key_never_appears(
    name: str, kind: Kind, fake: FakeModel, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.script([TURNS[name]])
    provider = connect(kind, read_timeout=0.3)
    with pytest.raises(errors.LLMError) as caught:
        await provider.complete(REQUEST)
    sent = fake.requests[0].headers
    # The key was really sent; otherwise this test would prove nothing.
    assert KEY in sent.get("authorization", "") + sent.get("x-api-key", "")
    assert KEY not in everything_said(caught.value, provider, caplog.text)


async def test_quoted_provider_text_is_kept_without_the_key(
    fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn(status=400, error_body=ECHO)])
    with pytest.raises(errors.BadRequest) as caught:
        await connect("openai").complete(REQUEST)
    assert "Incorrect API key provided: ***" in str(caught.value)


async def test_credentials_in_the_base_url_are_not_shown(connect: Connect) -> None:
    provider = connect("openai", base_url="http://user:hunter2@127.0.0.1:9/v1", max_attempts=1)
    with pytest.raises(errors.ProviderUnreachable) as caught:
        await provider.complete(REQUEST)
    assert "hunter2" not in str(caught.value)
