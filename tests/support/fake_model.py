"""A scripted model server on 127.0.0.1 that speaks the OpenAI, Anthropic and Ollama wire formats.

Every test that needs "a model" talks to this over real HTTP/1.1, so the providers'
streaming, retries, timeouts and cancellation are exercised end to end. Stdlib only:
it also runs as a separate process for editor and VS Code tests.

Routes
    POST /v1/chat/completions   OpenAI chat; SSE when ``stream`` is true, else one JSON body
    POST /v1/messages           Anthropic messages; SSE event stream when ``stream`` is true
    GET  /v1/models             OpenAI model list          GET /api/tags   Ollama model list
    GET  /props                 llama.cpp server facts: ``fake.props`` as JSON, 404 while None
    POST /api/show              Ollama model facts: ``fake.show`` as JSON, 404 while None
    GET  /healthz               "ok"
    POST /_script               replace the script (same JSON as --script); clears nothing else
    GET  /_requests             every recorded model request, as JSON
    DELETE /_requests           forget recorded requests
Only the model routes (/v1/..., /api/...) are recorded, except the context-window probes
(/props, /api/show): those go to ``fake.probes`` instead, so counting model requests stays
the same whether or not a client probes.

Script: a JSON list of turn objects, or ``{"turns": [...], "models": ["name", ...]}``.
Turn fields (all optional except ``answer``):
    answer       str    the text streamed back ("" gives an empty answer)
    status       int    200; any other value answers with ``error_body`` instead of a stream
    error_body   obj    JSON error body; default is the API's usual shape with a message
    headers      obj    extra response headers, e.g. {"Retry-After": "1"}
    delay        float  seconds to wait before sending the status line
    chunk_size   int    characters per streamed delta (default 8)
    chunk_delay  float  seconds between deltas
    cut_after    int    close the connection after this many answer characters, without
                        the final event or the chunked terminator
    malformed    bool   send a line that is not server-sent events after the first delta
    bad_json     bool   send a data line with invalid JSON after the first delta
    usage        [int, int]  input and output token counts (default: len/4 estimates)
    match        str    use this turn only when the last user message contains the string

Choosing a turn: turns are grouped by ``match``. A request uses the first group whose
``match`` occurs in its last user message, else the unmatched group. Each group is a queue
consumed in order whose last turn repeats once the others are used up. With no usable turn
the server answers 500 with a message saying so.

In-process use::

    with FakeModel() as fake:
        fake.script([Turn("hello"), Turn("", status=429, headers={"Retry-After": "0"})])
        fake.openai_base_url   # http://127.0.0.1:PORT/v1
        fake.requests          # [RecordedRequest(method, path, headers, body), ...]
        fake.aborted_streams   # streams the client closed before the server finished
        fake.props = {"default_generation_settings": {"n_ctx": 2048}}   # llama.cpp /props
        fake.show = {"model_info": {"general.architecture": "qwen2",
                                    "qwen2.context_length": 32768}}  # Ollama /api/show
        fake.probes            # [RecordedRequest, ...] of /props and /api/show

As a process::

    python tests/support/fake_model.py --port 0 --port-file PATH --script SCRIPT.json

writes the chosen port to PATH (atomically) once listening and exits cleanly on SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import signal
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

DEFAULT_MODELS = ("gpt-4o-mini", "claude-sonnet-4-5", "qwen2.5-coder:latest")


@dataclass(frozen=True)
class Turn:
    answer: str = ""
    status: int = 200
    error_body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunk_size: int = 8
    chunk_delay: float = 0.0
    cut_after: int | None = None
    malformed: bool = False
    bad_json: bool = False
    usage: tuple[int, int] | None = None
    match: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown turn field(s) {unknown}; known: {sorted(known)}")
        values = dict(data)
        if values.get("usage") is not None:
            values["usage"] = tuple(values["usage"])
        return cls(**values)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or the raw text when it is not JSON, or None
    client_port: int = 0  # the same port on two requests means one reused connection

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_script(data: Any) -> tuple[list[Turn], list[str] | None]:
    """Turns (and optionally model names) from the script JSON."""
    models = None
    if isinstance(data, dict):
        models = [str(m) for m in data.get("models", DEFAULT_MODELS)]
        data = data.get("turns", [])
    if not isinstance(data, list):
        raise ValueError("a script is a JSON list of turns or {'turns': [...], 'models': [...]}")
    return [Turn.from_dict(item) for item in data], models


class _Script:
    """Thread-safe turn queues, one per ``match`` value; the last turn of a queue repeats."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str | None, list[Turn]] = {}

    def replace(self, turns: Iterable[Turn]) -> None:
        with self._lock:
            self._queues = {}
            for turn in turns:
                self._queues.setdefault(turn.match, []).append(turn)

    def push(self, turn: Turn) -> None:
        with self._lock:
            self._queues.setdefault(turn.match, []).append(turn)

    def take(self, last_user_text: str) -> Turn | None:
        with self._lock:
            key = next(
                (k for k in self._queues if k is not None and k in last_user_text),
                None,
            )
            queue = self._queues.get(key)
            if not queue:
                return None
            return queue.pop(0) if len(queue) > 1 else queue[0]


