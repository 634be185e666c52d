import sqlite3

from users_repo import SCHEMA, find_active_users


def make_db(rows: list[tuple[str, int, int]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(SCHEMA)
    conn.executemany("INSERT INTO users (name, age, active) VALUES (?, ?, ?)", rows)
    return conn


def test_active_users_of_at_least_min_age_sorted_by_name() -> None:
    conn = make_db([("zoe", 30, 1), ("adam", 18, 1), ("mia", 17, 1), ("bob", 40, 0)])
    assert find_active_users(conn, 18) == ["adam", "zoe"]


def test_no_matching_user_gives_an_empty_list() -> None:
    conn = make_db([("old", 90, 0), ("kid", 10, 1)])
    assert find_active_users(conn, 21) == []
