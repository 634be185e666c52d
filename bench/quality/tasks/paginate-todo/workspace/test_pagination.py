import pytest
from pagination import paginate


def test_first_page_holds_per_page_items_and_counts_the_pages() -> None:
    assert paginate(list(range(25)), 1) == {"items": list(range(10)), "page": 1, "total_pages": 3}


def test_last_page_holds_the_remaining_items() -> None:
    assert paginate(list(range(25)), 3, per_page=10)["items"] == [20, 21, 22, 23, 24]


def test_page_past_the_end_is_empty_and_an_empty_list_has_one_page() -> None:
    assert paginate([1, 2, 3], 5, per_page=2) == {"items": [], "page": 5, "total_pages": 2}
    assert paginate([], 1)["total_pages"] == 1


def test_page_or_per_page_below_one_raises_value_error() -> None:
    with pytest.raises(ValueError):
        paginate([1, 2, 3], 0)
    with pytest.raises(ValueError):
        paginate([1, 2, 3], 1, per_page=0)
