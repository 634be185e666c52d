def total(orders: list[dict]) -> float:
    """Sum of the "amount" of every order, rounded to cents."""
    return round(sum(order["amount"] for order in orders), 2)


# TODO: group_by_customer(orders) -> dict mapping each "customer" to the list of its order "id"s, in input order
