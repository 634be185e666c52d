"""The built-in checks on in-memory texts: check(files before, change, expected problems)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agentls.checks.model import CheckInput, CheckReport
from agentls.checks.stage import run_builtin_checks
from agentls.edits.model import ChangeSet, FileChange, TextEdit

_EDIT = (TextEdit(0, 0, "x"),)  # any edit: the checks read old_text/new_text


def check(
    before: dict[str, str],
    after: dict[str, str],
    *,
    target: str | None = None,
    selection: bool = False,
) -> CheckReport:
    files = tuple(
        FileChange(p, "modify" if p in before else "create", before.get(p, ""), text, _EDIT)
        for p, text in after.items()
    )
    return run_builtin_checks(
        CheckInput(ChangeSet(files), Path("/nonexistent"), target, selection, before.get)
    )


def messages(report: CheckReport) -> list[str]:
    return [p.message for p in report.problems]


def test_an_undefined_name_the_change_adds_is_reported() -> None:
    report = check({"a.py": "x = 1\n"}, {"a.py": "x = 1\ny = missing\n"})
    assert messages(report) == ["line 2: undefined name 'missing' (pyflakes)"]
    assert report.summary == ("python syntax clean, pyflakes: 1 problem, workspace imports clean")


def test_an_undefined_name_already_there_is_not_blamed_on_the_change() -> None:
    old = "x = legacy()\n"
    assert check({"a.py": old}, {"a.py": "import os\n\n" + old + "y = 2\n"}).problems == ()


def test_a_second_use_of_an_old_undefined_name_counts_once() -> None:
    report = check({"a.py": "x = legacy()\n"}, {"a.py": "x = legacy()\ny = legacy()\n"})
    assert messages(report) == ["line 2: undefined name 'legacy' (pyflakes)"]


def test_unused_imports_and_variables_are_not_problems() -> None:
    new = "import os\n\n\ndef f():\n    unused = 1\n"
    assert check({}, {"a.py": new}).problems == ()


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ("def f(a, a):\n    pass\n", "duplicate argument 'a' in function definition"),
        ("return 1\n", "'return' outside function"),
        ("__all__ = ['nope']\n", "undefined name 'nope' in __all__"),
    ],
)
def test_other_error_class_messages(new: str, expected: str) -> None:
    assert expected in messages(check({}, {"a.py": new}))[0]


def test_a_syntax_error_names_line_and_column_and_quotes_the_line() -> None:
    problem = check({}, {"app/x.py": "x = 1\ndef f(:\n    pass\n"}).problems[0]
    assert problem.path == "app/x.py"
    assert problem.message.startswith("Python syntax error at line 2, column 7")
    assert problem.hints == ("2 | def f(:",)


def test_a_null_byte_is_a_problem_not_a_crash() -> None:
    assert len(check({}, {"x.pyi": "x = 1\x00\n"}).problems) == 1


def test_prose_files_are_not_checked() -> None:
    assert check({}, {"notes.md": "def f(:"}).results == ()


def test_a_syntax_error_is_reported_unless_the_file_had_the_same_one() -> None:
    broken = "def f(:\n"
    report = check({"a.py": "x = 1\n"}, {"a.py": broken})
    assert messages(report)[0].startswith("Python syntax error at line 1")
    assert report.results[1].summary == "pyflakes skipped (the code does not parse)"
    assert check({"a.py": broken}, {"a.py": broken + "y = 2\n"}).problems == ()


WORKSPACE = {
    "app/__init__.py": "",
    "app/util.py": "import os as _os\n\nVALUE = 1\n\n\ndef helper():\n    return VALUE\n",
    "app/star.py": "from os.path import *\n",
    "app/lazy.py": "def __getattr__(name):\n    return name\n",
    "app/pkg/__init__.py": "",
    "app/pkg/sub.py": "",
    "src/lib/core.py": "if True:\n    FLAG = 1\nelse:\n    FLAG = 2\n",
}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("from app.util import helper, VALUE, _os", None),
        ("from app.util import helpr", "`app/util.py` does not define `helpr`"),
        ("from .util import nope", "`app/util.py` does not define `nope`"),
        ("from . import util", None),  # a submodule of the package
        ("from app.pkg import sub", None),
        ("from app.pkg import other", "`app/pkg/__init__.py` does not define `other`"),
        ("from app.star import anything", None),  # a star import: cannot tell
        ("from app.lazy import anything", None),  # module __getattr__: cannot tell
        ("from lib.core import FLAG", None),  # src/ layout, defined in both branches
        ("from lib.core import nope", "`src/lib/core.py` does not define `nope`"),
        ("from fastapi import FastAPI", None),  # not a workspace module
        ("from app.new import made", None),  # created by the same change
    ],
)
def test_imports_of_names_a_workspace_module_does_not_define(
    line: str, problem: str | None
) -> None:
    after = {"app/main.py": line + "\n", "app/new.py": "def made():\n    pass\n"}
    found = messages(check(WORKSPACE, after))
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0]


def test_the_import_hint_names_the_closest_definition() -> None:
    report = check(WORKSPACE, {"app/main.py": "from app.util import helpr\n"})
    assert report.problems[0].hints[0] == "did you mean `helper`?"


def test_an_import_broken_before_the_change_is_not_reported() -> None:
    before = {**WORKSPACE, "app/main.py": "from app.util import gone\n"}
    after = {"app/main.py": "from app.util import gone\n\nX = 1\n"}
    assert check(before, after).problems == ()


def test_node_check_reports_a_javascript_syntax_error_the_change_adds() -> None:
    report = check({"a.js": "const a = 1;\n"}, {"a.js": "const a = 1;\nfunction (\n"})
    if shutil.which("node") is None:  # the check says so rather than passing silently
        assert report.summary == "node --check skipped (node is not on PATH)"
        return
    assert len(report.problems) == 1
    assert "SyntaxError" in report.problems[0].message and "line 2" in report.problems[0].message
    assert check({"a.mjs": "let = ;\n"}, {"a.mjs": "let = ;\nlet b;\n"}).problems == ()
    assert check({}, {"b.cjs": "module.exports = 1;\n"}).summary == "node --check clean"


def test_typescript_is_not_checked() -> None:
    assert check({}, {"a.ts": "let x: number = ;\n"}).results == ()


ORDERS = (
    '"""Orders."""\n\n\ndef total(prices):\n    # TODO: sum them\n    raise NotImplementedError\n'
)


def test_a_lookalike_file_elsewhere_is_a_misfire_with_a_hint() -> None:
    after = {"app/orders.py": "def total(prices):\n    return sum(prices)\n"}
    report = check({"orders.py": ORDERS}, after, target="orders.py", selection=True)
    assert [p.path for p in report.problems] == ["app/orders.py", "orders.py"]
    assert report.problems[0].hints[0].startswith("did you mean `orders.py`?")


def test_a_copy_of_the_edited_file_is_a_misfire() -> None:
    copy = ORDERS.replace("raise NotImplementedError", "return sum(prices)")
    report = check(
        {"orders.py": ORDERS},
        {"orders.py": ORDERS + "\n", "billing.py": copy},
        target="orders.py",
        selection=True,
    )
    assert messages(report) == ["creates `billing.py`, which repeats 75% of `orders.py`"]


@pytest.mark.parametrize(
    ("target", "created"),
    [
        ("README.md", "app/orders.py"),  # the selection was an instruction in prose
        ("orders.py", "tests/test_orders.py"),  # tests for the selected code
    ],
)
def test_leaving_the_target_untouched_is_fine_for_prose_and_tests(
    target: str, created: str
) -> None:
    before = {target: "Write the orders module.\n"}
    report = check(before, {created: "X = 1\n"}, target=target, selection=True)
    assert report.problems == ()


def test_a_lookalike_name_or_an_untouched_target_is_fine_in_workspace_scope() -> None:
    report = check({"orders.py": ORDERS}, {"app/orders.py": "X = 1\n"}, target="orders.py")
    assert report.problems == ()


def test_a_copy_of_the_untouched_target_is_a_misfire_in_workspace_scope() -> None:
    copy = ORDERS.replace("raise NotImplementedError", "return sum(prices)")
    report = check({"orders.py": ORDERS}, {"OrderTotals.py": copy}, target="orders.py")
    assert messages(report) == ["creates `OrderTotals.py`, which repeats 75% of `orders.py`"]
    assert report.problems[0].hints == (
        "did you mean `orders.py`? Change that file instead of copying it",
    )


def test_a_copy_that_comes_with_a_change_to_the_target_is_a_split_in_workspace_scope() -> None:
    copy = ORDERS.replace("raise NotImplementedError", "return sum(prices)")
    after = {"orders.py": "from billing import *\n", "billing.py": copy}
    assert check({"orders.py": ORDERS}, after, target="orders.py").problems == ()
