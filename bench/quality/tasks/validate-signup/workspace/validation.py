def validate_signup(data: dict) -> list[str]:
    """Check a signup form; return the list of error messages (empty when valid).

    - "email" must contain exactly one "@" with text on both sides, else "invalid email"
    - "password" must be at least 8 characters, else "password too short"
    - "age" must be an int of at least 13, else "too young"
    Messages come in that order; a missing field counts as invalid.
    """
    raise NotImplementedError
