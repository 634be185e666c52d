"""How many tokens a model's context window holds, learned from its server or a table.

Each provider's `context_window(model)` answers from, in order: what its server says
(llama.cpp ``GET /props``, Ollama ``POST /api/show``), then `KNOWN_WINDOWS` for hosted
models, else None. Probes are short (`PROBE_TIMEOUT`), never raise, and an answer is
kept for the provider's lifetime per (base URL, model); a server that could not be
reached is asked again next time.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeGuard

import httpx

from agentls.llm.base import ContextWindow

log = logging.getLogger(__name__)

PROBE_TIMEOUT = httpx.Timeout(2.0)

# Hosted models by name prefix (longest prefix wins), input tokens, on the low side:
# a window we overstate costs a failed request, one we understate only some context.
KNOWN_WINDOWS: tuple[tuple[str, int], ...] = (
    ("gpt-5", 272_000),  # 400k in total, of which at most 272k input
    ("gpt-4.1", 1_000_000),
    ("gpt-4o", 128_000),
    ("gpt-4-turbo", 128_000),
    ("gpt-4", 8_192),
    ("gpt-3.5-turbo", 16_385),
    ("o1-mini", 128_000),
    ("o1-preview", 128_000),
    ("o1", 200_000),
    ("o3", 200_000),
    ("o4-mini", 200_000),
    ("claude-", 200_000),
)


class ProbeFailed(Exception):
    """The server could not be reached or timed out: worth asking again later."""


def known_window(model: str) -> ContextWindow | None:
    """The table's window for a hosted model; ``openai/gpt-4o`` (OpenRouter) counts too."""
    name = model.rpartition("/")[2].lower()
    best = max(
        ((prefix, tokens) for prefix, tokens in KNOWN_WINDOWS if name.startswith(prefix)),
        key=lambda item: len(item[0]),
        default=None,
    )
    if best is None:
        return None
    return ContextWindow(best[1], f"agentls's table of known models ({best[0]}…)")


def server_root(base_url: str) -> str:
    """``http://host:8080/v1`` → ``http://host:8080``: where llama.cpp serves /props."""
    return base_url.rstrip("/").removesuffix("/v1")


async def probe_json(
    client: httpx.AsyncClient, method: str, url: str, body: Any = None
) -> Any | None:
    """The JSON of a 200 answer, else None. Raises only `ProbeFailed` (unreachable)."""
    try:
        response = await client.request(method, url, json=body, timeout=PROBE_TIMEOUT)
    except httpx.HTTPError as exc:
        raise ProbeFailed(str(exc)) from exc
    if response.status_code != 200:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def llama_cpp_n_ctx(props: Any) -> int | None:
    """``default_generation_settings.n_ctx`` (older builds: top-level ``n_ctx``)."""
    if not isinstance(props, Mapping):
        return None
    settings = props.get("default_generation_settings")
    if isinstance(settings, Mapping) and _positive(settings.get("n_ctx")):
        return int(settings["n_ctx"])
    return int(props["n_ctx"]) if _positive(props.get("n_ctx")) else None


def ollama_context_length(show: Any) -> int | None:
    """A ``num_ctx`` in the model's parameters, else ``model_info["<arch>.context_length"]``."""
    if not isinstance(show, Mapping):
        return None
    parameters = show.get("parameters")
    if isinstance(parameters, str):
        for line in parameters.splitlines():
            name, _, value = line.strip().partition(" ")
            if name == "num_ctx" and value.strip().isdigit() and int(value.strip()) > 0:
                return int(value.strip())
    info = show.get("model_info")
    if not isinstance(info, Mapping):
        return None
    arch = info.get("general.architecture")
    length = info.get(f"{arch}.context_length") if isinstance(arch, str) else None
    if not _positive(length):  # an unknown architecture key: any *.context_length
        length = next((v for k, v in info.items() if str(k).endswith(".context_length")), None)
    return int(length) if _positive(length) else None


def _positive(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


Learn = Callable[[], Awaitable[ContextWindow | None]]


class WindowCache:
    """Windows per (base URL, model) for one provider's lifetime."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], ContextWindow | None] = {}

    async def get(self, base_url: str, model: str, learn: Learn) -> ContextWindow | None:
        key = (base_url, model)
        if key in self._known:
            return self._known[key]
        try:
            found = await learn()
        except ProbeFailed as failure:
            log.debug("context window of %s at %s unknown for now: %s", model, base_url, failure)
            return known_window(model)
        except Exception:  # a probe must never fail a run
            log.exception("learning the context window of %s failed", model)
            found = None
        self._known[key] = found
        return found
