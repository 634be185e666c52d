import os
import sys

sys.path.insert(0, os.getcwd())
from retry import retry

calls = []


@retry(3, (ConnectionError,))
def flaky(x):
    calls.append(x)
    if len(calls) < 3:
        raise ConnectionError("down")
    return x * 2


assert flaky(21) == 42 and len(calls) == 3
assert flaky.__name__ == "flaky"

count = {"n": 0}


@retry(2, (ConnectionError,))
def always_down():
    count["n"] += 1
    raise ConnectionError(f"attempt {count['n']}")


try:
    always_down()
except ConnectionError as error:
    assert str(error) == "attempt 2" and count["n"] == 2
else:
    raise AssertionError("no error after the last attempt")

other = {"n": 0}


@retry(5, (ConnectionError,))
def broken():
    other["n"] += 1
    raise KeyError("k")


try:
    broken()
except KeyError:
    assert other["n"] == 1
else:
    raise AssertionError("KeyError swallowed")
