import os
import sqlite3
import sys

sys.path.insert(0, os.getcwd())
import users_repo

conn = sqlite3.connect(":memory:")
conn.execute(users_repo.SCHEMA)
conn.executemany(
    "INSERT INTO users (name, age, active) VALUES (?, ?, ?)",
    [("zoe", 40, 1), ("adam", 30, 1), ("bob", 50, 0), ("carl", 20, 1), ("dina", 30, 1)],
)
assert users_repo.find_active_users(conn, 30) == ["adam", "dina", "zoe"]
assert users_repo.find_active_users(conn, 100) == []
assert users_repo.find_active_users(conn, 0) == ["adam", "carl", "dina", "zoe"]
with open("users_repo.py", encoding="utf-8") as stream:
    source = stream.read()
assert "?" in source.split("def find_active_users", 1)[1], "min_age is not a query parameter"
