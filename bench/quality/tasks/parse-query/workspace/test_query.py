from query import parse_query


def test_pairs_are_split_and_plus_decoded_as_space() -> None:
    assert parse_query("a=1&b=two+words") == {"a": "1", "b": "two words"}


def test_leading_question_mark_and_empty_pieces_are_ignored() -> None:
    assert parse_query("?a=1&&b=2") == {"a": "1", "b": "2"}


def test_piece_without_equals_maps_to_empty_string_and_last_repeat_wins() -> None:
    assert parse_query("flag&x=1&x=2") == {"flag": "", "x": "2"}


def test_percent_escapes_are_decoded() -> None:
    assert parse_query("q=caf%C3%A9%26cr%C3%AApes") == {"q": "café&crêpes"}
