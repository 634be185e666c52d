"""A recording relay between agentls and the model server.

The bench cannot rely on the agentls under test to report the model's raw answers (the
flag that does so is newer than some commits one may measure), so the agentls flow talks
to the model through this relay on 127.0.0.1. It forwards every request unchanged,
streams the reply back as it arrives, and keeps each chat answer's text, rebuilt from the
server-sent events or the JSON body.
"""

from __future__ import annotations

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
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _relay_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def take(self) -> list[str]:
        """The answers recorded since the last call."""
        with self._lock:
            answers, self.answers = self.answers, []
        return answers

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
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            upstream = http.client.HTTPConnection(recorder.host, recorder.port, timeout=900)
            try:
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                reply = upstream.getresponse()
                self.send_response(reply.status)
                for key, value in reply.getheaders():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Connection", "close")
                self.end_headers()
                received = bytearray()
                while chunk := reply.read1(65536):
                    received += chunk
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (OSError, http.client.HTTPException):
                self.close_connection = True
                return
            finally:
                upstream.close()
            self.close_connection = True
            if self.command == "POST" and self.path.endswith("/chat/completions"):
                recorder.keep(answer_text(bytes(received)))

    return Relay
