"""Each provider learns its model's context window: llama.cpp /props, Ollama /api/show,
the table of hosted models, local.context_size. Quick, cached, never raising."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest

from agentls.config import HttpSettings, Settings
from agentls.llm import errors
from agentls.llm.anthropic import AnthropicProvider
from agentls.llm.base import ChatMessage, ChatRequest, ContextWindow, Provider
from agentls.llm.local import LocalModelManager
from agentls.llm.local_provider import LocalProvider
from agentls.llm.ollama import OllamaProvider
from agentls.llm.openai_compat import OpenAICompatProvider
from agentls.llm.window import known_window, llama_cpp_n_ctx, ollama_context_length
from tests.support.fake_model import FakeModel, Turn


def props_source(fake: FakeModel) -> str:
    return f"the server's /props (llama.cpp) at {fake.base_url}"


QWEN_SHOW = {
    "parameters": 'stop "<|im_end|>"',
    "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
}


async def windows(provider: Provider, *models: str) -> list[ContextWindow | None]:
    """Ask `provider` for each model's window in turn, then close it."""
    try:
        return [await provider.context_window(model) for model in models]
    finally:
        await provider.aclose()


def openai(fake: FakeModel) -> OpenAICompatProvider:
    return OpenAICompatProvider(fake.openai_base_url, None, HttpSettings())


async def test_llama_cpp_props_give_the_window(fake_model: FakeModel) -> None:
    fake_model.props = {"default_generation_settings": {"n_ctx": 2048}, "total_slots": 1}
    (window,) = await windows(openai(fake_model), "qwen")
    assert window is not None and window.tokens == 2048
    assert window.source == props_source(fake_model)
    assert [(p.method, p.path) for p in fake_model.probes] == [("GET", "/props")]
    assert fake_model.requests == []  # a probe is not a model request


async def test_older_llama_cpp_builds_put_n_ctx_at_the_top(fake_model: FakeModel) -> None:
    fake_model.props = {"n_ctx": 4096}
    expected = ContextWindow(4096, props_source(fake_model))
    assert await windows(openai(fake_model), "qwen") == [expected]


async def test_the_window_is_asked_once_per_model(fake_model: FakeModel) -> None:
    fake_model.props = {"default_generation_settings": {"n_ctx": 2048}}
    provider = OpenAICompatProvider(fake_model.openai_base_url, None, HttpSettings())
    try:
        first = await provider.context_window("qwen")
        fake_model.props = {"default_generation_settings": {"n_ctx": 9999}}
        again = await provider.context_window("qwen")
        other = await provider.context_window("other")
    finally:
        await provider.aclose()
    assert first is not None and first.tokens == 2048 and again == first
    assert other is not None and other.tokens == 9999
    assert len(fake_model.probes) == 2


async def test_a_server_without_props_falls_back_to_known_models(fake_model: FakeModel) -> None:
    unknown, known = await windows(openai(fake_model), "scripted-model", "openai/gpt-4o-mini")
    assert unknown is None
    assert known is not None and known.tokens == 128_000
    assert "table of known models" in known.source


async def test_an_unreachable_server_gives_none_quickly_and_is_asked_again() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = OpenAICompatProvider(f"http://127.0.0.1:{port}/v1", None, HttpSettings())
    try:
        started = time.monotonic()
        assert await provider.context_window("qwen") is None
        assert time.monotonic() - started < 2.5
        with FakeModel("127.0.0.1", port) as fake:
            fake.props = {"default_generation_settings": {"n_ctx": 3000}}
            window = await provider.context_window("qwen")
    finally:
        await provider.aclose()
    assert window is not None and window.tokens == 3000


async def test_a_silent_server_costs_about_two_seconds() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections, never answers
    port = listener.getsockname()[1]
    provider = OpenAICompatProvider(f"http://127.0.0.1:{port}/v1", None, HttpSettings())
    try:
        started = time.monotonic()
        window = await asyncio.wait_for(provider.context_window("gpt-4o"), 10)
        waited = time.monotonic() - started
    finally:
        await provider.aclose()
        listener.close()
    assert window is not None and window.tokens == 128_000  # the table, after the probe
    assert 1.5 < waited < 4


