"""Regions follow a document through LSP-style text changes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentls.provenance.model import TextChange
from agentls.provenance.tracking import track

from .markers import apply, mark, parse

C = TextChange


def check(before: str, changes: list[TextChange], after: str | None, edited: bool = False) -> None:
    """``before`` and ``after`` mark the region with «»; ``after=None``: retired."""
    text, region = parse(before)
    new_text = apply(text, changes)
    alive = track([region], changes)
    if after is None:
        assert alive == []
        return
    assert len(alive) == 1
    moved = alive[0]
    assert mark(new_text, moved) == after
    assert moved.edited is edited
    assert moved.text == new_text[moved.start : moved.end]
    assert moved.content_hash == region.content_hash


# name: (before, changes, after, edited)
CASES = {
    "insert_before": ("ab«cd»ef", [C(0, 0, "X")], "Xab«cd»ef", False),
    "insert_at_start_boundary": ("ab«cd»ef", [C(2, 2, "XY")], "abXY«cd»ef", False),
    "insert_at_end_boundary": ("ab«cd»ef", [C(4, 4, "X")], "ab«cd»Xef", False),
    "insert_after": ("ab«cd»ef", [C(5, 5, "X")], "ab«cd»eXf", False),
    "insert_inside": ("ab«cd»ef", [C(3, 3, "X")], "ab«cXd»ef", True),
    "delete_before": ("ab«cd»ef", [C(0, 1, "")], "b«cd»ef", False),
    "delete_up_to_start": ("ab«cd»ef", [C(0, 2, "")], "«cd»ef", False),
    "delete_after": ("ab«cd»ef", [C(4, 6, "")], "ab«cd»", False),
    "replace_before_longer": ("ab«cd»ef", [C(0, 2, "WXYZ")], "WXYZ«cd»ef", False),
    "delete_inside": ("ab«cde»f", [C(3, 4, "")], "ab«ce»f", True),
    "replace_inside": ("ab«cde»f", [C(3, 4, "XYZ")], "ab«cXYZe»f", True),
    "rewrite_inside_same_text": ("ab«cde»f", [C(3, 4, "d")], "ab«cde»f", False),
    "delete_head_of_region": ("ab«cde»f", [C(2, 3, "")], "ab«de»f", True),
    "across_start": ("ab«cde»f", [C(1, 3, "XY")], "aXY«de»f", True),
    "across_end": ("ab«cde»f", [C(4, 6, "XY")], "ab«cd»XY", True),
    "delete_exactly_all": ("ab«cd»ef", [C(2, 4, "")], None, False),
    "delete_covering": ("ab«cd»ef", [C(1, 5, "")], None, False),
    "replace_covering_text_gone": ("ab«cd»ef", [C(1, 5, "zz")], None, False),
    "paste_over_keeps_text": ("ab«cd»ef", [C(0, 6, "__abcdef")], "__ab«cd»ef", False),
    "two_changes_in_order": (
        "ab«cd»ef",
        [C(0, 0, "XX"), C(5, 5, "Y")],  # the second is in the text after the first
        "XXab«cYd»ef",
        True,
    ),
    "astral_before": ("😀😀«def»", [C(1, 1, "🎉")], "😀🎉😀«def»", False),
    "astral_inside": ("x«a😀b»y", [C(2, 3, "🎉🎉")], "x«a🎉🎉b»y", True),
    "crlf_insert_line_above": (
        "one\r\n«two\r\nthree\r\n»four",
        [C(0, 0, "zero\r\n")],
        "zero\r\none\r\n«two\r\nthree\r\n»four",
        False,
    ),
    "crlf_delete_line_break_inside": (
        "one\r\n«two\r\nthree\r\n»four",
        [C(8, 10, "")],
        "one\r\n«twothree\r\n»four",
        True,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tracking(name: str) -> None:
    before, changes, after, edited = CASES[name]
    check(before, changes, after, edited)


CODE = "import os\n\n«def health():\n    return {'status': 'ok'}\n»\n\ndef main():\n    pass\n"


def full_sync(text: str, new: str) -> list[TextChange]:
    return [TextChange(0, len(text), new)]


def test_full_sync_moves_untouched_region() -> None:
    text, _ = parse(CODE)
    new = "import sys\nimport os\n\n" + text[len("import os\n\n") :]
    check(CODE, full_sync(text, new), mark_at(new, "def health", "'ok'}\n"), edited=False)


def test_full_sync_with_edit_inside_region_marks_it_edited() -> None:
    text, _ = parse(CODE)
    new = text.replace("'ok'", "'fine'")
    check(CODE, full_sync(text, new), mark_at(new, "def health", "'fine'}\n"), edited=True)


def test_full_sync_without_the_region_retires_it() -> None:
    text, _ = parse(CODE)
    check(CODE, full_sync(text, "import os\n\ndef main():\n    pass\n"), None)


def mark_at(text: str, first: str, last: str) -> str:
    start = text.index(first)
    end = text.index(last, start) + len(last)
    return text[:start] + "«" + text[start:end] + "»" + text[end:]


def test_several_regions_move_independently() -> None:
    text = "aa bb cc dd"
    _, r1 = parse("aa «bb» cc dd")
    _, r2 = parse("aa bb cc «dd»")
    alive = track([r1, r2], [TextChange(0, 0, ">"), TextChange(7, 8, "C")])
    new = apply(text, [TextChange(0, 0, ">"), TextChange(7, 8, "C")])
    assert [new[r.start : r.end] for r in alive] == ["bb", "dd"]
    assert [r.edited for r in alive] == [False, False]


ALPHABET = st.sampled_from(list("ab\n\r😀 "))


@st.composite
def edit_session(draw: st.DrawFn) -> tuple[str, list[TextChange]]:
    text = draw(st.text(ALPHABET, min_size=2, max_size=30))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    marked = text[:start] + "«" + text[start:end] + "»" + text[end:]
    changes: list[TextChange] = []
    length = len(text)
    for _ in range(draw(st.integers(1, 5))):
        cs = draw(st.integers(0, length))
        ce = draw(st.integers(cs, length))
        new = draw(st.text(ALPHABET, max_size=6))
        changes.append(TextChange(cs, ce, new))
        length += len(new) - (ce - cs)
    return marked, changes


@settings(max_examples=300, deadline=None)
@given(edit_session())
def test_region_text_always_matches_the_document(session: tuple[str, list[TextChange]]) -> None:
    marked, changes = session
    text, region = parse(marked)
    new = apply(text, changes)
    for moved in track([region], changes):
        assert 0 <= moved.start < moved.end <= len(new)
        assert moved.text == new[moved.start : moved.end]
        if not moved.edited:
            assert moved.text.splitlines() == region.text.splitlines() or (
                [line.rstrip() for line in moved.text.splitlines()]
                == [line.rstrip() for line in (region.text or "").splitlines()]
            )


def test_fuzzy_match_is_strict_for_short_regions() -> None:
    from agentls.provenance.anchor import find_fuzzy

    lookalikes = "\n".join(["    pass"] * 50) + "\n"
    assert find_fuzzy(lookalikes, "def f():\n    pass\n    pass\n", 0) is None
    changed = "x = 0\ndef f():\n    return 2\n"
    match = find_fuzzy(changed, "def f():\n    return 1\n", 0)
    assert match is not None and changed[match.start : match.end] == "def f():\n    return 2\n"
