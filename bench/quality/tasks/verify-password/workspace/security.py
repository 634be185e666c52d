import hashlib
import hmac

ITERATIONS = 100_000


def hash_password(password: str, salt: bytes) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return digest.hex()


def verify_password(password: str, salt: bytes, expected_hex: str) -> bool:
    # TODO: hash the password with the same salt and compare it to expected_hex in
    # constant time (hmac.compare_digest)
    pass
