import functools


def retry(times: int, exceptions: tuple = (Exception,)):
    """Decorator: call the function up to `times` times while it raises one of
    `exceptions`; return the first successful result, or re-raise the last error.
    Other exceptions propagate at once. Keep the wrapped function's name (functools.wraps).
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(times):
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    if attempt == times - 1:
                        raise

        return wrapper

    return decorate
