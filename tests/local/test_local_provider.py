"""LocalProvider: leases the child, names the model by its alias, retries once after a crash."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from agentls.config import Settings
from agentls.llm.base import Answer, ChatMessage, ChatRequest, DeltaCallback, Usage
from agentls.llm.errors import ProviderUnreachable
from agentls.llm.local import LocalEndpoint, LocalModelManager
from agentls.llm.local_provider import LocalProvider

REQUEST = ChatRequest(model="/some/path.gguf", messages=(ChatMessage("user", "hi"),))


class RecordingInner:
    """Stands in for the OpenAI-compatible provider; fails the first `failures` calls."""

    name = "openai"

    def __init__(self, endpoint: LocalEndpoint, log: list[tuple[str, object]], failures: int):
        self.endpoint, self.log, self.failures = endpoint, log, failures

    async def complete(self, request: ChatRequest, on_delta: DeltaCallback | None = None) -> Answer:
        self.log.append(("complete", (self.endpoint.base_url, request.model)))
        if len(self.log) <= self.failures:
            raise ProviderUnreachable("connection refused")
        return Answer("done", request.model, Usage(1, 1))

    async def aclose(self) -> None:
        self.log.append(("aclose", self.endpoint.base_url))


def make_provider(
    tmp_path: Path, model: Path, launcher: tuple[str, ...], failures: int = 0, owns: bool = True
) -> tuple[LocalProvider, LocalModelManager, list[tuple[str, object]]]:
    manager = LocalModelManager(Settings(model=str(model)), tmp_path, launcher=launcher)
    log: list[tuple[str, object]] = []
    provider = LocalProvider(
        manager, lambda ep: RecordingInner(ep, log, failures), owns_manager=owns
    )
    return provider, manager, log


async def test_asks_the_child_by_its_alias(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...]
) -> None:
    provider, manager, log = make_provider(tmp_path, fake_model_file, fake_launcher)
    answer = await provider.complete(REQUEST)
    assert answer.model == fake_model_file.stem
    assert manager.pid is not None
    await provider.aclose()
    assert manager.pid is None
    assert [kind for kind, _ in log] == ["complete", "aclose"]


async def test_a_shared_manager_outlives_the_provider(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...]
) -> None:
    provider, manager, _ = make_provider(tmp_path, fake_model_file, fake_launcher, owns=False)
    await provider.complete(REQUEST)
    await provider.aclose()
    assert manager.pid is not None
    await manager.aclose()


async def test_a_crashed_child_is_replaced_before_the_next_call(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...], gone
) -> None:
    provider, manager, log = make_provider(tmp_path, fake_model_file, fake_launcher)
    await provider.complete(REQUEST)
    first_pid = manager.pid
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)
    assert gone(first_pid)
    assert (await provider.complete(REQUEST)).text == "done"
    assert manager.pid not in (None, first_pid)
    urls = [detail for kind, detail in log if kind == "aclose"]
    assert [kind for kind, _ in log] == ["complete", "aclose", "complete"]
    assert log[0][1][0] == urls[0] != log[2][1][0]  # type: ignore[index]
    await provider.aclose()


@pytest.mark.parametrize(("failures", "succeeds"), [(1, True), (2, False)])
async def test_unreachable_child_is_retried_once_only(
    failures: int,
    succeeds: bool,
    tmp_path: Path,
    fake_model_file: Path,
    fake_launcher: tuple[str, ...],
) -> None:
    provider, _, log = make_provider(tmp_path, fake_model_file, fake_launcher, failures)
    if succeeds:
        assert (await provider.complete(REQUEST)).text == "done"
    else:
        with pytest.raises(ProviderUnreachable):
            await provider.complete(REQUEST)
    assert [kind for kind, _ in log] == ["complete", "complete"]
    await provider.aclose()


async def test_configure_reaches_the_child(
    tmp_path: Path, fake_model_file: Path, fake_launcher: tuple[str, ...]
) -> None:
    provider, manager, _ = make_provider(tmp_path, fake_model_file, fake_launcher)
    await provider.complete(REQUEST)
    first = manager.pid
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF")
    provider.configure(Settings(model=str(other)))
    assert (await provider.complete(REQUEST)).model == "other"
    assert manager.pid != first
    await provider.aclose()
