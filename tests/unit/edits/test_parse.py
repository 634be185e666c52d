"""parse_answer: every answer form and label style from DESIGN.md §2."""

from __future__ import annotations

import pytest

from agentls.edits import DiffHunks, Hunk, SearchReplace, WholeFile, parse_answer


def wf(path: str | None, content: str, language: str = "python") -> WholeFile:
    return WholeFile(path, content, language)


BODY = "print(1)\n"
FENCE = "```python\nprint(1)\n```"

LABELLED = {
    "info_title": '```python title="app/x.py"\nprint(1)\n```',
    "info_colon": "```python:app/x.py\nprint(1)\n```",
    "info_path_only": "```app/x.py\nprint(1)\n```",
    "info_lang_then_path": "```python app/x.py\nprint(1)\n```",
    "line_plain": f"app/x.py\n{FENCE}",
    "line_plain_colon": f"app/x.py:\n{FENCE}",
    "line_backticks": f"`app/x.py`\n{FENCE}",
    "line_backticks_colon": f"`app/x.py`:\n{FENCE}",
    "line_bold": f"**app/x.py**\n{FENCE}",
    "line_bold_colon_inside": f"**app/x.py:**\n{FENCE}",
    "line_bold_backticks": f"**`app/x.py`**\n{FENCE}",
    "line_heading": f"### app/x.py\n{FENCE}",
    "line_heading_backticks": f"### `app/x.py`\n{FENCE}",
    "line_file_prefix": f"File: app/x.py\n{FENCE}",
    "line_file_prefix_backticks": f"File: `app/x.py`\n{FENCE}",
    "line_file_prefix_backticks_colon": f"File: `app/x.py`:\n{FENCE}",
    "line_bold_file_prefix": f"**File: `app/x.py`**\n{FENCE}",
    "line_blank_between": f"app/x.py\n\n{FENCE}",
    "line_sentence_ending_in_path": f"Changes to `app/x.py`:\n{FENCE}",
    "line_list_item": f"- `app/x.py`\n{FENCE}",
    "line_numbered_heading": f"## 1. `app/x.py`\n{FENCE}",
    "line_heading_with_words": f"### Updated app/x.py\n{FENCE}",
    "line_bold_new_file_remark": f"**app/x.py** (new file)\n{FENCE}",
    "line_backticks_remark_colon": f"`app/x.py` (updated):\n{FENCE}",
}


@pytest.mark.parametrize("answer", LABELLED.values(), ids=LABELLED.keys())
def test_path_labelled_fence_is_whole_file(answer: str) -> None:
    parsed = parse_answer(answer)
    language = "" if answer.startswith("```app/") else "python"
    assert parsed.blocks == (wf("app/x.py", BODY, language),)
    assert parsed.problems == ()
    assert parsed.paths == ("app/x.py",)


NOT_LABELS = {
    "sentence": f"Here is the updated code:\n{FENCE}",
    "language_only": FENCE,
    "url": f"https://example.com/x.py\n{FENCE}",
    "method_call_in_prose": f"Replace `foo.bar` with:\n{FENCE}",
    "version_number": f"1.2.3\n{FENCE}",
    "heading_without_path": f"### Step 2: run it\n{FENCE}",
    "sentence_mentioning_a_file": f"Here is foo.py the file\n{FENCE}",
}


@pytest.mark.parametrize("answer", NOT_LABELS.values(), ids=NOT_LABELS.keys())
def test_fence_without_path_has_no_path(answer: str) -> None:
    assert parse_answer(answer).blocks == (wf(None, BODY),)


def test_label_is_removed_from_explanation_and_prose_is_kept() -> None:
    answer = f"I added a **helper**.\n\n### `app/x.py`\n{FENCE}\n\nRun `pytest` after."
    parsed = parse_answer(answer)
    assert parsed.explanation == "I added a **helper**.\n\nRun `pytest` after."


def test_explanation_is_trimmed_and_blank_runs_collapse() -> None:
    parsed = parse_answer("\n\n  First.\n\n\n\n\nSecond.  \n\n")
    assert parsed.explanation == "First.\n\nSecond."
    assert parsed.blocks == ()


def test_several_files_in_order() -> None:
    answer = f"a.py\n{FENCE}\nthen\nb/c.ts\n```ts\nlet x = 1;\n```"
    parsed = parse_answer(answer)
    assert parsed.blocks == (wf("a.py", BODY), wf("b/c.ts", "let x = 1;\n", "ts"))
    assert parsed.paths == ("a.py", "b/c.ts")
    assert parsed.explanation == "then"


