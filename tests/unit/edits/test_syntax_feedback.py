"""check_syntax and repair_feedback."""

from __future__ import annotations

from agentls.edits import Problem, check_syntax, repair_feedback


def test_valid_python_has_no_problem() -> None:
    assert check_syntax("app/x.py", "def f():\n    return 1\n") is None


def test_python_syntax_error_names_line_and_column() -> None:
    problem = check_syntax("app/x.py", "x = 1\ndef f(:\n    pass\n")
    assert problem is not None
    assert problem.path == "app/x.py"
    assert problem.message.startswith("Python syntax error at line 2, column 7")
    assert problem.hints == ("2 | def f(:",)


def test_null_byte_is_a_problem_not_a_crash() -> None:
    assert check_syntax("x.pyi", "x = 1\x00\n") is not None


def test_other_file_types_are_not_checked() -> None:
    assert check_syntax("notes.md", "def f(:") is None
    assert check_syntax("x.js", "function (") is None


def test_repair_feedback_lists_problems_with_hints() -> None:
    text = repair_feedback(
        [
            Problem("the SEARCH text was not found", "a.py", ("did you mean lines 1-1:", "1 | x")),
            Problem("deleting files is not supported", "b.py"),
        ]
    )
    assert text.splitlines()[:5] == [
        "Some of your edits could not be applied:",
        "",
        "- a.py: the SEARCH text was not found",
        "    did you mean lines 1-1:",
        "    1 | x",
    ]
    assert "- b.py: deleting files is not supported" in text
    assert "Copy SEARCH lines exactly" in text


def test_repair_feedback_without_problems_is_empty() -> None:
    assert repair_feedback([]) == ""
