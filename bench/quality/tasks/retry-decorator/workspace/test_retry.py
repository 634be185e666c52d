import pytest
from retry import retry


def test_returns_the_first_successful_result_after_failures() -> None:
    calls = []

    @retry(times=3)
    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("try again")
        return "ok"

    assert flaky() == "ok"
    assert len(calls) == 3


def test_reraises_the_last_error_after_times_calls() -> None:
    calls = []

    @retry(times=2, exceptions=(ValueError,))
    def always_fails() -> None:
        calls.append(1)
        raise ValueError(f"failure {len(calls)}")

    with pytest.raises(ValueError, match="failure 2"):
        always_fails()
    assert len(calls) == 2


def test_other_exceptions_propagate_at_once() -> None:
    calls = []

    @retry(times=5, exceptions=(ValueError,))
    def broken() -> None:
        calls.append(1)
        raise KeyError("no")

    with pytest.raises(KeyError):
        broken()
    assert len(calls) == 1


def test_wrapped_function_keeps_its_name() -> None:
    @retry(times=2)
    def fetch_user() -> None:
        return None

    assert fetch_user.__name__ == "fetch_user"
