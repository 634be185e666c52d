"""Small helpers shared by the reliability tests: polling, liveness, sockets, /proc."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel
from tests.support.lsp_harness import Session, range_of

TODO = "# TODO: add a /health endpoint that reports the service status"
TODO_RANGE = range_of(MAIN_PY, TODO)


async def wait_until(predicate: Callable[[], Any], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


async def still_serving(session: Session) -> bool:
    """The server answers the next request: the bundled agent's code actions are offered."""
    actions = await asyncio.wait_for(session.code_actions("app/main.py", TODO_RANGE), 10)
    return any(a.title == "Implement backend" for a in actions)


def shown(session: Session) -> list[types.ShowMessageParams]:
    """Messages of type Error or Warning, the ones a user is shown."""
    kinds = (types.MessageType.Error, types.MessageType.Warning)
    return [m for m in session.messages if m.type in kinds]


def server_pid(session: Session) -> int:
    return int(session.client._server.pid)  # type: ignore[union-attr]


def established_to(pid: int, port: int) -> int:
    """TCP connections of process `pid` to 127.0.0.1:`port` that are still established."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote_port = int(fields[2].split(":")[1], 16)
        if remote_port == port and fields[3] == "01" and fields[9] in inodes:
            count += 1
    return count


def model_prompt(fake: FakeModel) -> str:
    """Everything the model was sent, as one text (message contents, newlines real)."""
    parts: list[str] = []
    for request in fake.requests:
        body = request.body if isinstance(request.body, dict) else {}
        for message in body.get("messages") or []:
            content = message.get("content") if isinstance(message, dict) else None
            parts.append(content if isinstance(content, str) else repr(content))
        if isinstance(body.get("system"), str):
            parts.append(body["system"])
    return "\n".join(parts)


def record(row: str, text: str) -> None:
    """Append what a row showed to $RELIABILITY_MESSAGES (JSON lines), for docs/reliability.md."""
    target = os.environ.get("RELIABILITY_MESSAGES")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"row": row, "message": text}) + "\n")
