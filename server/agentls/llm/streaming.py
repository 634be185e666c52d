"""One streamed model call: POST, check the status, decode SSE, bound the size, detect cuts.

Provider modules supply the URL, body and a `StreamDecoder` that understands their
events; everything about HTTP failure, stream breakage and limits lives here.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Protocol

import httpx

from agentls.config import HttpSettings
from agentls.llm.base import Answer, Usage
from agentls.llm.errors import AnswerTooLarge, EmptyAnswer, StreamInterrupted
from agentls.llm.http_errors import Service, error_for_exception, error_for_status
from agentls.llm.retry import RetryPolicy, Sleep, retry_stream
from agentls.llm.sse import ServerSentEvent, SSEParser
from agentls.llm.urls import is_loopback_url

_MAX_ERROR_BODY = 64 * 1024
_DRAIN_SECONDS = 1.0


class StreamDecoder(Protocol):
    """Reads one provider's events. Raises `LLMError` for errors reported in the stream."""

    finished: bool  # the stream's end marker was seen: stop reading
    finish_reason: str | None
    model: str | None
    usage: Usage

    @property
    def complete(self) -> bool:
        """The answer is whole even if the stream ends now."""
        ...

    def feed(self, event: ServerSentEvent) -> str:
        """The answer text this event adds ("" for none)."""
        ...


class DecoderState:
    """What every decoder tracks; subclasses add `feed`."""

    def __init__(self) -> None:
        self.finished = False
        self.finish_reason: str | None = None
        self.model: str | None = None
        self.usage = Usage()

    @property
    def complete(self) -> bool:
        # Some servers end without their end marker; a finish reason is then enough.
        return self.finished or self.finish_reason is not None


def timeouts(http: HttpSettings) -> httpx.Timeout:
    return httpx.Timeout(
        connect=http.connect_timeout,
        read=http.read_timeout,
        write=http.read_timeout,
        pool=http.connect_timeout,
    )


def make_client(
    base_url: str,
    http: HttpSettings,
    headers: Mapping[str, str],
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """One client per provider object. Redirects are not followed; proxies from the
    environment apply, except to this machine, which no proxy can reach for us."""
    return httpx.AsyncClient(
        headers=dict(headers),
        timeout=timeouts(http),
        transport=transport,
        follow_redirects=False,
        trust_env=not is_loopback_url(base_url),
    )


async def stream_answer(
    client: httpx.AsyncClient,
    url: str,
    body: dict[str, Any],
    decoder: StreamDecoder,
    service: Service,
    http: HttpSettings,
    on_delta: Callable[[str], None],
) -> Answer:
    """POST ``body`` to ``url`` and stream the answer, calling ``on_delta`` per fragment."""
    reader = _AnswerReader(decoder, service, http.max_answer_bytes, on_delta)
    streaming = False  # the answer began: a broken connection now means a cut answer
    try:
        async with client.stream("POST", url, json=body) as response:
            if response.status_code != 200:
                raise error_for_status(
                    response.status_code, await _bounded_body(response), response.headers, service
                )
            streaming = True
            await reader.read(response)
    except httpx.HTTPError as exc:
        if streaming and not isinstance(exc, httpx.TimeoutException):
            raise reader.cut_off() from exc
        raise error_for_exception(exc, service, client.timeout, reader.received) from exc
    except httpx.InvalidURL as exc:
        raise error_for_exception(
            httpx.UnsupportedProtocol(str(exc)), service, client.timeout, 0
        ) from exc
    return reader.answer()


class _AnswerReader:
    def __init__(
        self,
        decoder: StreamDecoder,
        service: Service,
        max_bytes: int,
        on_delta: Callable[[str], None],
    ) -> None:
        self._decoder = decoder
        self._service = service
        self._max_bytes = max_bytes
        self._on_delta = on_delta
        self._parts: list[str] = []
        self._bytes = 0
        self.received = 0  # characters of answer text

    async def read(self, response: httpx.Response) -> None:
        parser = SSEParser(max_pending=self._max_bytes + 65_536)
        text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        chunks = response.aiter_bytes()
        async for chunk in chunks:
            for event in parser.feed(text.decode(chunk)):
                self._take(event)
                if self._decoder.finished:
                    await _drain(chunks)
                    return
        for event in parser.feed(text.decode(b"", final=True)) + parser.close():
            self._take(event)
        if not self._decoder.complete:
            raise self.cut_off()

    def _take(self, event: ServerSentEvent) -> None:
        piece = self._decoder.feed(event)
        if not piece:
            return
        self._bytes += len(piece.encode("utf-8"))
        if self._bytes > self._max_bytes:
            raise AnswerTooLarge(
                f"The answer from model '{self._service.model}' grew past "
                f"{self._max_bytes} bytes (http.max_answer_bytes), so agentls stopped reading. "
                "Ask for a smaller change, or raise http.max_answer_bytes."
            )
        self._parts.append(piece)
        self.received += len(piece)
        self._on_delta(piece)

    def cut_off(self) -> StreamInterrupted:
        return StreamInterrupted(
            f"The answer from model '{self._service.model}' was cut off after "
            f"{self.received} characters: the connection ended before the stream's end. "
            "Try again."
        )

    def answer(self) -> Answer:
        text = "".join(self._parts)
        decoder = self._decoder
        if not text.strip():
            reason = f" (finish reason: {decoder.finish_reason})" if decoder.finish_reason else ""
            raise EmptyAnswer(
                f"The model '{self._service.model}' returned an empty answer{reason}. "
                "Try again, or rephrase the request."
            )
        return Answer(
            text=text,
            model=decoder.model or self._service.model,
            usage=decoder.usage,
            finish_reason=decoder.finish_reason,
        )


async def _drain(chunks: AsyncIterator[bytes]) -> None:
    """Read what follows the end marker (normally just the chunked terminator), briefly,
    so the connection can be reused and the server does not see a hang-up."""
    with contextlib.suppress(httpx.HTTPError, TimeoutError):
        async with asyncio.timeout(_DRAIN_SECONDS):
            seen = 0
            async for chunk in chunks:
                seen += len(chunk)
                if seen > _MAX_ERROR_BODY:
                    return


async def _bounded_body(response: httpx.Response) -> bytes:
    data = b""
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= _MAX_ERROR_BODY:
            break
    return data[:_MAX_ERROR_BODY]


def event_json(event: ServerSentEvent) -> dict[str, Any]:
    """The event's data as a JSON object, or `StreamInterrupted` quoting what came instead."""
    try:
        data = json.loads(event.data)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        shown = event.data if len(event.data) <= 200 else event.data[:200] + "…"
        raise StreamInterrupted(
            f"The model service sent a stream event that is not a JSON object: {shown!r}. "
            "Try again; if it keeps happening the server does not speak this API."
        )
    return data


async def post_with_retries(
    client: httpx.AsyncClient,
    url: str,
    body_of: Callable[[], dict[str, Any]],
    new_decoder: Callable[[], StreamDecoder],
    service: Service,
    http: HttpSettings,
    on_delta: Callable[[str], None] | None,
    sleep: Sleep = asyncio.sleep,
) -> Answer:
    """`stream_answer` under the retry policy: each attempt gets a fresh body and decoder."""

    async def attempt(forward: Callable[[str], None]) -> Answer:
        return await stream_answer(client, url, body_of(), new_decoder(), service, http, forward)

    return await retry_stream(attempt, RetryPolicy.from_settings(http), on_delta, sleep=sleep)
