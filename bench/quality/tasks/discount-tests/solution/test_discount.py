import unittest

from discount import apply_discount


class ApplyDiscountTest(unittest.TestCase):
    def test_twenty_percent(self):
        self.assertEqual(apply_discount(50.0, 20), 40.0)

    def test_bounds(self):
        self.assertEqual(apply_discount(19.99, 0), 19.99)
        self.assertEqual(apply_discount(19.99, 100), 0)

    def test_out_of_range(self):
        for percent in (-1, 101):
            with self.assertRaises(ValueError):
                apply_discount(10.0, percent)


if __name__ == "__main__":
    unittest.main()
