from urllib.parse import unquote_plus


def parse_query(qs: str) -> dict[str, str]:
    """Parse "a=1&b=two+words" into {"a": "1", "b": "two words"}.

    Keys and values are URL-decoded with unquote_plus. Empty pieces ("a=1&&b=2") are
    skipped; a piece without "=" maps to "". When a key repeats, the last value wins.
    A leading "?" is ignored.
    """
    raise NotImplementedError
