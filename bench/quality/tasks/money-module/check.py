import os
import sys

sys.path.insert(0, os.getcwd())
from invoice import invoice_line
from money import format_cents

assert format_cents(123456) == "$1,234.56"
assert format_cents(5) == "$0.05"
assert format_cents(-250) == "-$2.50"
assert format_cents(0) == "$0.00"
assert format_cents(100000000) == "$1,000,000.00"
assert invoice_line("Total", 1999) == "Total: $19.99"
