"""Provider selection (plain data) and construction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentls.config import Settings
from agentls.llm import errors
from agentls.llm.anthropic import AnthropicProvider
from agentls.llm.base import ChatMessage, ChatRequest
from agentls.llm.factory import ProviderChoice, make_provider, resolve_provider
from agentls.llm.ollama import OllamaProvider
from agentls.llm.openai_compat import OpenAICompatProvider
from tests.support.fake_model import FakeModel, Turn


def choose(env: dict[str, str], local: bool = False, **settings: Any) -> ProviderChoice:
    return resolve_provider(Settings(**settings), env, local_ready=local)


@pytest.mark.parametrize(
    ("settings", "env", "expected"),
    [
        (
            {},
            {"OPENAI_API_KEY": "k"},
            ("openai", "gpt-4o-mini", "https://api.openai.com/v1", "OPENAI_API_KEY", True),
        ),
        (
            {},
            {"ANTHROPIC_API_KEY": "k"},
            (
                "anthropic",
                "claude-sonnet-4-5",
                "https://api.anthropic.com",
                "ANTHROPIC_API_KEY",
                True,
            ),
        ),
        (
            {},
            {"OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"},
            ("openai", "gpt-4o-mini", "https://api.openai.com/v1", "OPENAI_API_KEY", True),
        ),
        (
            {"provider": "anthropic"},
            {"OPENAI_API_KEY": "k"},
            (
                "anthropic",
                "claude-sonnet-4-5",
                "https://api.anthropic.com",
                "ANTHROPIC_API_KEY",
                False,
            ),
        ),
        (
            {"provider": "ollama"},
            {"OLLAMA_HOST": "box:1"},
            ("ollama", "qwen2.5-coder", "http://box:1", None, False),
        ),
        (
            {"provider": "ollama", "base_url": "http://other:2"},
            {"OLLAMA_HOST": "box:1"},
            ("ollama", "qwen2.5-coder", "http://other:2", None, False),
        ),
        (
            {"base_url": "http://127.0.0.1:8080/v1/", "model": "qwen"},
            {},
            ("openai", "qwen", "http://127.0.0.1:8080/v1", "OPENAI_API_KEY", False),
        ),
        (
            {"provider": "openai", "api_key_env": "OPENROUTER_API_KEY", "model": "x/y"},
            {"OPENROUTER_API_KEY": "k"},
            ("openai", "x/y", "https://api.openai.com/v1", "OPENROUTER_API_KEY", True),
        ),
        (
            {"provider": "openai"},
            {"OPENAI_API_KEY": ""},
            ("openai", "gpt-4o-mini", "https://api.openai.com/v1", "OPENAI_API_KEY", False),
        ),
    ],
)
def test_resolve(settings: dict[str, Any], env: dict[str, str], expected: tuple[Any, ...]) -> None:
    choice = choose(env, **settings)
    assert (
        choice.provider,
        choice.model,
        choice.base_url,
        choice.api_key_env,
        choice.key_present,
    ) == expected
    assert choice.reason


def test_nothing_configured_says_what_was_looked_for() -> None:
    with pytest.raises(errors.ProviderConfigError) as caught:
        choose({})
    message = str(caught.value)
    for looked_for in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AGENTLS_PROVIDER", ".agentls.yaml"):
        assert looked_for in message


def test_nothing_configured_falls_back_to_a_ready_local_model() -> None:
    choice = choose({}, local=True)
    assert (choice.provider, choice.base_url, choice.key_present) == ("local", None, False)


@pytest.mark.parametrize("url", ["127.0.0.1:8080/v1", "ftp://host/v1", "http://"])
def test_unusable_base_url_is_refused_with_advice(url: str) -> None:
    with pytest.raises(errors.ProviderConfigError, match="AGENTLS_BASE_URL"):
        choose({}, provider="openai", base_url=url)


@pytest.mark.parametrize(
    ("provider", "variable"), [("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")]
)
def test_hosted_service_without_key_names_the_variable(provider: str, variable: str) -> None:
    settings = Settings(provider=provider)
    choice = resolve_provider(settings, {})
    with pytest.raises(errors.ProviderConfigError, match=variable):
        make_provider(choice, settings, {})


def test_custom_key_variable_is_named_when_missing() -> None:
    settings = Settings(provider="openai", api_key_env="MY_KEY")
    with pytest.raises(errors.ProviderConfigError, match="MY_KEY"):
        make_provider(resolve_provider(settings, {}), settings, {})


@pytest.mark.parametrize(
    ("settings", "env", "kind"),
    [
        ({"provider": "openai"}, {"OPENAI_API_KEY": "k"}, OpenAICompatProvider),
        ({"provider": "anthropic"}, {"ANTHROPIC_API_KEY": "k"}, AnthropicProvider),
        ({"provider": "ollama"}, {}, OllamaProvider),
        ({"provider": "anthropic", "base_url": "http://localhost:9"}, {}, AnthropicProvider),
    ],
)
async def test_make_provider_builds_the_chosen_kind(
    settings: dict[str, Any], env: dict[str, str], kind: type
) -> None:
    config = Settings(**settings)
    provider = make_provider(resolve_provider(config, env), config, env)
    try:
        assert isinstance(provider, kind)
        assert provider.name == config.provider
    finally:
        await provider.aclose()


async def test_local_provider_is_built_without_starting_anything() -> None:
    from agentls.llm.local_provider import LocalProvider

    config = Settings(provider="local")
    provider = make_provider(resolve_provider(config, {}), config, {})
    assert isinstance(provider, LocalProvider)
    await provider.aclose()


async def test_loopback_server_works_without_a_key(fake: FakeModel) -> None:
    fake.script([Turn("keyless")])
    config = Settings(provider="openai", base_url=fake.openai_base_url, model="m")
    provider = make_provider(resolve_provider(config, {}), config, {})
    try:
        answer = await provider.complete(ChatRequest("m", (ChatMessage("user", "x"),)))
    finally:
        await provider.aclose()
    assert answer.text == "keyless"
    assert "authorization" not in fake.requests[0].headers


async def test_key_from_the_named_variable_is_sent(fake: FakeModel) -> None:
    fake.script([Turn("ok")])
    env = {"MY_KEY": "sk-mine-123456", "OPENAI_API_KEY": "sk-not-this-one"}
    config = Settings(provider="openai", base_url=fake.openai_base_url, api_key_env="MY_KEY")
    provider = make_provider(resolve_provider(config, env), config, env)
    try:
        await provider.complete(ChatRequest("m", (ChatMessage("user", "x"),)))
    finally:
        await provider.aclose()
    assert fake.requests[0].headers["authorization"] == "Bearer sk-mine-123456"


def test_local_model_not_downloaded_means_no_fallback(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    with pytest.raises(errors.ProviderConfigError, match="OPENAI_API_KEY"):
        resolve_provider(Settings(), env)


def test_downloaded_local_model_is_the_fallback(tmp_path: Path) -> None:
    from agentls.llm.local import local_available
    from agentls.models_cache import DEFAULT_MODEL

    models = tmp_path / "cache" / "agentls" / "models"
    models.mkdir(parents=True)
    (models / DEFAULT_MODEL.file_name).write_bytes(b"gguf")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    if local_available():
        assert resolve_provider(Settings(), env).provider == "local"
    else:
        with pytest.raises(errors.ProviderConfigError, match=r"xllamacpp>=2026\.1.*\[local\]"):
            resolve_provider(Settings(), env)
