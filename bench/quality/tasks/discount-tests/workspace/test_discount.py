import unittest

from discount import apply_discount

# TODO: a unittest TestCase for apply_discount: 20% off 50.0 is 40.0, 0% and 100% off,
# and ValueError for -1 and 101
