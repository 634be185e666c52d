import time


class TTLCache:
    """A dict-like cache whose entries expire `ttl` seconds after they were set."""

    def __init__(self, ttl: float, clock=time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._data = {}

    def set(self, key, value):
        self._data[key] = (value, self.clock() + self.ttl)

    def get(self, key, default=None):
        entry = self._data.get(key)
        if entry is None:
            return default
        value, expires = entry
        if self.clock() >= expires:
            del self._data[key]
            return default
        return value
