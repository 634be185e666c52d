"""Which answer format to ask the model for."""

from __future__ import annotations

import re

from agentls.agents.model import AgentSpec
from agentls.engine.lean_prompt import PromptProfile


def _looks_small(model: str) -> bool:
    """True for models of roughly 3B parameters or fewer, judged by name."""
    match = re.search(r"(\d+(?:\.\d+)?)\s*([mb])\b", model, re.IGNORECASE)
    if match:
        size, unit = float(match.group(1)), match.group(2).lower()
        return unit == "m" or size <= 3
    return bool(re.search(r"smol|tiny", model, re.IGNORECASE))


def choose_edit_format(setting: str, agent: AgentSpec, provider: str, model: str) -> str:
    """`auto` asks small models for whole files: they fail at SEARCH/REPLACE far more often."""
    chosen = agent.edit_format or setting
    if chosen != "auto":
        return chosen
    if provider == "local" or (provider == "ollama" and _looks_small(model)) or _looks_small(model):
        return "whole"
    return "search-replace"


def is_small_model(provider: str, model: str) -> bool:
    """The embedded model, or a model whose name says about 3B parameters or fewer."""
    return provider == "local" or _looks_small(model)


def choose_prompt_profile(setting: str, provider: str, model: str) -> PromptProfile:
    """`auto` gives small models the lean prompt: on the quality bench it is what lets
    them beat the naive flow (docs/quality.md)."""
    if setting in ("full", "lean"):
        return "lean" if setting == "lean" else "full"
    return "lean" if is_small_model(provider, model) else "full"


# Small models answer a repair request with the same answer at a low temperature; each
# lean repair round samples warmer, so it is a fresh try with the feedback.
_REPAIR_WARMING = 0.3
_REPAIR_MAX_TEMPERATURE = 1.0


def repair_temperature(
    temperature: float | None, profile: PromptProfile, round_no: int
) -> float | None:
    """The temperature of repair round ``round_no`` (1-based)."""
    if profile != "lean":
        return temperature
    base = temperature if temperature is not None else 0.2
    return min(base + _REPAIR_WARMING * round_no, _REPAIR_MAX_TEMPERATURE)
