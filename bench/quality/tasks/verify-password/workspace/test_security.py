from security import hash_password, verify_password

SALT = b"0123456789abcdef"


def test_right_password_verifies() -> None:
    stored = hash_password("s3cret pass", SALT)
    assert verify_password("s3cret pass", SALT, stored) is True


def test_wrong_password_does_not_verify() -> None:
    stored = hash_password("s3cret pass", SALT)
    assert verify_password("s3cret pasS", SALT, stored) is False


def test_same_password_with_another_salt_does_not_verify() -> None:
    stored = hash_password("s3cret pass", SALT)
    assert verify_password("s3cret pass", b"another salt!!!!", stored) is False
