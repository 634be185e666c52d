def chunk(items: list, size: int) -> list[list]:
    # TODO: split items into consecutive lists of `size` items (the last may be shorter)
    pass
