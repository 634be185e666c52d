"""Anthropic Messages API, streamed. The base URL has no path: ``https://api.anthropic.com``."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from agentls.config import HttpSettings
from agentls.llm.base import Answer, ChatRequest, ContextWindow, DeltaCallback, Usage
from agentls.llm.errors import LLMError, RateLimited, ServiceUnavailable, StreamInterrupted
from agentls.llm.http_errors import DEFAULT_UNREACHABLE_HINT
from agentls.llm.http_provider import KeyedHttpProvider
from agentls.llm.retry import Sleep
from agentls.llm.sse import ServerSentEvent
from agentls.llm.streaming import DecoderState, event_json, post_with_retries
from agentls.llm.window import known_window

DEFAULT_BASE_URL = "https://api.anthropic.com"
API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 8192

# Stop reasons in the OpenAI vocabulary, so callers check one set of words.
_FINISH_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}


class AnthropicStreamDecoder(DecoderState):
    """Reads message_start … content_block_delta … message_delta, message_stop."""

    def feed(self, event: ServerSentEvent) -> str:
        data = event_json(event)
        kind = data.get("type") or event.event
        if kind == "message_start":
            message = data.get("message") or {}
            self.model = message.get("model") or self.model
            usage = message.get("usage") or {}
            self.usage = Usage(usage.get("input_tokens"), usage.get("output_tokens"))
        elif kind == "content_block_delta":
            delta = data.get("delta") or {}
            if delta.get("type") == "text_delta":
                text = delta.get("text", "")
                if not isinstance(text, str):
                    raise StreamInterrupted(
                        f"The model service sent non-text content: {text!r:.200}"
                    )
                return text
        elif kind == "message_delta":
            stop = (data.get("delta") or {}).get("stop_reason")
            if stop:
                self.finish_reason = _FINISH_REASONS.get(stop, stop)
            output = (data.get("usage") or {}).get("output_tokens")
            if output is not None:
                self.usage = Usage(self.usage.input_tokens, output)
        elif kind == "message_stop":
            self.finished = True
        elif kind == "error":
            raise _stream_error(data.get("error") or {})
        return ""  # ping, content_block_start/stop and future event types


def _stream_error(error: dict[str, Any]) -> LLMError:
    kind = error.get("type", "error")
    said = error.get("message") or kind
    message = f"The Anthropic API reported an error in the middle of its answer: {said}"
    if kind == "overloaded_error":
        return ServiceUnavailable(f"{message}. Try again later.", 529)
    if kind == "rate_limit_error":
        return RateLimited(f"{message}. Wait a little and try again.", 429)
    if kind == "api_error":
        return ServiceUnavailable(f"{message}. Try again later.", 500)
    return StreamInterrupted(message)


class AnthropicProvider(KeyedHttpProvider):
    """Streams ``POST {base_url}/v1/messages``. One HTTP client per object."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        http: HttpSettings,
        *,
        key_env: str | None = "ANTHROPIC_API_KEY",
        default_max_tokens: int = DEFAULT_MAX_TOKENS,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"anthropic-version": API_VERSION}
        if api_key:
            headers["x-api-key"] = api_key
        super().__init__("anthropic", base_url, api_key, key_env, http, headers, sleep, transport)
        self._default_max_tokens = default_max_tokens

    def __repr__(self) -> str:
        return f"AnthropicProvider(base_url={self.base_url!r})"

    def request_body(self, request: ChatRequest) -> dict[str, Any]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        body: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens or self._default_max_tokens,
            "messages": [
                {"role": m.role, "content": m.content}
                for m in request.messages
                if m.role != "system"
            ],
            "stream": True,
        }
        if system:
            body["system"] = system
        if request.temperature is not None:
            # Anthropic accepts 0..1; OpenAI-style values above 1 are clamped.
            body["temperature"] = min(request.temperature, 1.0)
        return body

    async def complete(self, request: ChatRequest, on_delta: DeltaCallback | None = None) -> Answer:
        body = self.request_body(request)
        service = self.keyed_service(
            request.model,
            DEFAULT_UNREACHABLE_HINT,
            " Also check that the base URL has no path (https://api.anthropic.com).",
        )
        url = f"{self.base_url}/v1/messages"
        return await post_with_retries(
            self._client,
            url,
            lambda: body,
            AnthropicStreamDecoder,
            service,
            self._http,
            on_delta,
            self._sleep,
        )

    async def context_window(self, model: str) -> ContextWindow | None:
        """From the table of known models: the Messages API does not say."""
        return known_window(model)