def test_a_label_does_not_reach_past_another_block() -> None:
    answer = f"a.py\n{FENCE}\n{FENCE}"
    assert parse_answer(answer).blocks == (wf("a.py", BODY), wf(None, BODY))


def test_crlf_answer_is_normalised() -> None:
    parsed = parse_answer("a.py\r\n```python\r\nx = 1\r\n```\r\n")
    assert parsed.blocks == (wf("a.py", "x = 1\n"),)


def test_tilde_and_long_fences() -> None:
    assert parse_answer("~~~python title=a.py\nx\n~~~").blocks == (wf("a.py", "x\n"),)
    answer = "README.md\n````markdown\n# T\n```\nplain\n```\n````\nafter"
    parsed = parse_answer(answer)
    assert parsed.blocks == (wf("README.md", "# T\n```\nplain\n```\n", "markdown"),)
    assert parsed.explanation == "after"


def test_nested_fence_with_info_inside_three_backticks() -> None:
    answer = "README.md\n```markdown\n# T\n```bash\npip install x\n```\nend\n```\nafter"
    parsed = parse_answer(answer)
    assert parsed.blocks == (
        wf("README.md", "# T\n```bash\npip install x\n```\nend\n", "markdown"),
    )
    assert parsed.explanation == "after"


def test_unbalanced_nesting_falls_back_to_first_closer() -> None:
    answer = "a.md\n```markdown\n```python\nx\n```\nafter"
    parsed = parse_answer(answer)
    assert parsed.blocks == (wf("a.md", "```python\nx\n", "markdown"),)


def test_unclosed_fence_is_a_problem_not_a_whole_file() -> None:
    parsed = parse_answer("a.py\n```python\nx = 1\n")
    assert parsed.blocks == ()
    assert "not closed" in parsed.problems[0].message
    assert parsed.problems[0].path == "a.py"


def test_think_section_is_dropped() -> None:
    parsed = parse_answer("<think>\nmaybe\n```python\nwrong\n```\n</think>\nOK.\n" + FENCE)
    assert parsed.blocks == (wf(None, BODY),)
    assert parsed.explanation == "OK."


SR = "<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE"

SEARCH_REPLACE = {
    "path_line_then_fence": f"app/x.py\n```python\n{SR}\n```",
    "path_in_info": f"```python:app/x.py\n{SR}\n```",
    "bare_after_path_line": f"app/x.py\n{SR}",
    "bare_after_heading": f"### `app/x.py`\n\n{SR}",
    "path_inside_fence": f"```python\napp/x.py\n{SR}\n```",
}


@pytest.mark.parametrize("answer", SEARCH_REPLACE.values(), ids=SEARCH_REPLACE.keys())
def test_search_replace_forms(answer: str) -> None:
    parsed = parse_answer(answer)
    assert parsed.blocks == (SearchReplace("app/x.py", "old\n", "new\n"),)
    assert parsed.problems == ()


def test_several_search_replace_blocks_keep_the_path() -> None:
    answer = f"app/x.py\n```python\n{SR}\n{SR.replace('old', 'a')}\n```\n{SR}"
    parsed = parse_answer(answer)
    assert [b.path for b in parsed.blocks] == ["app/x.py"] * 3
    assert parsed.blocks[1] == SearchReplace("app/x.py", "a\n", "new\n")


def test_search_replace_for_two_files() -> None:
    answer = f"a.py\n{SR}\n\nb.py\n{SR}\nDone."
    parsed = parse_answer(answer)
    assert [b.path for b in parsed.blocks] == ["a.py", "b.py"]
    assert parsed.explanation == "Done."


def test_search_replace_may_quote_fences() -> None:
    answer = (
        "README.md\n```markdown\n<<<<<<< SEARCH\n```\nold\n```\n"
        "=======\n```\nnew\n```\n>>>>>>> REPLACE\n```"
    )
    parsed = parse_answer(answer)
    assert parsed.blocks == (SearchReplace("README.md", "```\nold\n```\n", "```\nnew\n```\n"),)


def test_search_replace_without_path_and_empty_sides() -> None:
    parsed = parse_answer("<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE")
    assert parsed.blocks == (SearchReplace(None, "", "x = 1\n"),)


def test_broken_search_replace_is_a_problem() -> None:
    parsed = parse_answer("a.py\n<<<<<<< SEARCH\nold\n>>>>>>> REPLACE\n")
    assert parsed.blocks == ()
    assert "not closed" in parsed.problems[0].message


UDIFF = "--- a/app/x.py\n+++ b/app/x.py\n@@ -10,3 +10,3 @@\n ctx\n-old\n+new\n"
HUNK = Hunk("ctx\nold\n", "ctx\nnew\n", 10)


