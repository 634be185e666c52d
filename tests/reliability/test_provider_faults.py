"""Every provider fault, through the real server: one clear message, nothing applied,
no connection left open on a broken stream, and the server still answers afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import MAIN_PY
from tests.e2e.test_implement import WHOLE_FILE_ANSWER
from tests.llm.test_providers_network import never_accepting_port
from tests.reliability.support import (
    TODO_RANGE,
    established_to,
    record,
    server_pid,
    shown,
    still_serving,
    wait_until,
)
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

KEY = "sk-test-key-for-e2e-0123456789"  # the e2e env fixture's key
LONG = WHOLE_FILE_ANSWER * 20  # long enough to still be streaming when the client drops it


@dataclass(frozen=True)
class Fault:
    turns: tuple[Turn, ...] = ()
    expect: tuple[str, ...] = ()  # each must appear in the one message shown
    target: str = "fake"  # fake | dns | stalled (a listener that never accepts)
    env: dict[str, str] = field(default_factory=dict)
    requests: int | None = None  # how many requests the model must have seen
    broken_stream: bool = False  # the model's connection must end up closed


QUICK_RETRY = {"AGENTLS_HTTP__BACKOFF_INITIAL": "0.01"}

FAULTS = {
    "400 with a provider body": Fault(
        (Turn(status=400, error_body={"error": {"message": "max_tokens is too large"}}),),
        ("400", "max_tokens is too large"),
        requests=1,
    ),
    "401": Fault((Turn(status=401),), ("OPENAI_API_KEY",), requests=1),
    "403": Fault((Turn(status=403),), ("403", "OPENAI_API_KEY"), requests=1),
    "404 unknown model": Fault((Turn(status=404),), ("scripted-model",), requests=1),
    "429 Retry-After 0, exhausted": Fault(
        (Turn(status=429, headers={"Retry-After": "0"}),), ("429",), requests=3
    ),
    "429 without Retry-After": Fault((Turn(status=429),), ("429",), env=QUICK_RETRY, requests=3),
    "500": Fault((Turn(status=500),), ("500",), env=QUICK_RETRY, requests=3),
    "502": Fault((Turn(status=502),), ("502",), env=QUICK_RETRY, requests=3),
    "503": Fault((Turn(status=503),), ("503",), env=QUICK_RETRY, requests=3),
    "DNS failure": Fault(
        target="dns", expect=("nonexistent.invalid", "AGENTLS_BASE_URL"), env=QUICK_RETRY
    ),
    "connect timeout": Fault(
        target="stalled",
        expect=("0.2 s",),
        env={"AGENTLS_HTTP__CONNECT_TIMEOUT": "0.2", **QUICK_RETRY},
    ),
    "read timeout in a slow trickle": Fault(
        (Turn(LONG, chunk_size=16, chunk_delay=3.0),),
        ("0.3 s", "http.read_timeout"),
        env={"AGENTLS_HTTP__READ_TIMEOUT": "0.3", "AGENTLS_HTTP__MAX_ATTEMPTS": "1"},
        broken_stream=True,
    ),
    "stream cut mid-answer": Fault(
        (Turn(WHOLE_FILE_ANSWER, cut_after=40),), ("cut off",), broken_stream=True
    ),
    "malformed SSE line": Fault(
        (Turn(LONG, malformed=True, chunk_delay=0.01),),
        ("server-sent event",),
        broken_stream=True,
    ),
    "invalid JSON in a chunk": Fault(
        (Turn(LONG, bad_json=True, chunk_delay=0.01),), ("JSON",), broken_stream=True
    ),
    "empty answer": Fault((Turn(""),), ("empty answer", "Try again"), requests=1),
}

# The Anthropic wire format through LSP (its own error and event shapes; 529 = overloaded).
ANTHROPIC_FAULTS = {
    "401": Fault((Turn(status=401),), ("ANTHROPIC_API_KEY",), requests=1),
    "429 Retry-After 0, exhausted": Fault(
        (Turn(status=429, headers={"Retry-After": "0"}),), ("429",), requests=3
    ),
    "529 overloaded": Fault((Turn(status=529),), ("529",), env=QUICK_RETRY, requests=3),
    "stream cut mid-answer": Fault(
        (Turn(WHOLE_FILE_ANSWER, cut_after=40),), ("cut off",), broken_stream=True
    ),
    "invalid JSON in a chunk": Fault(
        (Turn(LONG, bad_json=True, chunk_delay=0.01),), ("JSON",), broken_stream=True
    ),
    "empty answer": Fault((Turn(""),), ("empty answer",), requests=1),
}


@contextlib.contextmanager
def base_url_for(fault: Fault, fake: FakeModel) -> Iterator[str]:
    if fault.target == "dns":
        yield "http://nonexistent.invalid/v1"
    elif fault.target == "stalled":
        with never_accepting_port() as port:
            yield f"http://127.0.0.1:{port}/v1"
    else:
        yield fake.openai_base_url


@pytest.mark.parametrize("name", list(FAULTS))
async def test_provider_fault_through_lsp(
    name: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fault = FAULTS[name]
    with base_url_for(fault, fake_model) as base_url:
        run_env = env | fault.env | {"AGENTLS_BASE_URL": base_url}
        await check_fault(name, fault, workspace, run_env, fake_model)


@pytest.mark.parametrize("name", list(ANTHROPIC_FAULTS))
async def test_anthropic_fault_through_lsp(
    name: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fault = ANTHROPIC_FAULTS[name]
    run_env = {k: v for k, v in env.items() if k != "OPENAI_API_KEY"} | fault.env
    run_env |= {
        "AGENTLS_PROVIDER": "anthropic",
        "AGENTLS_BASE_URL": fake_model.base_url,
        "ANTHROPIC_API_KEY": KEY,
    }
    await check_fault(f"anthropic {name}", fault, workspace, run_env, fake_model)
    assert all(r.path == "/v1/messages" for r in fake_model.requests)


async def check_fault(
    name: str, fault: Fault, workspace: Path, run_env: dict[str, str], fake_model: FakeModel
) -> None:
    """One run under `fault`: one message, nothing applied, stream closed, still serving."""
    fake_model.script(list(fault.turns))
    async with lsp_session(workspace, run_env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", TODO_RANGE)
        messages = shown(session)
        assert len(messages) == 1, [m.message for m in messages]
        text = messages[0].message
        record(name, text)
        for expected in fault.expect:
            assert expected in text, text
        assert KEY not in text
        assert result["status"] in ("failed", "empty"), result
        assert session.editor.applied == []
        assert session.editor.text("app/main.py") == MAIN_PY
        assert not (workspace / "app" / "health.py").exists()
        if fault.requests is not None:
            assert len(fake_model.requests) == fault.requests
        if fault.broken_stream:
            pid = server_pid(session)
            await wait_until(lambda: established_to(pid, fake_model.port) == 0)
        assert await still_serving(session)
        assert len(shown(session)) == 1
