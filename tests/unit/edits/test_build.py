"""build_changeset: check(before, answer, after) over every form, plus problems."""

from __future__ import annotations

from agentls.edits import FileChange, TextEdit

from .helpers import TARGET, check, check_problem, run

SRC = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"


def sr(search: str, replace: str, path: str = TARGET) -> str:
    return f"{path}\n```python\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n```\n"


def test_whole_file_modify() -> None:
    new = SRC.replace("a - b", "b - a")
    changes = check(SRC, f"{TARGET}\n```python\n{new}```", new)
    (change,) = changes.files
    assert change.kind == "modify"
    assert change.edits == (TextEdit(SRC.index("a - b"), SRC.index("a - b") + 5, "b - a"),)


def test_whole_file_creates_missing_file_with_lf() -> None:
    changes = check({TARGET: SRC}, "app/new.py\n```python\nX = 1\n```", {"app/new.py": "X = 1\n"})
    assert changes.files == (
        FileChange("app/new.py", "create", "", "X = 1\n", (TextEdit(0, 0, "X = 1\n"),)),
    )


def test_whole_file_keeps_missing_final_newline() -> None:
    check("a = 1", f"{TARGET}\n```python\na = 2\n```", "a = 2")


def test_whole_file_crlf_stays_crlf_also_in_new_lines() -> None:
    before = "a = 1\r\nb = 2\r\n"
    check(
        before, f"{TARGET}\n```python\na = 1\nnew = 0\nb = 2\n```", "a = 1\r\nnew = 0\r\nb = 2\r\n"
    )


def test_whole_file_same_content_is_no_change() -> None:
    changes = check(SRC, f"{TARGET}\n```python\n{SRC}```", SRC)
    assert changes.files == () and changes.is_empty


def test_search_replace_modify() -> None:
    check(SRC, sr("    return a - b\n", "    return b - a\n"), SRC.replace("a - b", "b - a"))


def test_search_replace_crlf_file() -> None:
    before = SRC.replace("\n", "\r\n")
    after = before.replace("    return a - b\r\n", "    result = a - b\r\n    return result\r\n")
    check(before, sr("    return a - b\n", "    result = a - b\n    return result\n"), after)


def test_blocks_on_one_file_compose_in_order() -> None:
    answer = sr("    return a + b\n", "    return a + b + 0\n") + sr(
        "    return a + b + 0\n", "    return sum((a, b))\n"
    )
    check(SRC, answer, SRC.replace("a + b", "sum((a, b))"))


def test_blocks_on_two_files_and_a_create() -> None:
    answer = (
        sr("    return a + b\n", "    return add2(a, b)\n")
        + sr("x = 1\n", "x = 2\n", "app/y.py")
        + "app/z.py\n```python\nz = 0\n```\n"
    )
    changes = check(
        {TARGET: SRC, "app/y.py": "x = 1\n"},
        answer,
        {TARGET: SRC.replace("a + b", "add2(a, b)"), "app/y.py": "x = 2\n", "app/z.py": "z = 0\n"},
    )
    assert [(f.path, f.kind) for f in changes.files] == [
        (TARGET, "modify"),
        ("app/y.py", "modify"),
        ("app/z.py", "create"),
    ]


def test_search_replace_with_empty_search_creates_missing_file() -> None:
    check({TARGET: SRC}, sr("", "print('hi')\n", "tools/run.py"), {"tools/run.py": "print('hi')\n"})


def test_search_replace_on_missing_file_is_a_problem() -> None:
    changes = check_problem({TARGET: SRC}, sr("x\n", "y\n", "nope.py"), "does not exist")
    assert changes.problems[0].path == "nope.py"


def test_empty_search_on_non_empty_file_is_a_problem() -> None:
    check_problem(SRC, sr("", "x = 1\n"), "SEARCH text is empty")


def test_unmatched_search_is_a_problem_with_hints_and_path() -> None:
    changes = check_problem(SRC, sr("def sub(a, c):\n    return a - c\n", "x\n"), "not found")
    (problem,) = changes.problems
    assert problem.path == TARGET
    assert problem.hints[0] == "did you mean lines 5-6:"


def test_one_failed_block_does_not_stop_the_others() -> None:
    answer = sr("nothing like this\n", "x\n") + sr("    return a - b\n", "    return 0\n")
    changes = run({TARGET: SRC}, answer)
    assert len(changes.problems) == 1
    assert changes.files[0].new_text == SRC.replace("a - b", "0")


def test_ambiguous_search_settled_by_selection() -> None:
    before = "x = 1\nprint(x)\n\ny = 2\nprint(x)\n"
    selection = (before.rindex("print"), before.rindex("print"))
    answer = sr("print(x)\n", "print(y)\n")
    check(before, answer, "x = 1\nprint(x)\n\ny = 2\nprint(y)\n", selection=selection)
    check_problem(before, answer, "matches 2 places")


UDIFF_WRONG_LINES = """```diff
--- a/app/x.py
+++ b/app/x.py
@@ -40,2 +40,3 @@
 def sub(a, b):
-    return a - b
+    \"\"\"a minus b\"\"\"
+    return a - b
```"""


