import os
import sys

sys.path.insert(0, os.getcwd())
from http_status import status_class

assert status_class(200) == "success"
assert status_class(204) == "success"
assert status_class(301) == "redirect"
assert status_class(404) == "client error"
assert status_class(503) == "server error"
for bad in (99, 600):
    try:
        status_class(bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"no ValueError for {bad}")
