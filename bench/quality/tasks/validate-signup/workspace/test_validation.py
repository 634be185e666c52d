from validation import validate_signup


def test_valid_signup_has_no_errors() -> None:
    data = {"email": "ann@example.com", "password": "correct horse", "age": 30}
    assert validate_signup(data) == []


def test_every_invalid_field_is_reported_in_order() -> None:
    data = {"email": "ann.example.com", "password": "short", "age": 12}
    assert validate_signup(data) == ["invalid email", "password too short", "too young"]


def test_missing_fields_count_as_invalid() -> None:
    assert validate_signup({}) == ["invalid email", "password too short", "too young"]


def test_only_the_failing_field_is_reported() -> None:
    data = {"email": "ann@example.com", "password": "12345678", "age": 12}
    assert validate_signup(data) == ["too young"]
