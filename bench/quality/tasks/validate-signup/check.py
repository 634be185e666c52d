import os
import sys

sys.path.insert(0, os.getcwd())
from validation import validate_signup

good = {"email": "a@b.io", "password": "longenough", "age": 30}
assert validate_signup(good) == []
assert validate_signup({**good, "email": "nope"}) == ["invalid email"]
assert validate_signup({**good, "email": "a@b@c"}) == ["invalid email"]
assert validate_signup({**good, "password": "short"}) == ["password too short"]
assert validate_signup({**good, "age": 12}) == ["too young"]
assert validate_signup({}) == ["invalid email", "password too short", "too young"]
