def status_class(code: int) -> str:
    """ "success" for 200-299, "redirect" for 300-399, "client error" for 400-499,
    "server error" for 500-599; any other code raises ValueError."""
    if 200 <= code <= 299:
        return "success"
    if 300 <= code <= 399:
        return "redirect"
    if 400 <= code <= 499:
        return "client error"
    if 500 <= code <= 599:
        return "server error"
    raise ValueError(f"not an HTTP status code: {code}")
