"""The retry loop alone, with a recording sleep: which errors, how often, how long."""

from __future__ import annotations

import pytest

from agentls.llm import errors
from agentls.llm.retry import RetryPolicy, retry_stream, with_retries
from tests.llm.conftest import RecordingSleep

POLICY = RetryPolicy(max_attempts=3, backoff_initial=0.5, retry_after_cap=30.0)


class Flaky:
    """Fails with the given errors in turn, then answers "ok"."""

    def __init__(self, *failures: errors.LLMError) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def unavailable() -> errors.LLMError:
    return errors.ServiceUnavailable("down", 503)


async def test_recovers_on_a_later_attempt_with_exponential_backoff() -> None:
    sleep = RecordingSleep()
    call = Flaky(unavailable(), errors.ProviderUnreachable("refused"))
    assert await with_retries(call, POLICY, sleep=sleep) == "ok"
    assert sleep.delays == [0.5, 1.0]


async def test_gives_up_after_max_attempts_and_says_how_many() -> None:
    sleep = RecordingSleep()
    call = Flaky(unavailable(), unavailable(), unavailable(), unavailable())
    with pytest.raises(errors.ServiceUnavailable) as caught:
        await with_retries(call, POLICY, sleep=sleep)
    assert call.calls == 3
    assert caught.value.attempts == 3
    assert "failed 3 times in a row" in str(caught.value)


@pytest.mark.parametrize(
    ("retry_after", "waited"),
    [(2.0, 2.0), (0.0, 0.0), (120.0, 30.0)],
)
async def test_retry_after_is_honoured_up_to_the_cap(retry_after: float, waited: float) -> None:
    sleep = RecordingSleep()
    call = Flaky(errors.RateLimited("slow down", 429, retry_after))
    assert await with_retries(call, POLICY, sleep=sleep) == "ok"
    assert sleep.delays == [waited]


@pytest.mark.parametrize(
    "error",
    [
        errors.BadRequest("no", 400),
        errors.AuthenticationFailed("no", 401),
        errors.ModelNotFound("no", 404),
        errors.ProviderTimeout("slow"),
        errors.StreamInterrupted("cut"),
        errors.EmptyAnswer("empty"),
    ],
)
async def test_errors_that_retrying_cannot_fix_are_raised_at_once(error: errors.LLMError) -> None:
    sleep = RecordingSleep()
    call = Flaky(error)
    with pytest.raises(type(error)):
        await with_retries(call, POLICY, sleep=sleep)
    assert (call.calls, sleep.delays) == (1, [])
    assert "times in a row" not in str(error)


async def test_one_attempt_means_no_retry() -> None:
    sleep = RecordingSleep()
    call = Flaky(unavailable())
    with pytest.raises(errors.ServiceUnavailable):
        await with_retries(call, RetryPolicy(max_attempts=1), sleep=sleep)
    assert call.calls == 1


async def test_no_retry_once_text_reached_the_caller() -> None:
    sleep = RecordingSleep()
    seen: list[str] = []
    calls = 0

    async def attempt(forward):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        forward("partial ")
        raise errors.ProviderUnreachable("dropped")

    with pytest.raises(errors.ProviderUnreachable):
        await retry_stream(attempt, POLICY, seen.append, sleep=sleep)
    assert (calls, seen, sleep.delays) == (1, ["partial "], [])
