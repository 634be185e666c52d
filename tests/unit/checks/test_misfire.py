"""Requests that ask for new files: the files they name, and answers that skip them."""

from __future__ import annotations


def test_a_request_to_create_a_file_names_the_files_that_do_not_exist_yet() -> None:
    from agentls.checks.misfire import requested_new_files

    exists = {"app/orders.py", "README.md"}.__contains__
    assert requested_new_files("Create money.py as this README describes", exists) == ("money.py",)
    assert requested_new_files("- add `app/cache.py` and tests/test_cache.py", exists) == (
        "app/cache.py",
        "tests/test_cache.py",
    )
    assert requested_new_files("Create app/orders.py", exists) == ()  # exists already
    assert requested_new_files("see money.py for details", exists) == ()  # no creating word
    assert requested_new_files("add 2.5 to the total", exists) == ()


def test_a_requested_file_the_answer_does_not_create_is_a_problem() -> None:
    from agentls.checks.misfire import missing_requested
    from agentls.edits.model import ChangeSet, FileChange, TextEdit

    readme = FileChange("README.md", "modify", "x\n", "y\n", (TextEdit(0, 1, "y"),))
    problems = missing_requested(ChangeSet(files=(readme,)), ("money.py",))
    assert [p.message for p in problems] == [
        "the request asks for `money.py`, but the answer does not create it"
    ]
    made = FileChange("src/money.py", "create", "", "M = 1\n", (TextEdit(0, 0, "M = 1\n"),))
    assert missing_requested(ChangeSet(files=(made,)), ("money.py",)) == []
