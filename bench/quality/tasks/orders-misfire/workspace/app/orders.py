def order_total(items: list[dict], discount_percent: float = 0) -> float:
    """Total of an order: sum of price * qty over items, minus discount_percent percent,
    rounded to 2 decimals. Raise ValueError if discount_percent is not within 0..100."""
    raise NotImplementedError
