"""Text helpers for URLs."""

import re


def slugify(title: str) -> str:
    """Turn a post title into a URL slug.

    Lowercase; every run of characters that are not ASCII letters or digits becomes one
    hyphen; no hyphen at either end. "Hello, World!" -> "hello-world".
    """
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
