"""Routes of the demo service."""

from app.health import health

ROUTES = {}


def route(path):
    def register(handler):
        ROUTES[path] = handler
        return handler

    return register


@route("/")
def index():
    """Names the service."""
    return {"service": "demo"}


@route("/health")
def health_endpoint():
    return health()


@route("/version")
def version():
    """The release this service runs."""
    return {"version": "2.1"}
