"""A recording relay between agentls and the model server.

The bench cannot rely on the agentls under test to report the model's raw answers (the
flag that does so is newer than some commits one may measure), so the agentls flow talks
to the model through this relay on 127.0.0.1. It forwards every request unchanged,
streams the reply back as it arrives, and keeps each chat answer's text, rebuilt from the
server-sent events or the JSON body.

It also pairs flows: within one task and repeat (see `pair`), a chat request whose body is
byte-identical to one already answered gets that answer again, replayed, instead of a new
sample. The agentls-tests flow sends the agentls flow's first request unchanged, so both
start from the same first answer and differ only by what the project checks do with it.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def answer_text(body: bytes) -> str:
    """The assistant text in an OpenAI-style reply, streamed (SSE) or whole (JSON)."""
    text = body.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
            return str(data["choices"][0]["message"].get("content") or "")
        except (ValueError, KeyError, IndexError, TypeError):
            return ""
    pieces = []
    for line in text.splitlines():
        if not line.startswith("data:") or line[5:].strip() == "[DONE]":
            continue
        try:
            event = json.loads(line[5:])
            delta = (event.get("choices") or [{}])[0].get("delta") or {}
        except (ValueError, AttributeError, IndexError):
            continue
        pieces.append(str(delta.get("content") or ""))
    return "".join(pieces)


class Recorder:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = parts.path.rstrip("/")  # e.g. /v1
        self.answers: list[str] = []
        self.replays = 0  # chat answers replayed since the last `take`
        self._replies: dict[bytes, tuple[int, list[tuple[str, str]], bytes]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _relay_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def take(self) -> list[str]:
        """The answers recorded since the last call (and the replay count reset)."""
        with self._lock:
            answers, self.answers, self.replays = self.answers, [], 0
        return answers

    def pair(self) -> None:
        """Start a new pairing window: answers kept so far are never replayed again."""
        with self._lock:
            self._replies.clear()

    def kept_reply(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes] | None:
        with self._lock:
            return self._replies.get(hashlib.sha256(body).digest())

    def count_replay(self) -> None:
        with self._lock:
            self.replays += 1

    def keep_reply(self, body: bytes, reply: tuple[int, list[tuple[str, str]], bytes]) -> None:
        with self._lock:
            self._replies[hashlib.sha256(body).digest()] = reply

    def keep(self, answer: str) -> None:
        with self._lock:
            self.answers.append(answer)

    def __enter__(self) -> Recorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _relay_handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Relay(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._relay(b"")

        def do_POST(self) -> None:
            self._relay(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _relay(self, body: bytes) -> None:
            chat = self.command == "POST" and self.path.endswith("/chat/completions")
            kept = recorder.kept_reply(body) if chat else None
            if kept is not None:
                status, reply_headers, received = kept
                self._send(status, reply_headers, [received])
                recorder.count_replay()
            else:
                forwarded = self._forward(body)
                if forwarded is None:
                    return
                status, reply_headers, received = forwarded
                if chat and status == 200:
                    recorder.keep_reply(body, forwarded)
            if chat:
                recorder.keep(answer_text(received))

        def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes] | None:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            upstream = http.client.HTTPConnection(recorder.host, recorder.port, timeout=900)
            try:
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                reply = upstream.getresponse()
                reply_headers = reply.getheaders()
                self._send(reply.status, reply_headers, [])
                received = bytearray()
                while chunk := reply.read1(65536):
                    received += chunk
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (OSError, http.client.HTTPException):
                self.close_connection = True
                return None
            finally:
                upstream.close()
            self.close_connection = True
            return reply.status, reply_headers, bytes(received)

        def _send(self, status: int, headers: list[tuple[str, str]], body: list[bytes]) -> None:
            """The status and headers, then ``body`` (empty: the caller streams it)."""
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in body:
                self.wfile.write(chunk)
            self.wfile.flush()
            self.close_connection = True

    return Relay
