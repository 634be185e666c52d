from batching import chunk


def test_items_split_into_consecutive_lists_of_size_with_a_shorter_last() -> None:
    assert chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]


def test_exact_multiple_of_size_gives_full_lists_only() -> None:
    assert chunk(["a", "b", "c", "d", "e", "f"], 3) == [["a", "b", "c"], ["d", "e", "f"]]


def test_size_larger_than_the_list_gives_one_list() -> None:
    assert chunk([1, 2], 5) == [[1, 2]]
