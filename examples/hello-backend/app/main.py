"""A tiny JSON backend on the standard library."""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer


def hello():
    return {"message": "Hello, world!"}


# TODO: add a /health endpoint that returns {"status": "ok"}

ROUTES = {"/hello": hello}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        route = ROUTES.get(self.path)
        status, body = (200, route()) if route else (404, {"error": "not found"})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()
