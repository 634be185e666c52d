"""The child process that hosts the local model's HTTP server, plus its watchdog.

Run as ``python -m agentls.llm.local_launcher``. Protocol with the parent:

- The parent writes one JSON line on our stdin: the `LaunchConfig` fields. The API key
  travels this way so it never shows up in ``ps``.
- We start the server and write one JSON line on our *original* stdout:
  ``{"address": "http://127.0.0.1:PORT"}`` or ``{"error": "..."}``. Everything else
  (llama.cpp's own logging) goes to stderr, which the parent sends to a log file.
- We then live until stdin reaches EOF. The parent closes it to stop us; the kernel
  closes it when the parent dies, even by SIGKILL. ``PR_SET_PDEATHSIG`` and a parent-pid
  poll are two more nets under the same rope.

`run_child` takes the server starter as an argument so tests can run the same watchdog
around a tiny fake server.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import IO, Any

PARENT_POLL_SECONDS = 1.0
# Server-side sampling defaults; a request's own values win. Tiny models otherwise loop
# ("_json_json_json…") until the token limit, and wander at high temperatures.
DEFAULT_MAX_TOKENS = 1024
DEFAULT_TEMPERATURE = 0.2
DEFAULT_REPEAT_PENALTY = 1.1
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class LaunchConfig:
    model_path: str
    alias: str
    api_key: str
    threads: int
    context_size: int
    parent_pid: int
    host: str = "127.0.0.1"

    def to_line(self) -> str:
        return json.dumps(asdict(self)) + "\n"

    @classmethod
    def from_line(cls, line: str) -> LaunchConfig:
        return cls(**json.loads(line))


# Starts the server and returns its address plus whatever keeps it alive.
ServerStarter = Callable[[LaunchConfig], tuple[str, Any]]


def start_llama_server(config: LaunchConfig) -> tuple[str, Any]:
    """Start xllamacpp's llama.cpp HTTP server; it serves from its own threads."""
    import xllamacpp  # type: ignore[import-not-found]

    params = xllamacpp.CommonParams()
    params.model.path = config.model_path
    params.model_alias = {config.alias}  # a plain string would be split into characters
    params.hostnames = [config.host]
    params.port = 0  # the OS picks a free port; listening_address tells which
    params.api_keys = [config.api_key]
    params.n_ctx = config.context_size
    params.n_parallel = 1
    params.n_threads_http = 4  # mostly idle; keeps /health answering during a long answer
    params.cpuparams.n_threads = config.threads
    params.cpuparams_batch.n_threads = config.threads
    params.n_predict = DEFAULT_MAX_TOKENS
    params.sampling.temp = DEFAULT_TEMPERATURE
    params.sampling.penalty_repeat = DEFAULT_REPEAT_PENALTY
    server = xllamacpp.Server(params)
    return str(server.listening_address), server


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)

    def poll_parent() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=poll_parent, name="parent-poll", daemon=True).start()


def _report(out: IO[str], message: dict[str, str]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def run_child(start: ServerStarter) -> int:
    line = sys.stdin.readline()
    # Keep the real stdout for the one ready line; route fd 1 (C code too) to stderr.
    ready_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    if not line:
        return 0
    config = LaunchConfig.from_line(line)
    _die_with_parent(config.parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    try:
        address, keep_alive = start(config)
    except Exception as error:
        _report(ready_out, {"error": f"{type(error).__name__}: {error}"})
        return 1
    _report(ready_out, {"address": address})
    while sys.stdin.readline():  # blocks until the parent closes the pipe or dies
        pass
    del keep_alive
    os._exit(0)  # skip interpreter teardown: native server threads are still running


def main() -> int:
    return run_child(start_llama_server)


if __name__ == "__main__":
    sys.exit(main())
