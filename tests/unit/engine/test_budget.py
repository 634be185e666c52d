"""The window budget: the answer reserve, what context may use, and refusing a prompt
that cannot fit before anything is sent."""

from __future__ import annotations

import pytest

from agentls.config import Settings
from agentls.context.gather import ContextBundle
from agentls.engine.budget import (
    NO_CONTEXT,
    Prompt,
    answer_reserve,
    check_fits,
    check_prompt,
    context_budget,
    estimate_tokens,
    fit_context,
)
from agentls.engine.model import DocumentSnapshot
from agentls.llm.base import ChatMessage, ContextWindow
from agentls.llm.errors import LLMError, PromptTooLarge

WINDOW = ContextWindow(2048, "the server's /props (llama.cpp) at http://127.0.0.1:8080")


@pytest.mark.parametrize(
    ("window", "max_tokens", "reserve"),
    [
        (4096, None, 1024),  # a quarter
        (128_000, None, 2048),  # at most 2048
        (2048, None, 512),
        (800, None, 256),  # the floor
        (400, None, 200),  # half a tiny window
        (4096, 300, 300),  # the answer limit the user set
        (4096, 5000, 5000),  # even when it cannot fit: the refusal says so
    ],
)
def test_answer_reserve(window: int, max_tokens: int | None, reserve: int) -> None:
    assert answer_reserve(window, max_tokens) == reserve


@pytest.mark.parametrize(
    ("fixed", "max_tokens", "document", "budget"),
    [
        (500, 24_000, 0, 1036),  # 2048 - 512 reserve - 500 fixed
        (500, 800, 0, 800),  # never more than context.max_tokens
        (500, 24_000, 300, 1336),  # gather counts the document: it gets its room back
        (1600, 24_000, 0, 0),  # nothing left: never negative
    ],
)
def test_context_budget(fixed: int, max_tokens: int, document: int, budget: int) -> None:
    got = context_budget(
        window=2048,
        reserve=512,
        fixed_tokens=fixed,
        max_tokens=max_tokens,
        document_tokens=document,
    )
    assert got == budget


def test_estimate_counts_characters_like_the_context_budget() -> None:
    messages = (ChatMessage("system", "x" * 400), ChatMessage("user", "y" * 41))
    assert estimate_tokens(messages) == 110 + 2 * 4


def test_a_prompt_that_fits_passes() -> None:
    check_fits(1536, WINDOW, 512)


def test_a_prompt_over_the_window_is_refused_with_what_to_change() -> None:
    with pytest.raises(PromptTooLarge) as caught:
        check_fits(1537, WINDOW, 512)
    error = caught.value
    assert isinstance(error, LLMError)  # shown like every model error
    assert (error.estimated_tokens, error.window) == (1537, 2048)
    message = str(error)
    assert "about 1,537 tokens plus 512 kept for the answer" in message
    assert "holds 2,048 tokens (from the server's /props (llama.cpp) at http://127.0.0.1:8080)" in (
        message
    )
    for advice in ("select less code", "context.max_tokens", "context.project_rules: false"):
        assert advice in message
    assert "-c 8192" in message and "num_ctx" in message and "set context_window" in message
    assert "max_tokens)" not in message and "lower max_tokens" not in message  # not set


def prompt_of(size: int) -> Prompt:
    """A prompt builder whose fixed part is `size` characters plus what the context adds."""

    def build(bundle: ContextBundle) -> tuple[ChatMessage, ...]:
        extra = sum(len(f.text) for f in bundle.files) + len(bundle.tree)
        return (ChatMessage("user", "x" * (size + extra)),)

    return build


def test_fit_context_cuts_the_context_to_what_the_window_leaves() -> None:
    document = DocumentSnapshot("app/main.py", "d" * 396, 1)
    fitted = fit_context(Settings(), WINDOW, prompt_of(2000), document)
    # 2048 - 512 reserve - (500 + 4) fixed + (396 + 40) / 4 for the document gather counts
    assert fitted.max_tokens == 2048 - 512 - 504 + 109
    assert fitted.redact_secrets and fitted.max_file_bytes == Settings().context.max_file_bytes


def test_fit_context_without_a_window_changes_nothing() -> None:
    settings = Settings()
    assert fit_context(settings, None, prompt_of(10**7), None) is settings.context


def test_fit_context_refuses_when_the_fixed_part_alone_is_too_large() -> None:
    with pytest.raises(PromptTooLarge):
        fit_context(Settings(), WINDOW, prompt_of(4 * 1600), None)


def test_check_prompt_uses_max_tokens_as_the_reserve() -> None:
    messages = (ChatMessage("user", "x" * 4 * 1000),)
    check_prompt(messages, WINDOW, None)  # 1004 + 512 fits
    check_prompt(messages, None, 10**6)  # unknown window: nothing to check
    with pytest.raises(PromptTooLarge) as caught:
        check_prompt(messages, WINDOW, 1100)
    assert "plus 1,100 kept for the answer (max_tokens)" in str(caught.value)
    assert str(caught.value).endswith("Or lower max_tokens.")


def test_no_context_is_empty() -> None:
    assert NO_CONTEXT.files == () and NO_CONTEXT.tree == "" and NO_CONTEXT.estimated_tokens == 0


def test_a_small_known_window_caps_the_answer_and_a_large_one_does_not() -> None:
    from agentls.engine.budget import answer_limit
    from agentls.llm.base import ContextWindow

    assert answer_limit(ContextWindow(4096, "props"), None) == 1024
    assert answer_limit(ContextWindow(4096, "props"), 300) == 300
    assert answer_limit(ContextWindow(128_000, "table"), None) is None
    assert answer_limit(None, None) is None


def test_repair_rounds_drop_older_rounds_then_stop_when_nothing_fits() -> None:
    from agentls.engine.budget import fit_repair
    from agentls.llm.base import ChatMessage, ContextWindow

    first = (ChatMessage("system", "s" * 400), ChatMessage("user", "u" * 400))
    round_one = [ChatMessage("assistant", "a" * 3000), ChatMessage("user", "fix 1")]
    round_two = [ChatMessage("assistant", "b" * 400), ChatMessage("user", "fix 2")]
    window = ContextWindow(1024, "props")  # reserve 256 -> 768 tokens of prompt
    assert fit_repair(first, round_one[:0], None, None) == first
    assert fit_repair(first, round_two, window, None) == (*first, *round_two)
    # Both rounds would be ~830 tokens: only the latest round is kept.
    assert fit_repair(first, [*round_one, *round_two], window, None) == (*first, *round_two)
    assert fit_repair(first, round_one, window, None) is None
