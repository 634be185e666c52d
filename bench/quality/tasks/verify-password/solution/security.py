import hashlib
import hmac

ITERATIONS = 100_000


def hash_password(password: str, salt: bytes) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return digest.hex()


def verify_password(password: str, salt: bytes, expected_hex: str) -> bool:
    return hmac.compare_digest(hash_password(password, salt), expected_hex)
