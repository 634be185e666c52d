from reports import group_by_customer


def test_order_ids_grouped_by_customer_in_input_order() -> None:
    orders = [
        {"id": 1, "customer": "ann", "amount": 10.0},
        {"id": 2, "customer": "bob", "amount": 5.5},
        {"id": 3, "customer": "ann", "amount": 7.25},
    ]
    assert group_by_customer(orders) == {"ann": [1, 3], "bob": [2]}


def test_no_orders_gives_an_empty_mapping() -> None:
    assert group_by_customer([]) == {}
