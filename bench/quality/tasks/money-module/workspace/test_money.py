from money import format_cents


def test_thousands_separator_and_two_decimals() -> None:
    assert format_cents(123456) == "$1,234.56"


def test_less_than_a_dollar_keeps_the_leading_zero() -> None:
    assert format_cents(5) == "$0.05"


def test_negative_amount_puts_the_minus_before_the_dollar_sign() -> None:
    assert format_cents(-250) == "-$2.50"
