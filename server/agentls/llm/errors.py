"""Errors a provider may raise, each with a message a person can act on.

LLMError
├── ProviderConfigError      no key, unknown provider, bad base URL
├── PromptTooLarge           the prompt cannot fit the model's window: nothing was sent
├── ProviderHTTPError        the service answered with an error status
│   ├── BadRequest           400 (a prompt over the window says what to change)
│   ├── AuthenticationFailed 401, 403: names the key variable
│   ├── ModelNotFound        404: names the model
│   ├── RateLimited          429 (after retries)
│   └── ServiceUnavailable   5xx (after retries)
├── ProviderUnreachable      refused, DNS, connect timeout: names the URL
├── ProviderTimeout          no data within the read timeout
└── AnswerError              the stream broke or the answer is unusable
    ├── StreamInterrupted    cut mid-answer, malformed SSE or JSON
    ├── EmptyAnswer          the model said nothing
    └── AnswerTooLarge       over `max_answer_bytes`
"""

from __future__ import annotations


class LLMError(Exception):
    """Base class. ``str(error)`` is the user-facing message."""

    retryable = False
    attempts = 1  # set by the retry loop when it gives up after several tries

    def __str__(self) -> str:
        message = super().__str__()
        if self.attempts > 1:
            return f"{message} (It failed {self.attempts} times in a row.)"
        return message


class ProviderConfigError(LLMError):
    pass


# What to change when a prompt does not fit the model's context window.
WINDOW_ADVICE = (
    "To fit, select less code or work in a smaller file, lower context.max_tokens, turn off "
    "project rules (context.project_rules: false), or give the model a larger window "
    "(llama.cpp: start it with -c 8192; Ollama: set num_ctx) and set context_window to match."
)


class PromptTooLarge(LLMError):
    """Refused before sending: the estimated prompt and the answer reserve exceed the window."""

    def __init__(self, message: str, estimated_tokens: int, window: int) -> None:
        super().__init__(message)
        self.estimated_tokens = estimated_tokens
        self.window = window


class ProviderHTTPError(LLMError):
    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BadRequest(ProviderHTTPError):
    pass


class AuthenticationFailed(ProviderHTTPError):
    pass


class ModelNotFound(ProviderHTTPError):
    pass


class RateLimited(ProviderHTTPError):
    retryable = True


class ServiceUnavailable(ProviderHTTPError):
    retryable = True


class ProviderUnreachable(LLMError):
    retryable = True


class ProviderTimeout(LLMError):
    pass


class AnswerError(LLMError):
    pass


class StreamInterrupted(AnswerError):
    pass


class EmptyAnswer(AnswerError):
    pass


class AnswerTooLarge(AnswerError):
    pass
