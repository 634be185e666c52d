"""The `local` provider: the OpenAI-compatible provider, aimed at the embedded model's child.

Each call holds a lease on the `LocalModelManager`, so the child is started on first use,
restarted if it died, and not stopped for idleness mid-answer. The inner provider is built
by the caller's `make_inner(endpoint)` (the factory passes the OpenAI-compatible one), so
this module does not depend on that provider's constructor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from agentls.config import Settings
from agentls.llm.base import Answer, ChatRequest, ContextWindow, DeltaCallback, Provider
from agentls.llm.errors import ProviderUnreachable
from agentls.llm.local import LocalEndpoint, LocalModelManager

InnerFactory = Callable[[LocalEndpoint], Provider]


class LocalProvider:
    name = "local"

    def __init__(
        self, manager: LocalModelManager, make_inner: InnerFactory, *, owns_manager: bool = False
    ) -> None:
        """`owns_manager`: `aclose` also stops the child (one-shot use, e.g. `agentls run`)."""
        self._manager = manager
        self._make_inner = make_inner
        self._owns_manager = owns_manager
        self._inner: tuple[LocalEndpoint, Provider] | None = None

    def configure(self, settings: Settings) -> None:
        """New settings: the child restarts on next use only if its launch changed."""
        self._manager.configure(settings)

    async def complete(self, request: ChatRequest, on_delta: DeltaCallback | None = None) -> Answer:
        try:
            return await self._complete_once(request, on_delta)
        except ProviderUnreachable:
            # The child may have died between the health check and the call: one fresh try.
            return await self._complete_once(request, on_delta)

    async def context_window(self, model: str) -> ContextWindow | None:
        """The child is started with ``-c local.context_size``: no need to ask it."""
        return ContextWindow(self._manager.context_size, "local.context_size")

    async def _complete_once(self, request: ChatRequest, on_delta: DeltaCallback | None) -> Answer:
        async with self._manager.lease() as endpoint:
            inner = await self._inner_for(endpoint)
            asked = dataclasses.replace(request, model=endpoint.model_alias)
            return await inner.complete(asked, on_delta)

    async def _inner_for(self, endpoint: LocalEndpoint) -> Provider:
        if self._inner is not None and self._inner[0] == endpoint:
            return self._inner[1]
        if self._inner is not None:
            await self._inner[1].aclose()
        inner = self._make_inner(endpoint)
        self._inner = (endpoint, inner)
        return inner

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner[1].aclose()
            self._inner = None
        if self._owns_manager:
            await self._manager.aclose()
