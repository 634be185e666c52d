"""Ollama: chat through its OpenAI-compatible ``/v1``; models listed by ``GET /api/tags``.

The base URL is the server root (``http://127.0.0.1:11434``), taken from settings, else
``OLLAMA_HOST`` (which may omit the scheme and port, as the Ollama CLI allows).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx

from agentls.config import HttpSettings
from agentls.llm.base import Answer, ChatRequest, ContextWindow, DeltaCallback
from agentls.llm.errors import LLMError, ModelNotFound
from agentls.llm.http_errors import Service, error_for_exception, error_for_status
from agentls.llm.openai_compat import OpenAICompatProvider
from agentls.llm.retry import Sleep
from agentls.llm.urls import display_url
from agentls.llm.window import WindowCache, ollama_context_length, probe_json

DEFAULT_HOST = "http://127.0.0.1:11434"
_DEFAULT_PORT = "11434"
_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "[::]": "::1"}


def ollama_base_url(env: Mapping[str, str]) -> str:
    """The server root from ``OLLAMA_HOST`` (``host``, ``host:port`` or a URL), else the default."""
    value = env.get("OLLAMA_HOST", "").strip()
    if not value:
        return DEFAULT_HOST
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest, default_port = "http", value, _DEFAULT_PORT
    else:
        default_port = {"http": "80", "https": "443"}.get(scheme, _DEFAULT_PORT)
    hostport, _, path = rest.partition("/")
    host, port = _split_host_port(hostport)
    host = _WILDCARDS.get(host, host) or "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    root = f"{scheme}://{host}:{port or default_port}"
    return f"{root}/{path.strip('/')}" if path.strip("/") else root


def _split_host_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):  # [v6] or [v6]:port
        host, _, tail = hostport[1:].partition("]")
        return host, tail.removeprefix(":")
    if hostport.count(":") == 1:
        host, _, port = hostport.partition(":")
        return host, port
    return hostport, ""  # a name, v4 address, or a bare v6 address


def ollama_root(base_url: str) -> str:
    """Accept a base URL given with ``/v1`` too."""
    return base_url.rstrip("/").removesuffix("/v1")


def _same_model(wanted: str, listed: str) -> bool:
    return wanted == listed or f"{wanted}:latest" == listed


class OllamaProvider:
    """Chat via `OpenAICompatProvider` on ``{root}/v1``; explains models that are not pulled."""

    def __init__(
        self,
        base_url: str,
        http: HttpSettings,
        *,
        api_key: str | None = None,
        key_env: str | None = None,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = "ollama"
        self.base_url = ollama_root(base_url)
        hint = (
            "Start Ollama (`ollama serve`), or set OLLAMA_HOST or AGENTLS_BASE_URL to its address."
        )
        self._chat = OpenAICompatProvider(
            f"{self.base_url}/v1",
            api_key,
            http,
            key_env=key_env,
            name="ollama",
            unreachable_hint=hint,
            sleep=sleep,
            transport=transport,
        )
        self._hint = hint
        self._windows = WindowCache()

    def __repr__(self) -> str:
        return f"OllamaProvider(base_url={self.base_url!r})"

    async def list_models(self) -> list[str]:
        """Names of the pulled models, e.g. ``qwen2.5-coder:latest``."""
        client = self._chat.http_client
        service = Service(self.base_url, "", None, unreachable_hint=self._hint)
        try:
            response = await client.get(f"{self.base_url}/api/tags")
        except httpx.HTTPError as exc:
            raise error_for_exception(exc, service, client.timeout, 0) from exc
        if response.status_code != 200:
            raise error_for_status(
                response.status_code, response.content, response.headers, service
            )
        try:
            models = response.json().get("models") or []
            return [str(m.get("name") or m.get("model")) for m in models]
        except (ValueError, AttributeError) as exc:
            raise LLMError(
                f"Ollama at {display_url(self.base_url)} sent an unreadable model list."
            ) from exc

    async def complete(self, request: ChatRequest, on_delta: DeltaCallback | None = None) -> Answer:
        try:
            return await self._chat.complete(request, on_delta)
        except ModelNotFound as not_found:
            raise await self._explain_missing(request.model, not_found) from not_found

    async def _explain_missing(self, model: str, original: ModelNotFound) -> LLMError:
        try:
            pulled = await self.list_models()
        except LLMError:
            return original
        if any(_same_model(model, name) for name in pulled):
            return original
        available = ", ".join(pulled) if pulled else "none"
        return ModelNotFound(
            f"The model '{model}' is not pulled into Ollama at {display_url(self.base_url)}. "
            f"Run `ollama pull {model}`, or set AGENTLS_MODEL to one it has "
            f"(pulled: {available}).",
            original.status,
        )

    async def context_window(self, model: str) -> ContextWindow | None:
        """``POST /api/show``: the model's ``num_ctx`` parameter, else its trained length."""

        async def learn() -> ContextWindow | None:
            url = f"{self.base_url}/api/show"
            show = await probe_json(self._chat.http_client, "POST", url, {"model": model})
            tokens = ollama_context_length(show)
            if tokens is None:
                return None
            return ContextWindow(tokens, f"Ollama's /api/show at {display_url(self.base_url)}")

        return await self._windows.get(self.base_url, model, learn)

    async def aclose(self) -> None:
        await self._chat.aclose()
