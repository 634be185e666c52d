from models import Item


def low_stock(items: list[Item]) -> list[str]:
    """SKUs of the items whose quantity is at or below their reorder_level, sorted."""
    return sorted(item.sku for item in items if item.quantity <= item.reorder_level)