def test_udiff_with_wrong_line_numbers() -> None:
    check(
        SRC,
        UDIFF_WRONG_LINES,
        SRC.replace("    return a - b", '    """a minus b"""\n    return a - b'),
    )


def test_udiff_two_hunks_and_indentation_drift() -> None:
    answer = (
        "```diff\n--- a/app/x.py\n+++ b/app/x.py\n"
        "@@ -1 +1 @@\n-return a + b\n+return b + a\n"
        "@@ -5 +5 @@\n-    return a - b\n+    return b - a\n```"
    )
    check(SRC, answer, SRC.replace("a + b", "b + a").replace("a - b", "b - a"))


def test_udiff_creates_new_file() -> None:
    answer = "```diff\n--- /dev/null\n+++ b/app/new.py\n@@ -0,0 +1,2 @@\n+A = 1\n+B = 2\n```"
    changes = check({TARGET: SRC}, answer, {"app/new.py": "A = 1\nB = 2\n"})
    assert changes.files[0].kind == "create"


def test_udiff_creating_an_existing_file_is_a_problem() -> None:
    answer = "```diff\n--- /dev/null\n+++ b/app/x.py\n@@ -0,0 +1 @@\n+A = 1\n```"
    check_problem(SRC, answer, "already exists")


def test_udiff_on_missing_file_is_a_problem() -> None:
    answer = "```diff\n--- a/gone.py\n+++ b/gone.py\n@@ -1 +1 @@\n-a\n+b\n```"
    check_problem({TARGET: SRC}, answer, "does not exist")


def test_abridged_whole_file_is_refused() -> None:
    answer = (
        f"{TARGET}\n```python\ndef add(a, b):\n    return b + a\n\n# ... existing code ...\n```"
    )
    check_problem(SRC, answer, "looks abridged")


def test_refused_path_is_a_problem() -> None:
    check_problem({TARGET: SRC}, "../x.py\n```python\nx\n```", "outside the workspace")


# Pathless fences: they go where the instruction was.

SEL_SRC = "class A:\n    def m(self):\n        # TODO: return twice x\n        pass\n"


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def test_pathless_fence_replaces_selection() -> None:
    selection = _span(SEL_SRC, "        # TODO: return twice x\n")
    answer = "```python\n        return 2 * x\n```"
    check(
        SEL_SRC,
        answer,
        SEL_SRC.replace("# TODO: return twice x", "return 2 * x"),
        selection=selection,
    )


def test_pathless_fence_is_reindented_when_model_dedents() -> None:
    selection = _span(SEL_SRC, "        # TODO: return twice x\n        pass\n")
    answer = "```python\nif x:\n    return 2 * x\nreturn 0\n```"
    after = (
        "class A:\n    def m(self):\n        if x:\n            return 2 * x\n        return 0\n"
    )
    check(SEL_SRC, answer, after, selection=selection)


def test_pathless_fence_for_selection_starting_after_indentation() -> None:
    selection = _span(SEL_SRC, "# TODO: return twice x")
    answer = "```python\nreturn 2 * x\n```"
    check(
        SEL_SRC,
        answer,
        SEL_SRC.replace("# TODO: return twice x", "return 2 * x"),
        selection=selection,
    )


def test_pathless_fence_for_mid_line_selection() -> None:
    before = "y = compute(a, b) + 1\n"
    check(
        before,
        "```python\ncompute(b, a)\n```",
        "y = compute(b, a) + 1\n",
        selection=_span(before, "compute(a, b)"),
    )


def test_pathless_fence_in_workspace_scope_replaces_cursor_line() -> None:
    cursor = SEL_SRC.index("TODO")
    answer = "Here:\n```python\nreturn 2 * x\n```"
    changes = check(
        SEL_SRC,
        answer,
        SEL_SRC.replace("# TODO: return twice x", "return 2 * x"),
        selection=(cursor, cursor),
        scope="workspace",
    )
    assert changes.explanation == "Here:"


def test_pathless_fence_in_crlf_file() -> None:
    before = SEL_SRC.replace("\n", "\r\n")
    selection = _span(before, "        # TODO: return twice x\r\n")
    after = before.replace("# TODO: return twice x", "return 2 * x")
    check(before, "```python\nreturn 2 * x\n```", after, selection=selection)


def test_several_pathless_fences_are_a_problem() -> None:
    check_problem(
        SEL_SRC, "```python\na\n```\n```python\nb\n```", "2 code blocks", selection=(0, 0)
    )


def test_pathless_fence_next_to_labelled_blocks_is_ignored() -> None:
    answer = f"{TARGET}\n```python\nx = 1\n```\nRun it:\n```bash\npython app/x.py\n```"
    check(SRC, answer, "x = 1\n")


def test_pathless_fence_without_selection_is_a_problem() -> None:
    check_problem(SRC, "```python\nx\n```", "no selection", target=None)


def test_no_blocks_gives_explanation_only() -> None:
    changes = run({TARGET: SRC}, "This code adds numbers.")
    assert changes.files == () and changes.problems == ()
    assert changes.explanation == "This code adds numbers."


