def validate_signup(data: dict) -> list[str]:
    """Check a signup form; return the list of error messages (empty when valid).

    - "email" must contain exactly one "@" with text on both sides, else "invalid email"
    - "password" must be at least 8 characters, else "password too short"
    - "age" must be an int of at least 13, else "too young"
    Messages come in that order; a missing field counts as invalid.
    """
    errors = []
    email = str(data.get("email", ""))
    local, at, domain = email.partition("@")
    if not at or not local or not domain or "@" in domain:
        errors.append("invalid email")
    if len(str(data.get("password", ""))) < 8:
        errors.append("password too short")
    age = data.get("age")
    if not isinstance(age, int) or age < 13:
        errors.append("too young")
    return errors
