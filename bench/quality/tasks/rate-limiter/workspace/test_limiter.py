from limiter import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_at_most_limit_calls_within_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit=2, window=10, clock=clock)
    assert limiter.allow("alice") is True
    clock.now = 1
    assert limiter.allow("alice") is True
    clock.now = 2
    assert limiter.allow("alice") is False


def test_a_call_exactly_window_seconds_ago_no_longer_counts() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit=1, window=10, clock=clock)
    assert limiter.allow("alice") is True
    clock.now = 10
    assert limiter.allow("alice") is True


def test_a_refused_call_is_not_recorded() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit=1, window=10, clock=clock)
    assert limiter.allow("alice") is True
    clock.now = 5
    assert limiter.allow("alice") is False
    clock.now = 10
    assert limiter.allow("alice") is True


def test_keys_are_independent() -> None:
    limiter = RateLimiter(limit=1, window=10, clock=FakeClock())
    assert limiter.allow("alice") is True
    assert limiter.allow("bob") is True
    assert limiter.allow("alice") is False
