"""A lean LSP client over stdio, for timing: raw JSON in, raw JSON out, timestamps.

The test suite's pytest-lsp client converts every message through lsprotocol's
classes; that costs more than agentls spends answering a code action, so latency
and start-up are timed with this one. Server-to-client requests are answered with
`null` (or an empty list for `workspace/configuration`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


class ServerGone(RuntimeError):
    """The server closed its output or exited before answering."""


class LspError(RuntimeError):
    """The server answered a request with an error object."""

    def __init__(self, error: Any, seconds: float) -> None:
        super().__init__(f"LSP error: {error}")
        self.error = error
        self.seconds = seconds


class RawLsp:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self._next_id = 0
        self._waiting: dict[int, asyncio.Future[tuple[Any, float]]] = {}
        self.notifications: list[tuple[float, str, Any]] = []
        self._reader = asyncio.ensure_future(self._read_loop())

    @classmethod
    async def spawn(
        cls, command: Sequence[str], *, cwd: Path, env: Mapping[str, str]
    ) -> tuple[RawLsp, float]:
        """Start the server; returns the client and the monotonic time just before spawning."""
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=str(cwd),
            env=dict(env),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        return cls(process), started

    @property
    def pid(self) -> int:
        return self.process.pid

    # -- sending ---------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any, timeout: float = 60.0) -> tuple[Any, float]:
        """The result and the seconds from writing the request to reading its reply."""
        self._next_id += 1
        msg_id = self._next_id
        future: asyncio.Future[tuple[Any, float]] = asyncio.get_running_loop().create_future()
        self._waiting[msg_id] = future
        sent = time.perf_counter()
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        assert self.process.stdin is not None
        await self.process.stdin.drain()
        try:
            result, received = await asyncio.wait_for(future, timeout)
        except LspError as error:
            error.seconds = time.perf_counter() - sent
            raise
        return result, received - sent

    async def request_at(
        self, method: str, params: Any, timeout: float = 60.0
    ) -> tuple[Any, float]:
        """The result and the perf_counter time at which the reply was read."""
        self._next_id += 1
        msg_id = self._next_id
        future: asyncio.Future[tuple[Any, float]] = asyncio.get_running_loop().create_future()
        self._waiting[msg_id] = future
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await asyncio.wait_for(future, timeout)

    # -- receiving -------------------------------------------------------------

    async def _read_loop(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                length = 0
                while True:
                    line = await stdout.readline()
                    if not line:
                        raise ServerGone("server closed its output")
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                body = await stdout.readexactly(length)
                received = time.perf_counter()
                self._dispatch(json.loads(body), received)
        except (ServerGone, asyncio.IncompleteReadError, ConnectionError) as error:
            gone = error if isinstance(error, ServerGone) else ServerGone(str(error))
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(gone)

    def _dispatch(self, message: dict[str, Any], received: float) -> None:
        if "method" not in message:  # a reply
            future = self._waiting.pop(message.get("id"), None)  # type: ignore[arg-type]
            if future is not None and not future.done():
                if "error" in message and message["error"] is not None:
                    future.set_exception(LspError(message["error"], 0.0))
                else:
                    future.set_result((message.get("result"), received))
            return
        if "id" in message:  # a request from the server
            items = (message.get("params") or {}).get("items") or []
            result: Any = (
                [None] * len(items) if message["method"] == "workspace/configuration" else None
            )
            self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
            return
        self.notifications.append((received, message["method"], message.get("params")))

    # -- lifecycle -------------------------------------------------------------

    async def initialize(self, root: Path, capabilities: dict[str, Any] | None = None) -> float:
        """Send `initialize` and `initialized`; returns the perf_counter time of the reply."""
        uri = root.resolve().as_uri()
        params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "agentls-bench"},
            "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": "ws"}],
            "capabilities": capabilities or DEFAULT_CAPABILITIES,
        }
        _, received = await self.request_at("initialize", params, timeout=120)
        self.notify("initialized", {})
        return received

    async def close(self) -> None:
        """shutdown + exit, then make sure the process is gone."""
        with contextlib.suppress(Exception):
            await self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            assert self.process.stdin is not None
            await self.process.stdin.drain()
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader


DEFAULT_CAPABILITIES: dict[str, Any] = {
    "window": {"workDoneProgress": True},
    "workspace": {
        "applyEdit": True,
        "workspaceEdit": {"documentChanges": True, "resourceOperations": ["create"]},
        "configuration": True,
    },
    "textDocument": {
        "synchronization": {"didSave": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "codeAction": {
            "codeActionLiteralSupport": {
                "codeActionKind": {"valueSet": ["", "quickfix", "refactor", "source"]}
            },
            "resolveSupport": {"properties": ["edit"]},
        },
    },
}


def read_status_kb(pid: int, field: str) -> int | None:
    """A `kB` field (VmHWM, VmRSS) of /proc/PID/status, or None when unreadable."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def tree_kb(pid: int, field: str) -> int | None:
    """The field summed over the process and its children (a launcher script may exec
    node or spawn a worker; the server is all of them)."""
    total = read_status_kb(pid, field)
    if total is None:
        return None
    children = Path(f"/proc/{pid}/task/{pid}/children")
    with contextlib.suppress(OSError):
        for child in children.read_text().split():
            total += tree_kb(int(child), field) or 0
    return total
