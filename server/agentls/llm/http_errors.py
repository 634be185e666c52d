"""Turn HTTP statuses and httpx exceptions into `agentls.llm.errors` with actionable messages.

Every message names what failed (the service URL, the model, the key *variable*) and
what to do next. Provider error texts are quoted after removing the API key from them.
"""

from __future__ import annotations

import json
import math
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx

from agentls.llm.errors import (
    WINDOW_ADVICE,
    AuthenticationFailed,
    BadRequest,
    LLMError,
    ModelNotFound,
    ProviderConfigError,
    ProviderHTTPError,
    ProviderTimeout,
    ProviderUnreachable,
    RateLimited,
    ServiceUnavailable,
)
from agentls.llm.urls import display_url
from agentls.textutil import shorten

DEFAULT_UNREACHABLE_HINT = (
    "Check AGENTLS_BASE_URL (or base_url in .agentls.yaml) and that the model server is running."
)
_DNS_SIGNS = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated",
    "getaddrinfo",
    "name resolution",
)
_MAX_QUOTE = 500
# Error bodies that mean "the prompt is over the model's context window".
_OVER_WINDOW_SIGNS = (
    "context_length_exceeded",  # OpenAI's code
    "exceeds the available context size",  # llama.cpp
    "exceed_context_size",  # llama.cpp's error type
    "maximum context length",  # OpenAI, vLLM
    "prompt is too long",  # Anthropic
    "context window",
)


@dataclass(frozen=True, slots=True)
class Service:
    """Who one request talks to, as error messages describe it."""

    base_url: str
    model: str
    key_env: str | None  # the variable holding the key; None when none is used
    secret: str | None = field(default=None, repr=False)  # scrubbed from every quote
    unreachable_hint: str = DEFAULT_UNREACHABLE_HINT
    base_url_hint: str = ""  # extra sentence for a 404 that may mean a wrong base URL

    @property
    def where(self) -> str:
        return f"The model service at {display_url(self.base_url)}"


def scrub(text: str, secret: str | None) -> str:
    if secret and len(secret) >= 4:
        text = text.replace(secret, "***")
    return text


def provider_message(body: bytes | str, secret: str | None = None) -> str | None:
    """The human error text in an error body (OpenAI, Anthropic, Ollama, vLLM shapes)."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    text = text.strip()
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    message: object = None
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            message = error.get("message")
        elif isinstance(error, str):
            message = error
        message = message or data.get("message") or data.get("detail")
    elif data is None and not text.startswith("<"):
        message = text  # plain text, not an HTML error page
    if not isinstance(message, str) or not message.strip():
        return None
    message = scrub(" ".join(message.split()), secret)
    return shorten(message, _MAX_QUOTE + 1)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def error_for_status(
    status: int, body: bytes, headers: httpx.Headers, service: Service
) -> ProviderHTTPError:
    quoted = provider_message(body, service.secret)
    said = f": {quoted}" if quoted else ""
    where = service.where
    key_advice = (
        f"Set {service.key_env} to a valid key."
        if service.key_env
        else "Set api_key_env to the name of the variable that holds the key."
    )
    if status == 401:
        return AuthenticationFailed(f"{where} rejected the API key (401). {key_advice}", status)
    if status == 403:
        return AuthenticationFailed(
            f"{where} refused access (403){said}. "
            f"Check that the key in {service.key_env or 'api_key_env'} may use "
            f"model '{service.model}'.",
            status,
        )
    if status == 404:
        return ModelNotFound(
            f"{where} does not know the model '{service.model}' (404){said}. "
            "Set AGENTLS_MODEL (or model in .agentls.yaml) to a model it serves."
            f"{service.base_url_hint}",
            status,
        )
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        return RateLimited(
            f"{where} is limiting requests (429){said}. "
            "Wait a little and try again, or check the account's rate limits and quota.",
            status,
            retry_after,
        )
    reason = _reason(status)
    if status >= 500:
        return ServiceUnavailable(
            f"{where} failed with {status} {reason}{said}. "
            "It may be overloaded or down; try again later.",
            status,
            parse_retry_after(headers.get("retry-after")),
        )
    if status in (400, 413, 422):
        why = said or " without saying why"
        message = f"{where} refused the request ({status} {reason}){why}."
        if _over_window(body):
            message += f" The prompt is larger than the model's window. {WINDOW_ADVICE}"
        return BadRequest(message, status)
    return ProviderHTTPError(f"{where} answered {status} {reason}{said}.", status)


def error_for_exception(
    exc: httpx.HTTPError, service: Service, http_timeouts: httpx.Timeout, received: int
) -> LLMError:
    """Map an httpx failure; ``received`` is how many answer characters had arrived."""
    where = service.where
    url = display_url(service.base_url)
    if isinstance(exc, httpx.ConnectTimeout):
        return ProviderUnreachable(
            f"Could not connect to the model service at {url} within "
            f"{http_timeouts.connect:g} s. {service.unreachable_hint}"
        )
    if isinstance(exc, httpx.ConnectError):
        causes = list(_causes(exc))
        detail = " ".join(str(e) for e in causes).lower()
        if any(isinstance(e, socket.gaierror) for e in causes) or any(
            sign in detail for sign in _DNS_SIGNS
        ):
            host = urlsplit(service.base_url).hostname
            return ProviderUnreachable(
                f"Could not find the host '{host}' of the model service at {url} (DNS lookup "
                f"failed). {service.unreachable_hint}"
            )
        if any(isinstance(e, ConnectionRefusedError) for e in causes) or "refused" in detail:
            return ProviderUnreachable(
                f"Could not connect to the model service at {url}: connection refused. "
                f"{service.unreachable_hint}"
            )
        return ProviderUnreachable(
            f"Could not connect to the model service at {url} ({exc}). {service.unreachable_hint}"
        )
    if isinstance(exc, httpx.TimeoutException):
        after = f", after {received} characters of the answer" if received else ""
        waited = http_timeouts.read if isinstance(exc, httpx.ReadTimeout) else None
        how_long = f"for {waited:g} s" if waited else "in time"
        return ProviderTimeout(
            f"{where} sent nothing {how_long}{after}. The model may be overloaded or slow; "
            "a slow local model may need a larger http.read_timeout."
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ProviderConfigError(
            f"The model service URL {url!r} is not usable ({exc}). Set AGENTLS_BASE_URL "
            "(or base_url in .agentls.yaml) to an http:// or https:// URL."
        )
    # The connection broke: before the answer began it is a connection problem, later a cut.
    return ProviderUnreachable(
        f"{where} closed the connection without answering ({type(exc).__name__}). "
        f"{service.unreachable_hint}"
    )


def _over_window(body: bytes) -> bool:
    text = body.decode("utf-8", errors="replace").lower()
    return any(sign in text for sign in _OVER_WINDOW_SIGNS)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what it was raised from (httpx wraps the socket error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
