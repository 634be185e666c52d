"""Stream edge cases that a real server rarely produces on demand, through httpx.MockTransport:
bytes split inside a character, streams ending without their marker, errors inside streams."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from agentls.config import HttpSettings
from agentls.llm import errors
from agentls.llm.anthropic import AnthropicProvider
from agentls.llm.base import Answer
from agentls.llm.openai_compat import OpenAICompatProvider
from tests.llm.conftest import REQUEST, RecordingSleep


class ByteStream(httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece


def sse_response(pieces: list[bytes]) -> httpx.Response:
    headers = {"content-type": "text/event-stream"}
    return httpx.Response(200, headers=headers, stream=ByteStream(pieces))


def openai_event(content: str | None = None, finish: str | None = None, **extra: Any) -> bytes:
    delta = {} if content is None else {"content": content}
    chunk = {"model": "served", "choices": [{"delta": delta, "finish_reason": finish}], **extra}
    return f"data: {json.dumps(chunk)}\n\n".encode()


def anthropic_event(kind: str, **fields: Any) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **fields})}\n\n".encode()


def text_delta(text: str) -> bytes:
    return anthropic_event(
        "content_block_delta", index=0, delta={"type": "text_delta", "text": text}
    )


Responder = Callable[[int], list[bytes]]  # attempt number -> the body pieces


async def run(kind: str, respond: Responder, sleep: RecordingSleep) -> tuple[Answer, list[str]]:
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        return sse_response(respond(attempts))

    transport = httpx.MockTransport(handler)
    http = HttpSettings()
    provider: OpenAICompatProvider | AnthropicProvider
    if kind == "openai":
        provider = OpenAICompatProvider(
            "http://svc/v1", "k", http, sleep=sleep, transport=transport
        )
    else:
        provider = AnthropicProvider("http://svc", "k", http, sleep=sleep, transport=transport)
    seen: list[str] = []
    try:
        return await provider.complete(REQUEST, seen.append), seen
    finally:
        await provider.aclose()


async def test_bytes_split_inside_a_character_decode_whole(sleep: RecordingSleep) -> None:
    body = openai_event("é✓😀") + openai_event(finish="stop") + b"data: [DONE]\n\n"
    pieces = [body[i : i + 1] for i in range(len(body))]
    answer, _ = await run("openai", lambda _: pieces, sleep)
    assert answer.text == "é✓😀"
    assert answer.model == "served"


async def test_openai_stream_ending_after_finish_reason_without_done_is_whole(
    sleep: RecordingSleep,
) -> None:
    answer, _ = await run(
        "openai", lambda _: [openai_event("hi"), openai_event(finish="length")], sleep
    )
    assert (answer.text, answer.finish_reason) == ("hi", "length")


async def test_openai_stream_ending_without_any_end_is_cut(sleep: RecordingSleep) -> None:
    with pytest.raises(errors.StreamInterrupted, match="cut off after 5 characters"):
        await run("openai", lambda _: [openai_event("hello")], sleep)


async def test_crlf_stream_with_comments(sleep: RecordingSleep) -> None:
    body = b": OPENROUTER PROCESSING\r\n\r\n" + openai_event("ok").replace(b"\n", b"\r\n")
    body += b"data: [DONE]\r\n\r\n"
    answer, _ = await run("openai", lambda _: [body], sleep)
    assert answer.text == "ok"


async def test_openai_error_chunk_before_text_is_retried(sleep: RecordingSleep) -> None:
    failing = [b'data: {"error": {"message": "upstream hiccup"}}\n\n']
    good = [openai_event("fine"), openai_event(finish="stop"), b"data: [DONE]\n\n"]
    answer, _ = await run("openai", lambda n: failing if n == 1 else good, sleep)
    assert answer.text == "fine"
    assert sleep.delays == [0.5]


async def test_anthropic_overloaded_before_text_is_retried(sleep: RecordingSleep) -> None:
    overloaded = [anthropic_event("error", error={"type": "overloaded_error", "message": "Busy"})]
    good = [
        anthropic_event("message_start", message={"model": "c", "usage": {"input_tokens": 3}}),
        text_delta("done"),
        anthropic_event(
            "message_delta", delta={"stop_reason": "max_tokens"}, usage={"output_tokens": 2}
        ),
        anthropic_event("message_stop"),
    ]
    answer, _ = await run("anthropic", lambda n: overloaded if n == 1 else good, sleep)
    assert (answer.text, answer.finish_reason) == ("done", "length")
    assert (answer.usage.input_tokens, answer.usage.output_tokens) == (3, 2)


async def test_anthropic_error_after_text_is_not_retried(sleep: RecordingSleep) -> None:
    pieces = [
        text_delta("partial"),
        anthropic_event("error", error={"type": "overloaded_error", "message": "Busy"}),
    ]
    with pytest.raises(errors.ServiceUnavailable, match="Busy"):
        await run("anthropic", lambda _: pieces, sleep)
    assert sleep.delays == []


async def test_anthropic_unknown_events_are_ignored(sleep: RecordingSleep) -> None:
    pieces = [
        anthropic_event("future_event", anything=1),
        text_delta("x"),
        anthropic_event("content_block_delta", index=0, delta={"type": "thinking_delta"}),
        anthropic_event("message_stop"),
    ]
    answer, _ = await run("anthropic", lambda _: pieces, sleep)
    assert answer.text == "x"
