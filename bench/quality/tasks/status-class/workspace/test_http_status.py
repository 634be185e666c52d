import pytest
from http_status import status_class


def test_each_range_maps_to_its_class() -> None:
    assert status_class(200) == "success"
    assert status_class(301) == "redirect"
    assert status_class(404) == "client error"
    assert status_class(503) == "server error"


def test_range_bounds_are_inclusive() -> None:
    assert status_class(299) == "success"
    assert status_class(500) == "server error"
    assert status_class(599) == "server error"


def test_code_outside_the_ranges_raises_value_error() -> None:
    with pytest.raises(ValueError):
        status_class(600)
    with pytest.raises(ValueError):
        status_class(102)
