from cache import TTLCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_value_is_returned_before_it_expires() -> None:
    clock = FakeClock()
    cache = TTLCache(ttl=30, clock=clock)
    cache.set("token", "abc")
    clock.now += 29
    assert cache.get("token") == "abc"


def test_expired_value_gives_the_default() -> None:
    clock = FakeClock()
    cache = TTLCache(ttl=30, clock=clock)
    cache.set("token", "abc")
    clock.now += 31
    assert cache.get("token") is None
    assert cache.get("token", "gone") == "gone"


def test_missing_key_gives_the_default() -> None:
    cache = TTLCache(ttl=30, clock=FakeClock())
    assert cache.get("nothing", 0) == 0
