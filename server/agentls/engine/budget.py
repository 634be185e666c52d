"""Fit a run's prompt to the model's context window.

The window comes from the `context_window` setting, else the provider (`learn_window`).
What it holds, in tokens estimated like `agentls.context.gather` (characters / 4):

    window = answer reserve + fixed prompt (agent prompt, answer-format rules, example,
             the document, the request) + workspace context (tree, files, project rules)

`context_budget` gives the context what is left (at most `context.max_tokens`);
`check_fits` refuses a prompt that still cannot fit, before anything is sent. The engine
calls `learn_window`, then `fit_context` before gathering (refusing at once when the
fixed part alone is too large) and `check_prompt` on the built messages.
Nothing here does IO except `learn_window`, which asks the provider.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agentls.config import ContextSettings, Settings
from agentls.context.gather import CHARS_PER_TOKEN, FILE_OVERHEAD_CHARS, ContextBundle
from agentls.engine.model import DocumentSnapshot
from agentls.llm.base import ChatMessage, ContextWindow, Provider
from agentls.llm.errors import WINDOW_ADVICE, PromptTooLarge

MESSAGE_OVERHEAD_TOKENS = 4  # role and separators of one chat message
RESERVE_SHARE = 4  # without max_tokens, keep a quarter of the window for the answer…
RESERVE_MAX = 2048  # …but no more than this…
RESERVE_MIN = 256  # …and no less than this (or half a tiny window)


async def learn_window(settings: Settings, provider: Provider, model: str) -> ContextWindow | None:
    """The `context_window` setting, else what the provider learns; None when unknown."""
    if settings.context_window is not None:
        return ContextWindow(settings.context_window, "the context_window setting")
    return await provider.context_window(model)


def answer_reserve(window: int, max_tokens: int | None) -> int:
    """Tokens kept free for the answer: `max_tokens` when set, else a share of the window."""
    if max_tokens is not None:
        return max_tokens
    return max(min(window // RESERVE_SHARE, RESERVE_MAX), min(RESERVE_MIN, window // 2))


def estimate_tokens(messages: Sequence[ChatMessage]) -> int:
    """The prompt's size as the context budget counts it."""
    chars = sum(len(m.content) for m in messages)
    return chars // CHARS_PER_TOKEN + MESSAGE_OVERHEAD_TOKENS * len(messages)


def context_budget(
    *, window: int, reserve: int, fixed_tokens: int, max_tokens: int, document_tokens: int = 0
) -> int:
    """The `context.max_tokens` to gather with: what the window leaves after the answer
    reserve and the fixed prompt, at most the configured `max_tokens`.

    `gather_context` counts the document in its budget although the prompt shows it once,
    in the fixed part: `document_tokens` gives it that room back. Never negative."""
    left = window - reserve - fixed_tokens + document_tokens
    return max(0, min(max_tokens, left))


def check_fits(
    estimated_tokens: int, window: ContextWindow, reserve: int, *, max_tokens_set: bool = False
) -> None:
    """Raise `PromptTooLarge` when the prompt and the answer reserve exceed the window.
    `max_tokens_set`: the reserve is the user's `max_tokens`, so lowering it is advice too."""
    if estimated_tokens + reserve <= window.tokens:
        return
    whose = " (max_tokens)" if max_tokens_set else ""
    lower = " Or lower max_tokens." if max_tokens_set else ""
    raise PromptTooLarge(
        f"The prompt is too large for the model's context window: about "
        f"{estimated_tokens:,} tokens plus {reserve:,} kept for the answer{whose}, but the "
        f"window holds {window.tokens:,} tokens (from {window.source}). Nothing was sent. "
        f"{WINDOW_ADVICE}{lower}",
        estimated_tokens,
        window.tokens,
    )


Prompt = Callable[[ContextBundle], Sequence[ChatMessage]]
NO_CONTEXT = ContextBundle(tree="", files=(), omitted=(), redactions=0)


def fit_context(
    settings: Settings,
    window: ContextWindow | None,
    prompt: Prompt,
    document: DocumentSnapshot | None,
) -> ContextSettings:
    """`settings.context` with `max_tokens` cut to what the window leaves for context.

    `prompt(bundle)` builds the run's messages; built with no context it is the fixed
    part. Raises `PromptTooLarge` when that alone cannot fit."""
    if window is None:
        return settings.context
    reserve = answer_reserve(window.tokens, settings.max_tokens)
    fixed = estimate_tokens(prompt(NO_CONTEXT))
    check_fits(fixed, window, reserve, max_tokens_set=settings.max_tokens is not None)
    document_chars = len(document.text) + FILE_OVERHEAD_CHARS if document is not None else 0
    budget = context_budget(
        window=window.tokens,
        reserve=reserve,
        fixed_tokens=fixed,
        max_tokens=settings.context.max_tokens,
        document_tokens=document_chars // CHARS_PER_TOKEN,
    )
    return settings.context.model_copy(update={"max_tokens": budget})


def check_prompt(
    messages: Sequence[ChatMessage], window: ContextWindow | None, max_tokens: int | None
) -> None:
    """`check_fits` for the built messages; nothing to check when the window is unknown."""
    if window is not None:
        reserve = answer_reserve(window.tokens, max_tokens)
        check_fits(
            estimate_tokens(messages), window, reserve, max_tokens_set=max_tokens is not None
        )


# On windows up to this size the answer reserve is also sent as the answer's limit, so a
# looping small model stops where the budget planned instead of running the window full.
CAPPED_WINDOW_MAX = 16_384


def answer_limit(window: ContextWindow | None, max_tokens: int | None) -> int | None:
    """The `max_tokens` to send: the user's, else the reserve on a small known window."""
    if max_tokens is not None or window is None or window.tokens > CAPPED_WINDOW_MAX:
        return max_tokens
    return answer_reserve(window.tokens, None)


def fit_repair(
    first: Sequence[ChatMessage],
    rounds: Sequence[ChatMessage],
    window: ContextWindow | None,
    max_tokens: int | None,
) -> tuple[ChatMessage, ...] | None:
    """The repair conversation: the first request plus every round so far, or, when that
    no longer fits the window, the first request plus the latest round only (its last two
    messages). None when even that cannot fit: repairing stops there."""
    whole = (*first, *rounds)
    if window is None:
        return whole
    reserve = answer_reserve(window.tokens, max_tokens)
    for candidate in (whole, (*first, *rounds[-2:])):
        if estimate_tokens(candidate) + reserve <= window.tokens:
            return candidate
    return None
