"""The local model child's lifecycle, with a fake server inside the real watchdog."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

import agentls.llm.local
from agentls.config import LocalModelSettings, Settings
from agentls.llm.errors import ProviderConfigError, ProviderTimeout, ProviderUnreachable
from agentls.llm.local import LocalEndpoint, LocalModelManager, ensure_local_server

HERE = Path(__file__).parent


def settings_for(model: Path, **local: float) -> Settings:
    return Settings(model=str(model), local=LocalModelSettings(**local))


@pytest.fixture
async def manager(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...]
) -> AsyncIterator[LocalModelManager]:
    m = LocalModelManager(settings_for(fake_model_file), tmp_path, launcher=fake_launcher)
    yield m
    await m.aclose()


async def ask(endpoint: LocalEndpoint, key: str | None = None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(
            f"{endpoint.base_url}/chat/completions",
            headers={"Authorization": f"Bearer {key or endpoint.api_key}"},
            json={"model": endpoint.model_alias, "messages": []},
        )


def child_said(response: httpx.Response) -> dict[str, object]:
    return json.loads(response.json()["choices"][0]["message"]["content"])


async def test_start_gives_a_loopback_endpoint_with_a_one_time_key(
    manager: LocalModelManager, fake_model_file: Path
) -> None:
    endpoint = await manager.ensure()
    assert endpoint.base_url.startswith("http://127.0.0.1:")
    assert endpoint.base_url.endswith("/v1")
    assert endpoint.model_alias == fake_model_file.stem
    answer = child_said(await ask(endpoint))
    assert answer["model"] == fake_model_file.stem
    assert answer["pid"] == manager.pid
    assert (await ask(endpoint, key="wrong")).status_code == 401


async def test_keys_differ_between_starts(manager: LocalModelManager) -> None:
    first = await manager.ensure()
    await manager.aclose()
    second = await manager.ensure()
    assert first.api_key != second.api_key


async def test_second_ensure_reuses_the_running_child(manager: LocalModelManager) -> None:
    first = await manager.ensure()
    pid = manager.pid
    assert await manager.ensure() == first
    assert manager.pid == pid


async def test_crashed_child_is_restarted(manager: LocalModelManager, gone) -> None:
    await manager.ensure()
    old_pid = manager.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    assert await asyncio.to_thread(gone, old_pid)
    endpoint = await manager.ensure()
    assert manager.pid not in (None, old_pid)
    assert (await ask(endpoint)).status_code == 200


async def test_idle_child_stops_after_the_timeout(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...], gone
) -> None:
    settings = settings_for(fake_model_file, idle_timeout=0.3)
    m = LocalModelManager(settings, tmp_path, launcher=fake_launcher)
    await m.ensure()
    pid = m.pid
    assert pid is not None
    await asyncio.sleep(1.0)
    assert m.pid is None
    assert await asyncio.to_thread(gone, pid, 2.0)
    await m.aclose()


async def test_a_lease_keeps_an_idle_child_alive(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...]
) -> None:
    settings = settings_for(fake_model_file, idle_timeout=0.2)
    m = LocalModelManager(settings, tmp_path, launcher=fake_launcher)
    async with m.lease() as endpoint:
        await asyncio.sleep(0.8)
        assert m.pid is not None
        assert (await ask(endpoint)).status_code == 200
    await asyncio.sleep(0.8)
    assert m.pid is None
    await m.aclose()


async def test_changed_launch_settings_restart_the_child(
    manager: LocalModelManager, fake_model_file: Path
) -> None:
    await manager.ensure()
    old_pid = manager.pid
    manager.configure(Settings(model=str(fake_model_file), local=LocalModelSettings(threads=3)))
    endpoint = await manager.ensure()
    assert manager.pid != old_pid
    assert child_said(await ask(endpoint))["threads"] == 3


async def test_unchanged_settings_keep_the_child(
    manager: LocalModelManager, fake_model_file: Path
) -> None:
    await manager.ensure()
    pid = manager.pid
    manager.configure(Settings(model=str(fake_model_file), temperature=0.5))
    await manager.ensure()
    assert manager.pid == pid


async def test_aclose_stops_the_child(manager: LocalModelManager, gone) -> None:
    await manager.ensure()
    pid = manager.pid
    assert pid is not None
    await manager.aclose()
    assert manager.pid is None
    assert await asyncio.to_thread(gone, pid, 2.0)


@pytest.mark.parametrize(
    ("mode", "error"),
    [("fail", ProviderUnreachable), ("exit", ProviderUnreachable), ("hang", ProviderTimeout)],
)
async def test_a_child_that_cannot_start_reports_and_leaves_nothing(
    mode: str,
    error: type[Exception],
    tmp_path: Path,
    fake_model_file: Path,
    fake_launcher: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAKE_CHILD_MODE", mode)
    m = LocalModelManager(
        settings_for(fake_model_file), tmp_path, launcher=fake_launcher, start_timeout=3.0
    )
    with pytest.raises(error):
        await m.ensure()
    assert m.pid is None


async def test_start_failure_message_carries_the_childs_reason(
    tmp_path: Path,
    fake_model_file: Path,
    fake_launcher: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAKE_CHILD_MODE", "fail")
    m = LocalModelManager(settings_for(fake_model_file), tmp_path, launcher=fake_launcher)
    with pytest.raises(ProviderUnreachable, match="not a GGUF"):
        await m.ensure()


@pytest.mark.parametrize("model", [None, "smollm2-135m-instruct"])
async def test_default_model_not_pulled_says_how_to_pull(
    model: str | None, tmp_path: Path, fake_launcher: tuple[str, ...]
) -> None:
    m = LocalModelManager(Settings(model=model), tmp_path, launcher=fake_launcher)
    with pytest.raises(ProviderConfigError, match="agentls model pull"):
        await m.ensure()
    assert m.pid is None


async def test_model_that_is_not_a_file_is_a_config_error(
    tmp_path: Path, fake_launcher: tuple[str, ...]
) -> None:
    settings = Settings(model=str(tmp_path / "missing.gguf"))
    with pytest.raises(ProviderConfigError):
        await ensure_local_server(settings, tmp_path)


async def test_ensure_local_server_reuses_a_given_manager(
    manager: LocalModelManager, fake_model_file: Path, tmp_path: Path
) -> None:
    settings = settings_for(fake_model_file)
    first = await ensure_local_server(settings, tmp_path, manager=manager)
    assert await ensure_local_server(settings, tmp_path, manager=manager) == first


def test_no_orphan_after_the_parent_is_killed(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...], gone
) -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "orphan_parent.py"),
            str(fake_model_file),
            str(tmp_path),
            *fake_launcher,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert not gone(child_pid, 0.5)  # alive while the parent is
    finally:
        parent.kill()
        parent.wait()
    assert gone(child_pid, 10.0)


async def test_a_busy_child_is_not_restarted_under_a_lease(
    tmp_path: Path,
    fake_model_file: Path,
    fake_launcher: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flag = tmp_path / "busy"
    monkeypatch.setenv("FAKE_CHILD_SLOW_HEALTH", str(flag))
    m = LocalModelManager(settings_for(fake_model_file), tmp_path, launcher=fake_launcher)
    try:
        async with m.lease() as endpoint:
            pid = m.pid
            flag.touch()
            assert await asyncio.wait_for(m.ensure(), timeout=1.0) == endpoint
            assert m.pid == pid
    finally:
        flag.unlink(missing_ok=True)
        await m.aclose()


async def test_missing_runtime_is_a_config_error_naming_the_extra(
    tmp_path: Path, fake_model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agentls.llm.local, "local_available", lambda: False)
    m = LocalModelManager(settings_for(fake_model_file), tmp_path)
    with pytest.raises(ProviderConfigError, match=r"xllamacpp>=2026\.1.*\[local\]"):
        await m.ensure()
    assert m.pid is None
