"""OpenAI-compatible chat completions, streamed: OpenAI, vLLM, llama.cpp, LM Studio,
OpenRouter, Ollama's /v1. The base URL includes the version path, e.g. ``…/v1``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Any
from urllib.parse import urlsplit

import httpx

from agentls.config import HttpSettings
from agentls.llm.base import Answer, ChatRequest, ContextWindow, DeltaCallback, Usage
from agentls.llm.errors import BadRequest, ServiceUnavailable, StreamInterrupted
from agentls.llm.http_errors import DEFAULT_UNREACHABLE_HINT, Service, provider_message
from agentls.llm.http_provider import KeyedHttpProvider
from agentls.llm.retry import Sleep
from agentls.llm.sse import ServerSentEvent
from agentls.llm.streaming import DecoderState, event_json, post_with_retries
from agentls.llm.urls import display_url
from agentls.llm.window import (
    WindowCache,
    known_window,
    llama_cpp_n_ctx,
    probe_json,
    server_root,
)

DEFAULT_BASE_URL = "https://api.openai.com/v1"


class OpenAIStreamDecoder(DecoderState):
    """Reads ``chat.completion.chunk`` events up to ``data: [DONE]``."""

    def feed(self, event: ServerSentEvent) -> str:
        if event.is_done:
            self.finished = True
            return ""
        chunk = event_json(event)
        if "error" in chunk:
            message = provider_message(json.dumps(chunk)) or "no details"
            raise ServiceUnavailable(
                f"The model service reported an error in the middle of its answer: {message}", 500
            )
        self.model = chunk.get("model") or self.model
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.usage = Usage(usage.get("prompt_tokens"), usage.get("completion_tokens"))
        choices = chunk.get("choices") or []
        if not choices or not isinstance(choices[0], dict):
            return ""
        choice = choices[0]
        if choice.get("finish_reason"):
            self.finish_reason = str(choice["finish_reason"])
        delta = choice.get("delta")
        content = delta.get("content") if isinstance(delta, dict) else None
        if content is not None and not isinstance(content, str):
            raise StreamInterrupted(f"The model service sent non-text content: {content!r:.200}")
        return content or ""


class OpenAICompatProvider(KeyedHttpProvider):
    """Streams ``POST {base_url}/chat/completions``. One HTTP client per object."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        http: HttpSettings,
        *,
        key_env: str | None = "OPENAI_API_KEY",
        name: str = "openai",
        unreachable_hint: str = DEFAULT_UNREACHABLE_HINT,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        super().__init__(name, base_url, api_key, key_env, http, headers, sleep, transport)
        self._unreachable_hint = unreachable_hint
        self._ask_usage = True  # off once the server refuses stream_options
        self._windows = WindowCache()

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The provider's client, for other calls to the same service (e.g. model lists)."""
        return self._client

    def __repr__(self) -> str:
        return f"OpenAICompatProvider(name={self.name!r}, base_url={self.base_url!r})"

    def request_body(self, request: ChatRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "stream": True,
        }
        if self._ask_usage:
            body["stream_options"] = {"include_usage": True}
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.max_tokens is not None:
            # Newer OpenAI models want max_completion_tokens; other servers know max_tokens.
            official = urlsplit(self.base_url).hostname == "api.openai.com"
            body["max_completion_tokens" if official else "max_tokens"] = request.max_tokens
        return body

    def service(self, model: str) -> Service:
        return self.keyed_service(
            model,
            self._unreachable_hint,
            " Also check that the base URL ends in the API version (such as /v1).",
        )

    async def complete(self, request: ChatRequest, on_delta: DeltaCallback | None = None) -> Answer:
        url = f"{self.base_url}/chat/completions"
        service = self.service(request.model)

        def ask() -> Awaitable[Answer]:
            return post_with_retries(
                self._client,
                url,
                lambda: self.request_body(request),  # built per attempt: options may change
                OpenAIStreamDecoder,
                service,
                self._http,
                on_delta,
                self._sleep,
            )

        try:
            return await ask()
        except BadRequest as error:
            if not (self._ask_usage and "stream_options" in str(error)):
                raise
        # Older servers refuse the usage option; ask again without it (token counts unknown).
        self._ask_usage = False
        return await ask()

    async def context_window(self, model: str) -> ContextWindow | None:
        """llama.cpp's ``GET {root}/props`` (root: the base URL without ``/v1``), else the
        table of hosted models. api.openai.com is not asked: it has no such route."""

        async def learn() -> ContextWindow | None:
            if urlsplit(self.base_url).hostname != "api.openai.com":
                root = server_root(self.base_url)
                n_ctx = llama_cpp_n_ctx(await probe_json(self._client, "GET", f"{root}/props"))
                if n_ctx is not None:
                    where = f"the server's /props (llama.cpp) at {display_url(root)}"
                    return ContextWindow(n_ctx, where)
            return known_window(model)

        return await self._windows.get(self.base_url, model, learn)
