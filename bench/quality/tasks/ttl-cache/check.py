import os
import sys

sys.path.insert(0, os.getcwd())
from cache import TTLCache

now = [100.0]
cache = TTLCache(10, clock=lambda: now[0])
cache.set("a", 1)
assert cache.get("a") == 1
now[0] = 109.0
assert cache.get("a") == 1
now[0] = 111.0
assert cache.get("a") is None
assert cache.get("a", "gone") == "gone"
cache.set("a", 2)
assert cache.get("a") == 2
assert cache.get("missing", 0) == 0
