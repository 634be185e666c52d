"""Pick a provider from settings and environment, then build it.

`resolve_provider` decides (plain data, nothing opened) and `make_provider` builds.
Choice, in order: ``settings.provider`` (AGENTLS_PROVIDER is already merged into it);
else OPENAI_API_KEY → openai; ANTHROPIC_API_KEY → anthropic; a configured base URL →
openai (an OpenAI-compatible server); the embedded local model when it is installed and
its model file is present; else
`ProviderConfigError` saying what was looked for and how to set it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from agentls.config import ProviderName, Settings
from agentls.llm import anthropic, ollama, openai_compat
from agentls.llm.base import Provider
from agentls.llm.errors import ProviderConfigError
from agentls.llm.retry import Sleep
from agentls.llm.urls import is_loopback_url

DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-sonnet-4-5",
    "ollama": "qwen2.5-coder",
}
DEFAULT_KEY_ENV: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
}
_KEY_INFERENCE: tuple[tuple[str, ProviderName], ...] = (
    ("OPENAI_API_KEY", "openai"),
    ("ANTHROPIC_API_KEY", "anthropic"),
)


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    provider: ProviderName
    model: str
    base_url: str | None  # effective URL; None for the local model (its port is picked later)
    api_key_env: str | None  # variable holding the key; None when no key is used
    key_present: bool
    reason: str  # why this provider, for `agentls doctor` and logs

    @property
    def key_required(self) -> bool:
        """Hosted services need a key; a server on this machine may go without."""
        if self.provider not in DEFAULT_KEY_ENV or self.base_url is None:
            return False
        return not is_loopback_url(self.base_url)


WORKSPACE_ENDPOINT_NOTICE = (
    "The workspace's .agentls.yaml points agentls at {url}. A server chosen by the "
    "repository gets none of your API keys; to send one, set base_url in your user config "
    "or editor settings."
)


def keyless_env(env: Mapping[str, str], api_key_env: str | None) -> dict[str, str]:
    """`env` without any variable that may hold an API key, for a repository-chosen server."""
    names = {*DEFAULT_KEY_ENV.values(), *([api_key_env] if api_key_env else [])}
    return {name: value for name, value in env.items() if name not in names}


def resolve_provider(
    settings: Settings, env: Mapping[str, str], *, local_ready: bool | None = None
) -> ProviderChoice:
    """Decide which provider, model, URL and key variable a run uses. Opens nothing.

    ``local_ready`` overrides the check for a usable embedded model (for tests).
    """
    provider, reason = _pick(settings, env, local_ready)
    if provider == "local":
        from agentls.models_cache import DEFAULT_MODEL

        return ProviderChoice(
            "local", settings.model or DEFAULT_MODEL.alias, None, None, False, reason
        )
    key_env = settings.api_key_env or DEFAULT_KEY_ENV.get(provider)
    return ProviderChoice(
        provider=provider,
        model=settings.model or DEFAULT_MODELS[provider],
        base_url=_base_url(provider, settings, env),
        api_key_env=key_env,
        key_present=bool(key_env and env.get(key_env)),
        reason=reason,
    )


def make_provider(
    choice: ProviderChoice,
    settings: Settings,
    env: Mapping[str, str],
    *,
    sleep: Sleep = asyncio.sleep,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Provider:
    """Build the chosen provider. Raises `ProviderConfigError` when its key is missing."""
    key = env.get(choice.api_key_env) if choice.api_key_env else None
    if choice.key_required and not key:
        raise ProviderConfigError(_missing_key_message(choice))
    http = settings.http
    if choice.provider == "local":
        return _local_provider(settings)
    assert choice.base_url is not None
    if choice.provider == "anthropic":
        return anthropic.AnthropicProvider(
            choice.base_url,
            key,
            http,
            key_env=choice.api_key_env,
            sleep=sleep,
            transport=transport,
        )
    if choice.provider == "ollama":
        return ollama.OllamaProvider(
            choice.base_url,
            http,
            api_key=key,
            key_env=choice.api_key_env,
            sleep=sleep,
            transport=transport,
        )
    return openai_compat.OpenAICompatProvider(
        choice.base_url, key, http, key_env=choice.api_key_env, sleep=sleep, transport=transport
    )


def _pick(
    settings: Settings, env: Mapping[str, str], local_ready: bool | None
) -> tuple[ProviderName, str]:
    if settings.provider is not None:
        return settings.provider, "configured"
    for variable, provider in _KEY_INFERENCE:
        if env.get(variable):
            return provider, f"{variable} is set"
    if settings.base_url:
        return "openai", "a base URL is configured (OpenAI-compatible)"
    if local_ready is None:
        local_ready = _local_model_ready(settings, env)
    if local_ready:
        return "local", "no provider or API key is configured; the embedded local model"
    from agentls.llm.local import missing_provider_message

    raise ProviderConfigError(missing_provider_message([v for v, _ in _KEY_INFERENCE]))


def _local_model_ready(settings: Settings, env: Mapping[str, str]) -> bool:
    """The runtime is installed and the model file is there (not checksummed: that is slow)."""
    from agentls.llm.local import local_available
    from agentls.models_cache import model_path

    if not local_available():
        return False
    if settings.model:
        return Path(settings.model).expanduser().is_file()
    xdg = env.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path(env.get("HOME") or Path.home()) / ".cache"
    return model_path(cache_dir=base / "agentls").is_file()


def _base_url(provider: ProviderName, settings: Settings, env: Mapping[str, str]) -> str:
    if settings.base_url:
        url = settings.base_url.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProviderConfigError(
                f"The base URL {url!r} is not an http:// or https:// URL. Set AGENTLS_BASE_URL "
                "(or base_url in .agentls.yaml or the editor settings) to e.g. "
                "http://127.0.0.1:8080/v1."
            )
        return url
    if provider == "anthropic":
        return anthropic.DEFAULT_BASE_URL
    if provider == "ollama":
        return ollama.ollama_base_url(env)
    return openai_compat.DEFAULT_BASE_URL


def _missing_key_message(choice: ProviderChoice) -> str:
    variable = choice.api_key_env or DEFAULT_KEY_ENV[choice.provider]
    return (
        f"No API key for {choice.provider} at {choice.base_url}: set the environment variable "
        f"{variable} (keys are read only from the environment; api_key_env names a different "
        "variable), or pick another provider with AGENTLS_PROVIDER."
    )


def _local_provider(settings: Settings) -> Provider:
    from agentls.llm.local import LocalEndpoint, LocalModelManager
    from agentls.llm.local_provider import LocalProvider

    def inner(endpoint: LocalEndpoint) -> Provider:
        return openai_compat.OpenAICompatProvider(
            endpoint.base_url,
            endpoint.api_key,
            settings.http,
            key_env=None,
            name="local",
            unreachable_hint="The embedded local model stopped answering; try again.",
        )

    return LocalProvider(LocalModelManager(settings), inner, owns_manager=True)
