def health():
    """Liveness: the service answers."""
    return {"status": "ok"}
