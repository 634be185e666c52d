"""Ollama: where it is (OLLAMA_HOST), chat through /v1, and "model not pulled" advice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from agentls.config import HttpSettings
from agentls.llm import errors
from agentls.llm.base import ChatMessage, ChatRequest
from agentls.llm.ollama import OllamaProvider, ollama_base_url
from tests.llm.conftest import RecordingSleep
from tests.support.fake_model import FakeModel, Turn

NOT_FOUND = {"error": {"message": 'model "llama9" not found, try pulling it first'}}


@pytest.mark.parametrize(
    ("host", "url"),
    [
        (None, "http://127.0.0.1:11434"),
        ("", "http://127.0.0.1:11434"),
        ("127.0.0.1:11500", "http://127.0.0.1:11500"),
        ("gpu-box", "http://gpu-box:11434"),
        ("gpu-box:8000", "http://gpu-box:8000"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("http://gpu-box", "http://gpu-box:80"),
        ("https://ollama.example.com", "https://ollama.example.com:443"),
        ("https://ollama.example.com:8443/", "https://ollama.example.com:8443"),
        ("http://proxy.example/ollama", "http://proxy.example:80/ollama"),
        ("[::1]:9999", "http://[::1]:9999"),
        ("::1", "http://[::1]:11434"),
        (" localhost:1234 ", "http://localhost:1234"),
    ],
)
def test_ollama_host(host: str | None, url: str) -> None:
    env = {} if host is None else {"OLLAMA_HOST": host}
    assert ollama_base_url(env) == url


def ask(model: str) -> ChatRequest:
    return ChatRequest(model, (ChatMessage("user", "hi"),))


Make = Callable[..., OllamaProvider]


@pytest.fixture
async def make(sleep: RecordingSleep) -> AsyncIterator[Make]:
    made: list[OllamaProvider] = []

    def build(base_url: str) -> OllamaProvider:
        provider = OllamaProvider(base_url, HttpSettings(max_attempts=1), sleep=sleep)
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.aclose()


async def test_chats_through_the_openai_compatible_path(fake: FakeModel, make: Make) -> None:
    fake.script([Turn("hi from ollama")])
    answer = await make(fake.base_url).complete(ask("qwen2.5-coder"))
    assert answer.text == "hi from ollama"
    (sent,) = fake.requests
    assert sent.path == "/v1/chat/completions"
    assert "authorization" not in sent.headers


async def test_base_url_given_with_v1_is_accepted(fake: FakeModel, make: Make) -> None:
    fake.script([Turn("ok")])
    await make(f"{fake.base_url}/v1/").complete(ask("m"))
    assert fake.requests[0].path == "/v1/chat/completions"


async def test_lists_pulled_models(fake: FakeModel, make: Make) -> None:
    fake.script([], models=["qwen2.5-coder:latest", "llama3.2:1b"])
    assert await make(fake.base_url).list_models() == ["qwen2.5-coder:latest", "llama3.2:1b"]


async def test_missing_model_says_to_pull_it(fake: FakeModel, make: Make) -> None:
    fake.script([Turn(status=404, error_body=NOT_FOUND)], models=["qwen2.5-coder:latest"])
    with pytest.raises(errors.ModelNotFound) as caught:
        await make(fake.base_url).complete(ask("llama9"))
    message = str(caught.value)
    assert "not pulled" in message
    assert "`ollama pull llama9`" in message
    assert "qwen2.5-coder:latest" in message
    assert [r.path for r in fake.requests] == ["/v1/chat/completions", "/api/tags"]


@pytest.mark.parametrize("model", ["qwen2.5-coder", "qwen2.5-coder:latest"])
async def test_404_for_a_pulled_model_keeps_the_service_message(
    model: str, fake: FakeModel, make: Make
) -> None:
    fake.script([Turn(status=404, error_body=NOT_FOUND)], models=["qwen2.5-coder:latest"])
    with pytest.raises(errors.ModelNotFound) as caught:
        await make(fake.base_url).complete(ask(model))
    assert "ollama pull" not in str(caught.value)
    assert "404" in str(caught.value)


async def test_ollama_not_running_says_how_to_start_it(make: Make) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(errors.ProviderUnreachable) as caught:
        await make(f"http://127.0.0.1:{port}").complete(ask("m"))
    message = str(caught.value)
    assert f"http://127.0.0.1:{port}/v1" in message
    assert "ollama serve" in message
    assert "OLLAMA_HOST" in message