LONG = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(20))


def test_short_labelled_block_on_long_file_replaces_the_selection() -> None:
    selection = _span(LONG, "def f3():\n    return 3\n")
    answer = f"{TARGET}\n```python\ndef f3():\n    return 33\n```"
    changes = run({TARGET: LONG}, answer, selection=selection)
    assert changes.files[0].new_text == LONG.replace("return 3\n", "return 33\n")
    assert [p.severity for p in changes.problems] == ["warning"]


def test_short_labelled_block_on_long_other_file_is_refused() -> None:
    answer = "app/long.py\n```python\ndef f3():\n    return 33\n```"
    changes = run({TARGET: SRC, "app/long.py": LONG}, answer, selection=(0, 0))
    assert changes.files == ()
    assert "looks like a fragment" in changes.problems[0].message


def test_echoed_selection_markers_are_dropped() -> None:
    before = "x = 1\n# TODO: y\n"
    answer = sr("<<<agentls:selection>>># TODO: y<<<agentls:end-selection>>>\n", "y = 2\n")
    check(before, answer, "x = 1\ny = 2\n")
    answer = f"{TARGET}\n```python\nx = 1\n<<<agentls:cursor>>>\ny = 2\n```"
    check(before, answer, "x = 1\ny = 2\n")


def test_lone_shell_block_is_an_illustration_not_code() -> None:
    changes = run(
        {TARGET: SRC}, "Install it first:\n```bash\npip install numpy\n```", selection=(0, 3)
    )
    assert changes.files == () and changes.problems == ()
    assert changes.explanation == "Install it first:\n\n```bash\npip install numpy\n```"


def test_shell_block_replaces_selection_in_a_shell_script() -> None:
    before = "#!/bin/sh\necho hi\n"
    check(
        {"run.sh": before},
        "```bash\necho hello\n```",
        {"run.sh": "#!/bin/sh\necho hello\n"},
        target="run.sh",
        selection=_span(before, "echo hi\n"),
    )


def test_code_block_beside_a_shell_block_replaces_selection() -> None:
    answer = "```python\n        return 2 * x\n```\nThen run:\n```console\n$ pytest\n```"
    selection = _span(SEL_SRC, "        # TODO: return twice x\n")
    after = SEL_SRC.replace("# TODO: return twice x", "return 2 * x")
    check(SEL_SRC, answer, after, selection=selection)


def test_mixed_line_endings_untouched_lines_keep_theirs() -> None:
    before = "a = 1\r\nb = 2\nc = 3\r\n"
    changes = check(before, sr("c = 3\n", "c = 4\nd = 5\n"), "a = 1\r\nb = 2\nc = 4\r\nd = 5\r\n")
    assert [e.start for e in changes.files[0].edits] == [len("a = 1\r\nb = 2\n")]


def test_pathless_block_that_is_the_whole_file_replaces_the_file() -> None:
    selection = _span(SEL_SRC, "        # TODO: return twice x\n")
    whole = SEL_SRC.replace("# TODO: return twice x", "return 2 * x")
    check(SEL_SRC, f"```python\n{whole}```", whole, selection=selection)


def test_first_line_comment_names_the_file() -> None:
    answer = "```python\n# app/y.py\ny = 1\n```\n```python\n# app/z.py\nz = 1\n```"
    check({TARGET: SRC}, answer, {"app/y.py": "y = 1\n", "app/z.py": "z = 1\n"}, scope="workspace")


def test_labelled_snippet_for_target_replaces_selection_in_selection_scope() -> None:
    selection = _span(SEL_SRC, "        # TODO: return twice x\n")
    answer = f"{TARGET}\n```python\n        return 2 * x\n```"
    changes = run({TARGET: SEL_SRC}, answer, selection=selection)
    assert changes.files[0].new_text == SEL_SRC.replace("# TODO: return twice x", "return 2 * x")
    assert [p.severity for p in changes.problems] == ["warning"]


def test_labelled_whole_target_file_in_selection_scope_is_the_whole_file() -> None:
    selection = _span(SEL_SRC, "        # TODO: return twice x\n")
    whole = "class A:\n    def m(self, x):\n        return 2 * x\n"
    changes = run({TARGET: SEL_SRC}, f"{TARGET}\n```python\n{whole}```", selection=selection)
    assert changes.files[0].new_text == whole
    # It rewrote `def m(self):` and removed `pass`, outside the selection: said out loud.
    assert [p.severity for p in changes.problems] == ["warning"]
    assert changes.problems[0].hints == ("line 2: def m(self):", "line 4: pass")
    assert "outside the selection in `app/x.py`: line 2: def m(self); line 4: pass" in (
        changes.explanation.replace("):", ")")
    )


def test_labelled_short_file_in_workspace_scope_is_the_whole_file() -> None:
    cursor = SEL_SRC.index("TODO")
    answer = f"{TARGET}\n```python\nx = 1\n```"
    check(SEL_SRC, answer, "x = 1\n", selection=(cursor, cursor), scope="workspace")
