"""A stand-in for the llama.cpp server child: the real watchdog around a tiny HTTP server.

FAKE_CHILD_MODE selects a behaviour: "ok" (default), "fail" (start raises), "exit"
(dies before reporting), "hang" (never reports). While the file named by
FAKE_CHILD_SLOW_HEALTH exists, /health takes 5 s to answer.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agentls.llm.local_launcher import LaunchConfig, run_child


def _handler(config: LaunchConfig) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            sys.stderr.write(format % args + "\n")

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/health":
                slow_flag = os.environ.get("FAKE_CHILD_SLOW_HEALTH")
                if slow_flag and os.path.exists(slow_flag):
                    time.sleep(5)  # a server busy answering another request
                self._send(200, b'{"status":"ok"}')
            else:
                self._send(404, b"{}")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length) or b"{}")
            if self.headers.get("Authorization") != f"Bearer {config.api_key}":
                self._send(401, b'{"error":{"message":"Invalid API Key"}}')
                return
            answer = {
                "model": config.alias,
                "threads": config.threads,
                "context_size": config.context_size,
                "pid": os.getpid(),
                "asked": request.get("model"),
            }
            message = {"role": "assistant", "content": json.dumps(answer)}
            body = {"model": config.alias, "choices": [{"index": 0, "message": message}]}
            self._send(200, json.dumps(body).encode())

    return Handler


def start_fake(config: LaunchConfig) -> tuple[str, Any]:
    mode = os.environ.get("FAKE_CHILD_MODE", "ok")
    if mode == "fail":
        raise RuntimeError("model file is not a GGUF")
    if mode == "exit":
        os._exit(3)
    if mode == "hang":
        time.sleep(3600)
    server = ThreadingHTTPServer((config.host, 0), _handler(config))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}", server


if __name__ == "__main__":
    sys.exit(run_child(start_fake))
