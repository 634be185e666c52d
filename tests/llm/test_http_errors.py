"""Status and exception mapping helpers: message extraction, Retry-After, safe URLs."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from agentls.llm import errors
from agentls.llm.http_errors import (
    Service,
    display_url,
    error_for_status,
    parse_retry_after,
    provider_message,
)

SERVICE = Service("https://api.example.com/v1", "m-1", "EXAMPLE_KEY", secret="sk-12345678")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"error": {"message": "openai says no", "type": "x"}}', "openai says no"),
        (
            '{"type": "error", "error": {"type": "x", "message": "anthropic says no"}}',
            "anthropic says no",
        ),
        ('{"error": "ollama says no"}', "ollama says no"),
        ('{"detail": "vllm says no"}', "vllm says no"),
        ("plain text reason", "plain text reason"),
        ("<html><body>502</body></html>", None),
        ("", None),
        ('{"unrelated": 1}', None),
    ],
)
def test_provider_message_shapes(body: str, expected: str | None) -> None:
    assert provider_message(body.encode()) == expected


def test_provider_message_removes_the_key() -> None:
    body = b'{"error": {"message": "Incorrect API key provided: sk-12345678."}}'
    assert provider_message(body, "sk-12345678") == "Incorrect API key provided: ***."


def test_long_provider_message_is_shortened() -> None:
    message = provider_message(("x" * 2000).encode())
    assert message is not None and len(message) < 600


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        ("-4", 0.0),
        ("Wed, 01 Jan 2025 00:00:10 GMT", 10.0),
        ("Wed, 01 Jan 2025 00:00:00 GMT", 0.0),
        ("soon", None),
        ("nan", None),
        (None, None),
    ],
)
def test_retry_after(header: str | None, expected: float | None) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after(header, now) == expected


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@host.example:8443/v1?key=abc#x", "https://host.example:8443/v1"),
        ("http://127.0.0.1:11434", "http://127.0.0.1:11434"),
        ("http://[::1]:8080/v1", "http://[::1]:8080/v1"),
    ],
)
def test_display_url_drops_credentials_and_query(url: str, shown: str) -> None:
    assert display_url(url) == shown


@pytest.mark.parametrize(
    ("status", "kind", "must_say"),
    [
        (400, errors.BadRequest, "refused the request (400 Bad Request)"),
        (401, errors.AuthenticationFailed, "Set EXAMPLE_KEY"),
        (403, errors.AuthenticationFailed, "EXAMPLE_KEY"),
        (404, errors.ModelNotFound, "'m-1'"),
        (413, errors.BadRequest, "413"),
        (418, errors.ProviderHTTPError, "418"),
        (429, errors.RateLimited, "429"),
        (500, errors.ServiceUnavailable, "500 Internal Server Error"),
        (529, errors.ServiceUnavailable, "529"),
    ],
)
def test_status_mapping(status: int, kind: type[errors.LLMError], must_say: str) -> None:
    error = error_for_status(status, b"", httpx.Headers(), SERVICE)
    assert type(error) is kind
    assert must_say in str(error)
    assert "https://api.example.com/v1" in str(error)


def test_without_a_key_variable_401_says_how_to_name_one() -> None:
    service = Service("http://127.0.0.1:1/v1", "m", None)
    error = error_for_status(401, b"", httpx.Headers(), service)
    assert "api_key_env" in str(error)


def test_429_carries_retry_after() -> None:
    error = error_for_status(429, b"", httpx.Headers({"Retry-After": "7"}), SERVICE)
    assert isinstance(error, errors.RateLimited)
    assert error.retry_after == 7.0


@pytest.mark.parametrize(
    "body",
    [
        # llama.cpp
        '{"error": {"code": 400, "message": "the request exceeds the available context size, '
        'try increasing it", "type": "exceed_context_size_error", "n_prompt_tokens": 5000, '
        '"n_ctx": 4096}}',
        # OpenAI
        '{"error": {"message": "This model\'s maximum context length is 128000 tokens. '
        'However, your messages resulted in 130000 tokens.", "type": "invalid_request_error", '
        '"code": "context_length_exceeded"}}',
        # Anthropic
        '{"type": "error", "error": {"type": "invalid_request_error", '
        '"message": "prompt is too long: 210000 tokens > 200000 maximum"}}',
    ],
)
def test_a_prompt_over_the_window_says_what_to_change(body: str) -> None:
    error = error_for_status(400, body.encode(), httpx.Headers(), SERVICE)
    assert isinstance(error, errors.BadRequest)
    message = str(error)
    assert "larger than the model's window" in message
    assert errors.WINDOW_ADVICE in message


def test_other_bad_requests_give_no_window_advice() -> None:
    body = b'{"error": {"message": "max_tokens is too large", "code": "invalid_value"}}'
    assert "window" not in str(error_for_status(400, body, httpx.Headers(), SERVICE))
