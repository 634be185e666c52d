import time


class TTLCache:
    """A dict-like cache whose entries expire `ttl` seconds after they were set."""

    def __init__(self, ttl: float, clock=time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._data = {}

    def set(self, key, value):
        # TODO: store value with its expiry time (clock() + ttl)
        pass

    def get(self, key, default=None):
        # TODO: the value if present and not expired (expired entries are removed), else default
        pass
