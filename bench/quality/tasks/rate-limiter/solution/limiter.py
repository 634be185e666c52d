import time


class RateLimiter:
    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._calls: dict[str, list[float]] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        recent = [t for t in self._calls.get(key, []) if now - t < self.window]
        if len(recent) >= self.limit:
            self._calls[key] = recent
            return False
        recent.append(now)
        self._calls[key] = recent
        return True
