"""What every keyed HTTP provider holds: its base URL, key, settings and one client."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx

from agentls.config import HttpSettings
from agentls.llm.http_errors import Service
from agentls.llm.retry import Sleep
from agentls.llm.streaming import make_client


class KeyedHttpProvider:
    """Base of the OpenAI-compatible and Anthropic providers. One HTTP client per object."""

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str | None,
        key_env: str | None,
        http: HttpSettings,
        headers: Mapping[str, str],
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._key = api_key
        self._key_env = key_env
        self._http = http
        self._sleep = sleep
        self._client = make_client(self.base_url, http, dict(headers), transport)

    def keyed_service(self, model: str, unreachable_hint: str, base_url_hint: str) -> Service:
        """How errors name this service: its URL, model and key variable (never the key)."""
        return Service(
            base_url=self.base_url,
            model=model,
            key_env=self._key_env,
            secret=self._key,
            unreachable_hint=unreachable_hint,
            base_url_hint=base_url_hint,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
