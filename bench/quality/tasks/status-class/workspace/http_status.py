def status_class(code: int) -> str:
    """"success" for 200-299, "redirect" for 300-399, "client error" for 400-499,
    "server error" for 500-599; any other code raises ValueError."""
    raise NotImplementedError
