import os
import sys

sys.path.insert(0, os.getcwd())
import reports

orders = [
    {"id": 1, "customer": "ann", "amount": 10.5},
    {"id": 2, "customer": "bo", "amount": 3.25},
    {"id": 3, "customer": "ann", "amount": 1.0},
]
assert hasattr(reports, "total"), "total() was removed"
assert reports.total(orders) == 14.75, "total() changed"
assert reports.group_by_customer(orders) == {"ann": [1, 3], "bo": [2]}
assert reports.group_by_customer([]) == {}
