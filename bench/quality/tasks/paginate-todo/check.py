import os
import sys

sys.path.insert(0, os.getcwd())
from pagination import paginate

data = list(range(1, 26))
assert paginate(data, 1) == {"items": list(range(1, 11)), "page": 1, "total_pages": 3}
assert paginate(data, 3)["items"] == [21, 22, 23, 24, 25]
assert paginate(data, 4)["items"] == []
assert paginate(data, 2, per_page=5)["items"] == [6, 7, 8, 9, 10]
assert paginate(data, 2, per_page=5)["total_pages"] == 5
assert paginate([], 1)["total_pages"] == 1
for bad in ((0, 10), (1, 0)):
    try:
        paginate(data, *bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"no ValueError for {bad}")
