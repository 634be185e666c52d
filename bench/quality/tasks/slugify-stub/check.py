import os
import sys

sys.path.insert(0, os.getcwd())
from text import slugify

assert slugify("Hello, World!") == "hello-world"
assert slugify("  Many   spaces  ") == "many-spaces"
assert slugify("C++ & Python 3") == "c-python-3"
assert slugify("already-a-slug") == "already-a-slug"
assert slugify("--Edge--") == "edge"
