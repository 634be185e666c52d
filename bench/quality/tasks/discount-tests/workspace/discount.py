def apply_discount(price: float, percent: float) -> float:
    """The price after a percent discount, rounded to cents. percent must be 0..100."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be within 0..100")
    return round(price * (100 - percent) / 100, 2)
