import pytest
from app.orders import order_total


def test_total_is_the_sum_of_price_times_qty() -> None:
    items = [{"price": 2.5, "qty": 4}, {"price": 1.25, "qty": 2}]
    assert order_total(items) == 12.5


def test_discount_percent_is_taken_off_and_rounded_to_cents() -> None:
    items = [{"price": 9.99, "qty": 3}]
    assert order_total(items, discount_percent=10) == 26.97


def test_discount_outside_0_to_100_raises_value_error() -> None:
    with pytest.raises(ValueError):
        order_total([{"price": 1.0, "qty": 1}], discount_percent=101)
    with pytest.raises(ValueError):
        order_total([{"price": 1.0, "qty": 1}], discount_percent=-5)
