import sqlite3

SCHEMA = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER, active INTEGER)"


def find_active_users(conn: sqlite3.Connection, min_age: int) -> list[str]:
    """Names of active users (active = 1) aged min_age or more, sorted by name.

    Pass min_age as a query parameter (?), never by formatting the SQL string.
    """
    rows = conn.execute(
        "SELECT name FROM users WHERE active = 1 AND age >= ? ORDER BY name", (min_age,)
    )
    return [name for (name,) in rows]
