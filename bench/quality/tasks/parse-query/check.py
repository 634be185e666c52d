import os
import sys

sys.path.insert(0, os.getcwd())
from query import parse_query

assert parse_query("a=1&b=two+words") == {"a": "1", "b": "two words"}
assert parse_query("?x=%2Fpath&&y=2") == {"x": "/path", "y": "2"}
assert parse_query("flag&n=1&n=2") == {"flag": "", "n": "2"}
assert parse_query("") == {}