def _text_of(content: Any) -> str:
    """Text of an OpenAI or Anthropic message content (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _last_user_text(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            return _text_of(message.get("content"))
    return ""


def _prompt_text(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    parts = [_text_of(body.get("system"))]
    parts += [_text_of(m.get("content")) for m in body.get("messages") or [] if isinstance(m, dict)]
    return "\n".join(parts)


class _ClientGone(Exception):
    """The client closed the connection while we were streaming."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Real model servers send small SSE writes at once; without this, Nagle's algorithm
        # holds each one for the client's delayed ACK (~40 ms) and skews every timing.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet

    # -- routing -------------------------------------------------------------

    def do_GET(self) -> None:
        fake = self.server.fake
        if self.path == "/healthz":
            self._send_text(200, "ok")
        elif self.path == "/_requests":
            self._send_json(200, [r.to_dict() for r in fake.requests])
        elif self.path == "/v1/models":
            fake._record(self, None)
            data = [{"id": m, "object": "model", "owned_by": "fake"} for m in fake.models]
            self._send_json(200, {"object": "list", "data": data})
        elif self.path == "/props":
            fake._probed(self, None)
            self._send_facts(fake.props)
        elif self.path == "/api/tags":
            fake._record(self, None)
            models = [
                {"name": m, "model": m, "size": 1, "modified_at": "2026-01-01T00:00:00Z"}
                for m in fake.models
            ]
            self._send_json(200, {"models": models})
        else:
            self._not_found()

    def do_DELETE(self) -> None:
        if self.path == "/_requests":
            self.server.fake.clear_requests()
            self._send_json(200, {"ok": True})
        else:
            self._not_found()

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        text = raw.decode("utf-8", errors="replace")
        try:
            body: Any = json.loads(text) if text else None
        except json.JSONDecodeError:
            body = text
        fake = self.server.fake
        if self.path == "/_script":
            try:
                turns, models = parse_script(body)
            except (ValueError, TypeError) as exc:
                self._send_json(400, {"error": {"message": f"bad script: {exc}"}})
                return
            fake.script(turns, models=models)
            self._send_json(200, {"ok": True, "turns": len(turns)})
            return
        if self.path == "/api/show":
            fake._probed(self, body)
            self._send_facts(fake.show)
            return
        if self.path not in ("/v1/chat/completions", "/v1/messages"):
            self._not_found()
            return
        fake._record(self, body)
        api = "anthropic" if self.path == "/v1/messages" else "openai"
        turn = fake._script.take(_last_user_text(body))
        if turn is None:
            message = "fake model: no turn is scripted for this request"
            self._send_json(500, _error_body(api, 500, message))
            return
        try:
            self._answer(api, turn, body if isinstance(body, dict) else {})
        except _ClientGone:
            fake._note_aborted()
            self.close_connection = True

    # -- answering -----------------------------------------------------------

    def _answer(self, api: str, turn: Turn, body: dict[str, Any]) -> None:
        if turn.delay:
            self._sleep(turn.delay)
        if turn.status != 200:
            error = turn.error_body or _error_body(api, turn.status, "scripted failure")
            self._send_json(turn.status, error, turn.headers)
            return
        usage = turn.usage or (len(_prompt_text(body)) // 4, max(1, len(turn.answer) // 4))
        model = str(body.get("model") or "fake-model")
        if not body.get("stream"):
            self._send_json(200, _whole_answer(api, model, turn.answer, usage), turn.headers)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in turn.headers.items():
            self.send_header(name, value)
        self.end_headers()
        frames = _openai_frames if api == "openai" else _anthropic_frames
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        opening, closing = frames(model, usage, include_usage)
        text = turn.answer if turn.cut_after is None else turn.answer[: turn.cut_after]
        for frame in opening:
            self._write_chunk(frame)
        for index, piece in enumerate(_pieces(text, max(1, turn.chunk_size))):
            if index and turn.chunk_delay:
                self._sleep(turn.chunk_delay)
            self._write_chunk(_delta_event(api, model, piece))
            if index == 0:
                self._maybe_break_stream(turn)
        if turn.cut_after is not None:
            self._hang_up()
            return
        for frame in closing:
            self._write_chunk(frame)
        self._write_raw(b"0\r\n\r\n")

    def _maybe_break_stream(self, turn: Turn) -> None:
        if turn.malformed:
            self._write_chunk("this line is not server-sent events\n\n")
        if turn.bad_json:
            self._write_chunk('data: {"choices": [{"delta": {"content": "oops\n\n')

    def _hang_up(self) -> None:
        """Close mid-stream: no final event, no chunked terminator."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    # -- low-level writing -----------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        """Sleep, noticing a client that hangs up meanwhile."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.server.fake._stopping.wait(min(left, 0.02)) or self._peer_closed():
                raise _ClientGone

    def _peer_closed(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _write_chunk(self, text: str) -> None:
        data = text.encode("utf-8")
        self._write_raw(b"%x\r\n%s\r\n" % (len(data), data))

    def _write_raw(self, data: bytes) -> None:
        if self._peer_closed():
            raise _ClientGone
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError as exc:
            raise _ClientGone from exc

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self._send_bytes(status, data, "application/json", headers or {})

    def _send_text(self, status: int, text: str) -> None:
        self._send_bytes(status, text.encode("utf-8"), "text/plain; charset=utf-8", {})

    def _send_bytes(self, status: int, data: bytes, ctype: str, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _send_facts(self, facts: dict[str, Any] | None) -> None:
        if facts is None:
            self._not_found()
        else:
            self._send_json(200, facts)

    def _not_found(self) -> None:
        self._send_json(404, {"error": {"message": f"fake model: no route {self.path}"}})


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _sse(data: Any, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n"


def _delta_event(api: str, model: str, text: str) -> str:
    if api == "openai":
        choice = {"index": 0, "delta": {"content": text}, "finish_reason": None}
        return _sse(_openai_chunk(model, [choice]))
    delta = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": text},
    }
    return _sse(delta, "content_block_delta")


def _openai_chunk(model: str, choices: list[Any], **extra: Any) -> dict[str, Any]:
    chunk = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": choices,
    }
    return chunk | extra


Frames = tuple[list[str], list[str]]  # SSE frames before and after the deltas


def _openai_frames(model: str, usage: tuple[int, int], include_usage: bool) -> Frames:
    first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    last = {"index": 0, "delta": {}, "finish_reason": "stop"}
    closing = [_sse(_openai_chunk(model, [last]))]
    if include_usage:
        counts = {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
        }
        closing.append(_sse(_openai_chunk(model, [], usage=counts)))
    closing.append("data: [DONE]\n\n")
    return [_sse(_openai_chunk(model, [first]))], closing


def _anthropic_frames(model: str, usage: tuple[int, int], include_usage: bool) -> Frames:
    message: dict[str, Any] = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": model,
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": 1},
    }
    block = {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "text", "text": ""},
    }
    end = {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": usage[1]},
    }
    opening = [
        _sse({"type": "message_start", "message": message}, "message_start"),
        _sse(block, "content_block_start"),
        _sse({"type": "ping"}, "ping"),
    ]
    closing = [
        _sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
        _sse(end, "message_delta"),
        _sse({"type": "message_stop"}, "message_stop"),
    ]
    return opening, closing


