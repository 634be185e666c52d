"""Text helpers for URLs."""


def slugify(title: str) -> str:
    """Turn a post title into a URL slug.

    Lowercase; every run of characters that are not ASCII letters or digits becomes one
    hyphen; no hyphen at either end. "Hello, World!" -> "hello-world".
    """
    raise NotImplementedError
