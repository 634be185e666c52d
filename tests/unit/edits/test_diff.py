"""minimal_edits / apply_edits: tiny named cases; apply(old, edits) == new."""

from __future__ import annotations

import time

import pytest

from agentls.edits import TextEdit, apply_edits, minimal_edits

CASES = {
    "insert_middle_line": ("a\nb\nc\n", "a\nb\nx\nc\n", [TextEdit(4, 4, "x\n")]),
    "delete_first_line": ("a\nb\nc\n", "b\nc\n", [TextEdit(0, 2, "")]),
    "delete_last_line": ("a\nb\nc\n", "a\nb\n", [TextEdit(4, 6, "")]),
    "replace_last_line_no_newline": ("a\nb", "a\nc", [TextEdit(2, 3, "c")]),
    "add_final_newline": ("a\nb", "a\nb\n", [TextEdit(3, 3, "\n")]),
    "narrow_to_changed_characters": ("x = foo(1)\n", "x = foo(2)\n", [TextEdit(8, 9, "2")]),
    "astral_characters_count_as_one": ("𝄞 a 😀\nz\n", "𝄞 b 😀\nz\n", [TextEdit(2, 3, "b")]),
    "emoji_line_inserted": ("😀\n😀\n", "😀\n🎉\n😀\n", [TextEdit(2, 2, "🎉\n")]),
    "crlf_line_changed": ("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", [TextEdit(3, 4, "B")]),
    "crlf_line_inserted": ("a\r\nc\r\n", "a\r\nb\r\nc\r\n", [TextEdit(3, 3, "b\r\n")]),
    "from_empty": ("", "new\n", [TextEdit(0, 0, "new\n")]),
    "to_empty": ("old\n", "", [TextEdit(0, 4, "")]),
    "identical": ("same\n", "same\n", []),
}


@pytest.mark.parametrize(("old", "new", "expected"), CASES.values(), ids=CASES.keys())
def test_minimal_edits(old: str, new: str, expected: list[TextEdit]) -> None:
    edits = minimal_edits(old, new)
    assert list(edits) == expected
    assert apply_edits(old, edits) == new


def test_scattered_changes_are_separate_small_edits() -> None:
    old = "".join(f"line {i}\n" for i in range(1000))
    new = old.replace("line 10\n", "line ten\n").replace("line 900\n", "")
    edits = minimal_edits(old, new)
    assert len(edits) == 2
    assert apply_edits(old, edits) == new


def test_repeated_lines_still_diff_correctly() -> None:
    old = "\n".join(["x"] * 50 + ["y"] + ["x"] * 50)
    new = "\n".join(["x"] * 49 + ["z", "y"] + ["x"] * 51)
    assert apply_edits(old, minimal_edits(old, new)) == new


def test_ten_thousand_lines_with_a_hundred_changes_is_fast_enough() -> None:
    # Not a timing assertion: a generous bound that only catches a quadratic blow-up.
    old_lines = [
        f"    value_{i} = compute({i * 7919 % 10007})\n" if i % 9 else "\n" for i in range(10_000)
    ]
    new_lines = list(old_lines)
    for k in range(50, 10_000, 100):
        new_lines[k] = f"    changed_{k}\n"
    old, new = "".join(old_lines), "".join(new_lines)
    began = time.perf_counter()
    edits = minimal_edits(old, new)
    elapsed = time.perf_counter() - began
    assert apply_edits(old, edits) == new
    assert len(edits) == 100
    assert elapsed < 5


def test_apply_edits_refuses_overlaps() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abc", [TextEdit(0, 2, "x"), TextEdit(1, 3, "y")])


def test_apply_edits_in_any_order() -> None:
    assert apply_edits("abc", [TextEdit(2, 3, "Z"), TextEdit(0, 1, "X")]) == "XbZ"
