from money import format_cents


def invoice_line(label: str, cents: int) -> str:
    return f"{label}: {format_cents(cents)}"