def test_udiff_in_diff_fence() -> None:
    parsed = parse_answer(f"Fix:\n```diff\n{UDIFF}```\nok")
    assert parsed.blocks == (DiffHunks("app/x.py", (HUNK,)),)
    assert parsed.explanation == "Fix:\nok"


def test_bare_udiff_ends_at_prose() -> None:
    parsed = parse_answer(f"{UDIFF}\nThat is all.")
    assert parsed.blocks == (DiffHunks("app/x.py", (HUNK,)),)
    assert parsed.explanation == "That is all."


def test_udiff_git_headers_and_two_files() -> None:
    text = (
        "diff --git a/a.py b/a.py\nindex 1..2 100644\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n"
        "diff --git a/b.py b/b.py\nnew file mode 100644\n--- /dev/null\n+++ b/b.py\n"
        "@@ -0,0 +1 @@\n+z\n"
    )
    parsed = parse_answer(f"```diff\n{text}```")
    assert parsed.blocks == (
        DiffHunks("a.py", (Hunk("x\n", "y\n", 1),)),
        DiffHunks("b.py", (Hunk("", "z\n", 0),), creates=True),
    )


def test_udiff_without_headers_in_labelled_fence() -> None:
    parsed = parse_answer("app/x.py\n```diff\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n```")
    assert parsed.blocks == (DiffHunks("app/x.py", (Hunk("a\nb\n", "a\nc\n", 1),)),)


def test_udiff_blank_context_without_space_and_no_newline_marker() -> None:
    text = "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n\n-b\n\\ No newline at end of file\n+c\n"
    parsed = parse_answer(f"```diff\n{text}```")
    assert parsed.blocks == (DiffHunks("x.py", (Hunk("a\n\nb\n", "a\n\nc\n", 1),)),)


def test_udiff_deleting_a_file_is_a_problem() -> None:
    parsed = parse_answer("```diff\n--- a/x.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n```")
    assert parsed.blocks == ()
    assert parsed.problems[0].path == "x.py"


def test_with_paths_renames_and_drops_refused() -> None:
    parsed = parse_answer(f"./a.py\n{FENCE}\n../evil.py\n{FENCE}\n")
    assert parsed.paths == ("./a.py", "../evil.py")
    kept = parsed.with_paths({"./a.py": "a.py"})
    assert kept.blocks == (wf("a.py", BODY),)


def test_fence_in_a_list_item_loses_its_indentation() -> None:
    answer = "1. `app/x.py`:\n   ```python\n   def f():\n       return 1\n   ```\n2. Done."
    parsed = parse_answer(answer)
    assert parsed.blocks == (wf("app/x.py", "def f():\n    return 1\n"),)
    assert parsed.explanation == "2. Done."


COMMENT_LABELS = {
    "hash": ("```python\n# app/x.py\nprint(1)\n```", "python"),
    "slashes_with_file_prefix": ("```ts\n// File: app/x.py\nprint(1)\n```", "ts"),
    "html_comment": ("```html\n<!-- app/x.py -->\nprint(1)\n```", "html"),
}


@pytest.mark.parametrize(("answer", "language"), COMMENT_LABELS.values(), ids=COMMENT_LABELS.keys())
def test_first_line_comment_is_a_path_label(answer: str, language: str) -> None:
    assert parse_answer(answer).blocks == (wf("app/x.py", BODY, language),)


@pytest.mark.parametrize("first", ["#!/bin/sh", "# TODO: fix", "# -*- coding: utf-8 -*-", "# a.b"])
def test_other_first_line_comments_stay_content(first: str) -> None:
    assert parse_answer(f"```python\n{first}\nprint(1)\n```").blocks == (
        wf(None, f"{first}\n{BODY}"),
    )


def test_answer_wrapped_in_one_markdown_fence_is_unwrapped() -> None:
    answer = "````markdown\nDone.\n\napp/x.py\n```python\nprint(1)\n```\n````"
    parsed = parse_answer(answer)
    assert parsed.blocks == (wf("app/x.py", BODY),)
    assert parsed.explanation == "Done."


def test_markdown_snippet_with_code_stays_one_block() -> None:
    answer = "```markdown\n## Usage\n```bash\nrun\n```\n```"
    assert parse_answer(answer).blocks == (wf(None, "## Usage\n```bash\nrun\n```\n", "markdown"),)


def test_broken_search_replace_block_does_not_hide_the_next_one() -> None:
    answer = f"a.py\n<<<<<<< SEARCH\nold\n{SR}"
    parsed = parse_answer(answer)
    assert parsed.blocks == (SearchReplace("a.py", "old\n", "new\n"),)
    assert "1 SEARCH/REPLACE block(s) not closed" in parsed.problems[0].message
