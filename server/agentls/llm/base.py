"""Provider-neutral request/answer data and the provider protocol."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class ChatRequest:
    model: str
    messages: tuple[ChatMessage, ...]
    temperature: float | None = None
    max_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    model: str
    usage: Usage
    finish_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ContextWindow:
    """How many tokens the model reads (prompt and answer), and who said so."""

    tokens: int
    source: str  # for messages, e.g. "the server's /props (llama.cpp) at http://…"


# Called with each streamed text fragment, in order.
DeltaCallback = Callable[[str], None]


class Provider(Protocol):
    """A chat model reachable over HTTP. Cancelling the awaiting task closes the stream."""

    name: str

    async def complete(self, request: ChatRequest, on_delta: DeltaCallback | None = None) -> Answer:
        """Stream one answer. Raises `agentls.llm.errors.LLMError` subclasses only."""
        ...

    async def context_window(self, model: str) -> ContextWindow | None:
        """The model's window, or None when unknown. Quick (about 2 s at most), cached,
        never raises: see `agentls.llm.window`."""
        ...

    async def aclose(self) -> None: ...
