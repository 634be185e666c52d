def order_total(items: list[dict], discount_percent: float = 0) -> float:
    """Total of an order: sum of price * qty over items, minus discount_percent percent,
    rounded to 2 decimals. Raise ValueError if discount_percent is not within 0..100."""
    if not 0 <= discount_percent <= 100:
        raise ValueError("discount_percent must be within 0..100")
    subtotal = sum(item["price"] * item["qty"] for item in items)
    return round(subtotal * (100 - discount_percent) / 100, 2)
