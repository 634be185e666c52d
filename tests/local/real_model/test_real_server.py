"""The child's lifecycle with the real llama.cpp server and the pulled default model."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from agentls.config import LocalModelSettings, Settings
from agentls.llm.local import LAUNCHER, LocalEndpoint, LocalModelManager
from agentls.models_cache import DEFAULT_MODEL

ORPHAN_PARENT = Path(__file__).resolve().parents[1] / "orphan_parent.py"


async def chat(endpoint: LocalEndpoint, key: str | None = None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=120) as client:
        return await client.post(
            f"{endpoint.base_url}/chat/completions",
            headers={"Authorization": f"Bearer {key or endpoint.api_key}"},
            json={
                "model": endpoint.model_alias,
                "messages": [{"role": "user", "content": "Say hello."}],
                "max_tokens": 8,
            },
        )


async def test_starts_answers_and_is_reused(model_cache: Path) -> None:
    manager = LocalModelManager(Settings(), model_cache)
    try:
        endpoint = await manager.ensure()
        assert endpoint.base_url.startswith("http://127.0.0.1:")
        assert endpoint.model_alias == DEFAULT_MODEL.alias
        response = await chat(endpoint)
        assert response.status_code == 200
        assert response.json()["choices"][0]["message"]["content"].strip()
        assert (await chat(endpoint, key="not-the-key")).status_code == 401
        pid = manager.pid
        assert await manager.ensure() == endpoint
        assert manager.pid == pid
    finally:
        await manager.aclose()
    assert manager.pid is None


async def test_restarts_after_a_crash(model_cache: Path, gone) -> None:
    manager = LocalModelManager(Settings(), model_cache)
    try:
        await manager.ensure()
        first = manager.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert await asyncio.to_thread(gone, first)
        endpoint = await manager.ensure()
        assert manager.pid not in (None, first)
        assert (await chat(endpoint)).status_code == 200
    finally:
        await manager.aclose()


async def test_stops_when_idle(model_cache: Path, gone) -> None:
    settings = Settings(local=LocalModelSettings(idle_timeout=1.0))
    manager = LocalModelManager(settings, model_cache)
    await manager.ensure()
    pid = manager.pid
    assert pid is not None
    await asyncio.sleep(2.5)
    assert manager.pid is None
    assert await asyncio.to_thread(gone, pid, 5.0)
    await manager.aclose()


def test_no_orphan_after_the_parent_is_killed(model_cache: Path, gone) -> None:
    parent = subprocess.Popen(
        [sys.executable, str(ORPHAN_PARENT), "default", str(model_cache), *LAUNCHER],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert not gone(child, 0.5)
    finally:
        parent.kill()
        parent.wait()
    assert gone(child, 10.0)
