from models import Item


def low_stock(items: list[Item]) -> list[str]:
    """SKUs of the items whose quantity is at or below their reorder_level, sorted."""
    raise NotImplementedError
