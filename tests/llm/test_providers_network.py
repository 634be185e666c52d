"""Connection-level failures and cancellation, on loopback only (no network needed)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import pytest

from agentls.llm import errors
from tests.llm.conftest import REQUEST, Connect, Kind, RecordingSleep
from tests.support.fake_model import FakeModel, Turn

KINDS: list[Kind] = ["openai", "anthropic"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def never_accepting_port() -> Iterator[int]:
    """A listener whose accept queue is full, so new connections hang in SYN."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        yield port
    finally:
        for sock in [*fillers, listener]:
            sock.close()


@pytest.mark.parametrize("kind", KINDS)
async def test_connection_refused_names_the_url_and_what_to_check(
    kind: Kind, connect: Connect, sleep: RecordingSleep
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    provider = connect(kind, base_url=f"{url}/v1" if kind == "openai" else url)
    with pytest.raises(errors.ProviderUnreachable) as caught:
        await provider.complete(REQUEST)
    message = str(caught.value)
    assert url in message
    assert "connection refused" in message
    assert "AGENTLS_BASE_URL" in message
    assert sleep.delays == [0.5, 1.0]  # connection errors are retried


@pytest.mark.parametrize("kind", KINDS)
async def test_dns_failure_names_the_host(kind: Kind, connect: Connect) -> None:
    provider = connect(kind, base_url="http://agentls-test.invalid/v1", max_attempts=1)
    with pytest.raises(errors.ProviderUnreachable) as caught:
        await provider.complete(REQUEST)
    message = str(caught.value)
    assert "agentls-test.invalid" in message
    assert "DNS" in message
    assert "AGENTLS_BASE_URL" in message


async def test_connect_timeout_says_how_long(connect: Connect) -> None:
    with never_accepting_port() as port:
        provider = connect(
            "openai", base_url=f"http://127.0.0.1:{port}/v1", connect_timeout=0.3, max_attempts=1
        )
        with pytest.raises(errors.ProviderUnreachable) as caught:
            await provider.complete(REQUEST)
    message = str(caught.value)
    assert "within 0.3 s" in message
    assert f"127.0.0.1:{port}" in message


@pytest.mark.parametrize("kind", KINDS)
async def test_read_timeout_before_the_answer_starts(
    kind: Kind, fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn("late", delay=2.0)])
    with pytest.raises(errors.ProviderTimeout) as caught:
        await connect(kind, read_timeout=0.3).complete(REQUEST)
    assert "sent nothing for 0.3 s" in str(caught.value)
    assert "http.read_timeout" in str(caught.value)


@pytest.mark.parametrize("kind", KINDS)
async def test_read_timeout_in_a_slow_trickle(
    kind: Kind, fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn("abcd" * 4, chunk_size=4, chunk_delay=2.0)])
    seen: list[str] = []
    with pytest.raises(errors.ProviderTimeout) as caught:
        await connect(kind, read_timeout=0.3).complete(REQUEST, seen.append)
    assert seen == ["abcd"]
    assert "after 4 characters" in str(caught.value)


@pytest.mark.parametrize("kind", KINDS)
async def test_cancelling_the_task_closes_the_stream(
    kind: Kind, fake: FakeModel, connect: Connect
) -> None:
    fake.script([Turn("word " * 200, chunk_size=5, chunk_delay=0.05)])
    first_delta = asyncio.Event()
    task = asyncio.create_task(connect(kind).complete(REQUEST, lambda _: first_delta.set()))
    await asyncio.wait_for(first_delta.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(fake.wait_for_aborted, 1, 5.0)


async def test_cancelling_during_a_retry_wait_stops_retrying(fake: FakeModel) -> None:
    from agentls.config import HttpSettings
    from agentls.llm.openai_compat import OpenAICompatProvider

    fake.script([Turn(status=503, headers={"Retry-After": "30"})])
    provider = OpenAICompatProvider(fake.openai_base_url, None, HttpSettings())
    try:
        task = asyncio.create_task(provider.complete(REQUEST))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        await provider.aclose()
    assert len(fake.requests) == 1
