import functools


def retry(times: int, exceptions: tuple = (Exception,)):
    """Decorator: call the function up to `times` times while it raises one of
    `exceptions`; return the first successful result, or re-raise the last error.
    Other exceptions propagate at once. Keep the wrapped function's name (functools.wraps).
    """
    raise NotImplementedError
