import hashlib
import os
import sys

sys.path.insert(0, os.getcwd())
from security import hash_password, verify_password

salt = b"pepper-and-salt"
stored = hashlib.pbkdf2_hmac("sha256", b"s3cret!", salt, 100_000).hex()
assert hash_password("s3cret!", salt) == stored, "hash_password changed"
assert verify_password("s3cret!", salt, stored) is True
assert verify_password("wrong", salt, stored) is False
assert verify_password("s3cret!", b"other-salt", stored) is False
