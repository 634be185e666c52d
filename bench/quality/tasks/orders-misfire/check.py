import os
import sys

sys.path.insert(0, os.getcwd())
from app.orders import order_total

items = [{"price": 2.5, "qty": 4}, {"price": 1.2, "qty": 1}]
assert order_total(items) == 11.2
assert order_total(items, 10) == 10.08
assert order_total([], 50) == 0
for bad in (-1, 101):
    try:
        order_total(items, bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"no ValueError for {bad}")
