"""The tests' scripted model (tests/support/fake_model.py), plus timestamps.

For each model request it records, in `time.perf_counter()` seconds of this process:
when the request body was read, when the first answer delta was written, and when
the answer was complete. The bench subtracts that model time from a run, and times
the first progress report against the first delta.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from tests.support import fake_model
from tests.support.fake_model import FakeModel


@dataclass
class ModelTiming:
    received: float
    first_delta: float | None = None
    done: float | None = None


class _TimedHandler(fake_model._Handler):
    def setup(self) -> None:
        super().setup()
        # Like production model servers: no Nagle delay on small SSE writes. Without it a
        # delta written right after another small write can wait for the client's delayed
        # ACK (40 ms on Linux), which would be charged to agentls.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        timing = ModelTiming(time.perf_counter())
        self._timing = timing
        try:
            super().do_POST()
        finally:
            timing.done = time.perf_counter()
            if self.path in ("/v1/chat/completions", "/v1/messages"):
                self.server.fake.timings_record(timing)  # type: ignore[attr-defined]

    def _write_chunk(self, text: str) -> None:
        super()._write_chunk(text)
        timing = getattr(self, "_timing", None)
        # A delta with text; the role-only opening frame has empty content.
        has_text = '"content": "' in text and '"content": ""' not in text
        if timing is not None and timing.first_delta is None and has_text:
            timing.first_delta = time.perf_counter()


class TimedFakeModel(FakeModel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timings: list[ModelTiming] = []
        self._timing_lock = threading.Lock()

    def start(self) -> TimedFakeModel:
        super().start()
        assert self._server is not None
        self._server.RequestHandlerClass = _TimedHandler  # before any request arrives
        return self

    def __enter__(self) -> TimedFakeModel:
        return self.start()

    def timings_record(self, timing: ModelTiming) -> None:
        with self._timing_lock:
            self._timings.append(timing)

    @property
    def timings(self) -> list[ModelTiming]:
        with self._timing_lock:
            return list(self._timings)
