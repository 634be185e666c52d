"""Routes of the demo service."""

ROUTES = {}


def route(path):
    def register(handler):
        ROUTES[path] = handler
        return handler

    return register


@route("/")
def index():
    return {"service": "demo"}


# TODO: add a /health endpoint
