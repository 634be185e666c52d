"""Fixtures for provider tests: a real fake model server on loopback, and provider builders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Literal

import pytest

from agentls.config import HttpSettings
from agentls.llm.anthropic import AnthropicProvider
from agentls.llm.base import ChatMessage, ChatRequest
from agentls.llm.openai_compat import OpenAICompatProvider
from tests.support.fake_model import FakeModel

Kind = Literal["openai", "anthropic"]
KEY = "sk-test-SECRET-0a1b2c3d4e5f6789"
MODEL = "test-model"
REQUEST = ChatRequest(
    model=MODEL,
    messages=(
        ChatMessage("system", "You are terse."),
        ChatMessage("user", "Write hello."),
    ),
)
KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


class RecordingSleep:
    """Stands in for asyncio.sleep: records the delays, waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


@pytest.fixture
def fake() -> Iterator[FakeModel]:
    with FakeModel() as server:
        yield server


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


Connect = Callable[..., Any]


@pytest.fixture
async def connect(fake: FakeModel, sleep: RecordingSleep) -> AsyncIterator[Connect]:
    """``connect(kind, base_url=None, key=KEY, **http)`` builds a provider closed at teardown."""
    made: list[Any] = []

    def build(kind: Kind, base_url: str | None = None, key: str | None = KEY, **http: Any) -> Any:
        settings = HttpSettings(**http)
        if kind == "openai":
            url = base_url or fake.openai_base_url
            provider: Any = OpenAICompatProvider(url, key, settings, sleep=sleep)
        else:
            provider = AnthropicProvider(base_url or fake.base_url, key, settings, sleep=sleep)
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()
