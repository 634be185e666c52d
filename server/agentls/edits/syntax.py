"""A quick syntax check of a changed file, before anything is offered to the user."""

from __future__ import annotations

import ast

from agentls.edits.model import Problem

_PYTHON_SUFFIXES = (".py", ".pyi")


def check_syntax(path: str, text: str) -> Problem | None:
    """A Problem naming line and column when a Python file does not parse; else None."""
    if not path.endswith(_PYTHON_SUFFIXES):
        return None
    try:
        ast.parse(text, filename=path)
    except SyntaxError as exc:
        line_no, column = exc.lineno or 0, exc.offset or 0
        lines = text.splitlines()
        hints: tuple[str, ...] = ()
        if 0 < line_no <= len(lines):
            hints = (f"{line_no} | {lines[line_no - 1]}",)
        return Problem(
            f"Python syntax error at line {line_no}, column {column}: {exc.msg}",
            path=path,
            hints=hints,
        )
    except (ValueError, RecursionError, MemoryError) as exc:
        return Problem(f"Python file cannot be parsed: {exc}", path=path)
    return None
