"""Retry one model call on 429, 5xx and connection failures, before any text was delivered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from agentls.config import HttpSettings
from agentls.llm.errors import LLMError, ProviderHTTPError

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_initial: float = 0.5
    retry_after_cap: float = 30.0

    @classmethod
    def from_settings(cls, http: HttpSettings) -> RetryPolicy:
        return cls(http.max_attempts, http.backoff_initial, http.retry_after_cap)

    def delay(self, attempt: int, error: LLMError) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if isinstance(error, ProviderHTTPError) and error.retry_after is not None:
            return min(error.retry_after, self.retry_after_cap)
        return self.backoff_initial * 2 ** (attempt - 1)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Sleep = asyncio.sleep,
    may_retry: Callable[[], bool] = lambda: True,
) -> T:
    """Await ``call()`` up to ``policy.max_attempts`` times.

    Only errors marked ``retryable`` are retried, and only while ``may_retry()`` holds
    (callers make it false once streamed text reached the user). The error that ends
    the loop records how many attempts were made.
    """
    attempt = 1
    while True:
        try:
            return await call()
        except LLMError as error:
            if not error.retryable or not may_retry() or attempt >= policy.max_attempts:
                error.attempts = attempt
                raise
            wait = policy.delay(attempt, error)
            _log.info(
                "model call failed (%s); retry %d in %.1f s", type(error).__name__, attempt, wait
            )
            await sleep(wait)
            attempt += 1


async def retry_stream(
    attempt: Callable[[Callable[[str], None]], Awaitable[T]],
    policy: RetryPolicy,
    on_delta: Callable[[str], None] | None,
    *,
    sleep: Sleep = asyncio.sleep,
) -> T:
    """Retry a streamed call, but never once a fragment has been passed to ``on_delta``."""
    delivered = False

    def forward(text: str) -> None:
        nonlocal delivered
        delivered = True
        if on_delta is not None:
            on_delta(text)

    return await with_retries(
        lambda: attempt(forward), policy, sleep=sleep, may_retry=lambda: not delivered
    )
