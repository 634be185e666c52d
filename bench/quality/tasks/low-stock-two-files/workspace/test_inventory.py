from inventory import low_stock
from models import Item


def test_items_at_or_below_their_reorder_level_are_listed_by_sorted_sku() -> None:
    items = [
        Item(sku="C-3", name="cable", quantity=2, reorder_level=3),
        Item(sku="A-1", name="adapter", quantity=4, reorder_level=4),
        Item(sku="B-2", name="battery", quantity=9, reorder_level=4),
    ]
    assert low_stock(items) == ["A-1", "C-3"]


def test_default_reorder_level_is_used_when_not_given() -> None:
    items = [Item(sku="X", name="fuse", quantity=5), Item(sku="Y", name="plug", quantity=6)]
    assert low_stock(items) == ["X"]


def test_no_items_gives_an_empty_list() -> None:
    assert low_stock([]) == []