def _whole_answer(api: str, model: str, text: str, usage: tuple[int, int]) -> dict[str, Any]:
    if api == "openai":
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": usage[0],
                "completion_tokens": usage[1],
                "total_tokens": sum(usage),
            },
        }
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def _error_body(api: str, status: int, message: str) -> dict[str, Any]:
    kind = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error"}
    error_type = kind.get(status, "api_error")
    if api == "anthropic":
        return {"type": "error", "error": {"type": error_type, "message": message}}
    return {"error": {"message": message, "type": error_type, "code": None}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeModel

    def process_request(self, request: Any, client_address: Any) -> None:
        self.fake._track(request, opened=True)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.fake._track(request, opened=False)
        super().shutdown_request(request)


class FakeModel:
    """The scripted server, run on a background thread. Use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._address = (host, port)
        self._script = _Script()
        self._lock = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._aborted = 0
        self._open: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.models: list[str] = list(DEFAULT_MODELS)
        self.props: dict[str, Any] | None = None  # GET /props answers 404 while None
        self.show: dict[str, Any] | None = None  # POST /api/show answers 404 while None
        self._probes: list[RecordedRequest] = []

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> FakeModel:
        server = _Server(self._address, _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-model",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        with self._lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._server = None

    def __enter__(self) -> FakeModel:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeModel is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.base_url}/v1"

    # -- scripting -------------------------------------------------------------

    def push(self, turn: Turn) -> None:
        self._script.push(turn)

    def script(self, turns: Iterable[Turn], models: Iterable[str] | None = None) -> None:
        self._script.replace(turns)
        if models is not None:
            self.models = list(models)

    def reset(self) -> None:
        """Forget the script, the recorded requests and probes, the abort count, and the
        /props and /api/show facts."""
        self._script.replace([])
        self.props = self.show = None
        with self._lock:
            self._requests.clear()
            self._probes.clear()
            self._aborted = 0

    # -- observations ----------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def probes(self) -> list[RecordedRequest]:
        """The context-window probes (/props, /api/show) received, in order."""
        with self._lock:
            return list(self._probes)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    @property
    def aborted_streams(self) -> int:
        """Answers the client hung up on before the server finished sending them."""
        with self._lock:
            return self._aborted

    def wait_for_aborted(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until ``aborted_streams >= count``; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._aborted >= count, timeout)

    def _record(self, handler: BaseHTTPRequestHandler, body: Any) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        with self._lock:
            port = int(handler.client_address[1])
            recorded = RecordedRequest(handler.command, handler.path, headers, body, port)
            self._requests.append(recorded)

    def _probed(self, handler: BaseHTTPRequestHandler, body: Any) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        port = int(handler.client_address[1])
        with self._lock:
            self._probes.append(RecordedRequest(handler.command, handler.path, headers, body, port))

    def _note_aborted(self) -> None:
        with self._lock:
            self._aborted += 1
            self._lock.notify_all()

    def _track(self, sock: socket.socket, opened: bool) -> None:
        with self._lock:
            if opened:
                self._open.add(sock)
            else:
                self._open.discard(sock)


def _write_port_file(path: Path, port: int) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{port}\n", encoding="utf-8")
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scripted fake model server (see docstring).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", type=Path, help="write the listening port here")
    parser.add_argument("--script", type=Path, help="JSON list of turns")
    args = parser.parse_args(argv)

    fake = FakeModel(args.host, args.port)
    if args.script:
        turns, models = parse_script(json.loads(args.script.read_text(encoding="utf-8")))
        fake.script(turns, models=models)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with fake:
        if args.port_file:
            _write_port_file(args.port_file, fake.port)
        print(f"fake model listening on {fake.base_url}", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