async def test_ollama_show_gives_the_trained_length(fake_model: FakeModel) -> None:
    fake_model.show = QWEN_SHOW
    provider = OllamaProvider(fake_model.base_url, HttpSettings())
    window, again = await windows(provider, "qwen2.5-coder", "qwen2.5-coder")
    assert window == again == ContextWindow(32768, f"Ollama's /api/show at {fake_model.base_url}")
    assert [(p.method, p.path, p.body) for p in fake_model.probes] == [
        ("POST", "/api/show", {"model": "qwen2.5-coder"})
    ]


async def test_ollama_num_ctx_overrides_the_trained_length(fake_model: FakeModel) -> None:
    fake_model.show = {**QWEN_SHOW, "parameters": 'num_ctx                        4096\nstop "x"'}
    (window,) = await windows(OllamaProvider(fake_model.base_url, HttpSettings()), "qwen2.5")
    assert window is not None and window.tokens == 4096


async def test_ollama_without_show_is_unknown(fake_model: FakeModel) -> None:
    provider = OllamaProvider(fake_model.base_url, HttpSettings())
    assert await windows(provider, "qwen2.5-coder") == [None]


async def test_anthropic_uses_the_table_and_asks_nobody(fake_model: FakeModel) -> None:
    provider = AnthropicProvider(fake_model.base_url, "key", HttpSettings())
    claude, other = await windows(provider, "claude-sonnet-4-5", "not-claude")
    assert claude is not None and claude.tokens == 200_000
    assert other is None
    assert fake_model.probes == [] and fake_model.requests == []


async def test_local_knows_its_own_context_size(tmp_path: Path) -> None:
    settings = Settings.model_validate({"local": {"context_size": 4096}})
    manager = LocalModelManager(settings, tmp_path)
    provider = LocalProvider(manager, lambda endpoint: None)  # type: ignore[arg-type,return-value]
    assert await provider.context_window("any") == ContextWindow(4096, "local.context_size")
    assert manager.pid is None  # nothing was started to answer


@pytest.mark.parametrize(
    ("model", "tokens"),
    [
        ("gpt-4o", 128_000),
        ("gpt-4o-mini-2024-07-18", 128_000),
        ("gpt-4.1-nano", 1_000_000),
        ("gpt-4", 8_192),
        ("gpt-5-mini", 272_000),
        ("o1-mini", 128_000),
        ("o3-mini", 200_000),
        ("openrouter/anthropic/claude-3-5-haiku", 200_000),
        ("qwen2.5-coder:7b", None),
    ],
)
def test_known_windows(model: str, tokens: int | None) -> None:
    window = known_window(model)
    assert (window.tokens if window else None) == tokens


@pytest.mark.parametrize(
    ("props", "n_ctx"),
    [
        ({"default_generation_settings": {"n_ctx": 8192}, "n_ctx": 1}, 8192),
        ({"n_ctx": 512}, 512),
        ({"default_generation_settings": {"n_ctx": "big"}}, None),
        ({"n_ctx": True}, None),
        (["n_ctx", 4], None),
        (None, None),
    ],
)
def test_llama_cpp_n_ctx(props: object, n_ctx: int | None) -> None:
    assert llama_cpp_n_ctx(props) == n_ctx


@pytest.mark.parametrize(
    ("show", "tokens"),
    [
        (QWEN_SHOW, 32768),
        ({"parameters": "num_ctx 8192", "model_info": {}}, 8192),
        ({"model_info": {"general.architecture": "new", "other.context_length": 2048}}, 2048),
        ({"model_info": {"general.architecture": "llama"}}, None),
        ({"parameters": "num_ctx lots"}, None),
        ("not json", None),
    ],
)
def test_ollama_context_length(show: object, tokens: int | None) -> None:
    assert ollama_context_length(show) == tokens


async def test_a_server_refusing_an_oversized_prompt_says_what_to_change(
    fake_model: FakeModel,
) -> None:
    over = {
        "error": {
            "code": 400,
            "message": "the request exceeds the available context size, try increasing it",
            "type": "exceed_context_size_error",
        }
    }
    fake_model.script([Turn("", status=400, error_body=over)])
    provider = OpenAICompatProvider(fake_model.openai_base_url, None, HttpSettings())
    try:
        with pytest.raises(errors.BadRequest) as caught:
            await provider.complete(ChatRequest("qwen", (ChatMessage("user", "hi"),)))
    finally:
        await provider.aclose()
    message = str(caught.value)
    assert "exceeds the available context size" in message
    assert "llama.cpp: start it with -c 8192" in message and "context_window" in message
    assert len(fake_model.requests) == 1  # a 400 is not retried
