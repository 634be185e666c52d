def total(orders: list[dict]) -> float:
    """Sum of the "amount" of every order, rounded to cents."""
    return round(sum(order["amount"] for order in orders), 2)


def group_by_customer(orders: list[dict]) -> dict[str, list]:
    groups: dict[str, list] = {}
    for order in orders:
        groups.setdefault(order["customer"], []).append(order["id"])
    return groups
