import os
import sys

sys.path.insert(0, os.getcwd())
from inventory import low_stock
from models import Item

items = [
    Item("B-2", "bolt", 5),
    Item("A-1", "anchor", 100),
    Item("N-9", "nut", 0, reorder_level=0),
    Item("C-3", "clip", 11, reorder_level=10),
    Item("A-0", "axle", 2, reorder_level=3),
]
assert low_stock(items) == ["A-0", "B-2", "N-9"]
assert low_stock([]) == []
