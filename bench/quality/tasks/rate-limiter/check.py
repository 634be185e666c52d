import os
import sys

sys.path.insert(0, os.getcwd())
from limiter import RateLimiter

now = [0.0]
limiter = RateLimiter(2, 10, clock=lambda: now[0])
assert limiter.allow("a") is True
now[0] = 1.0
assert limiter.allow("a") is True
assert limiter.allow("a") is False
assert limiter.allow("b") is True
now[0] = 10.0  # the call at 0 has left the window
assert limiter.allow("a") is True
assert limiter.allow("a") is False
now[0] = 20.5
assert limiter.allow("a") is True
assert limiter.allow("a") is True
assert limiter.allow("a") is False
