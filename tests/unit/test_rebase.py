"""Edits computed against an older text, carried onto what the user has typed since."""

from __future__ import annotations

import pytest

from agentls.edits.diff import apply_edits, minimal_edits
from agentls.engine.rebase import rebase_edits

BASE = "a = 1\n# TODO: b\nc = 3\n"
OURS = BASE.replace("# TODO: b\n", "b = 2\n")


def check(current: str, expected: str | None) -> None:
    edits = minimal_edits(BASE, OURS)
    rebased = rebase_edits(BASE, current, edits)
    if expected is None:
        assert rebased is None
    else:
        assert rebased is not None
        assert apply_edits(current, rebased) == expected


def test_unchanged_text_keeps_edits() -> None:
    check(BASE, OURS)


def test_typing_above_shifts_edits() -> None:
    check("# header\n" + BASE, "# header\n" + OURS)


def test_typing_below_leaves_edits() -> None:
    check(BASE + "d = 4\n", OURS + "d = 4\n")


def test_astral_characters_above_shift_by_code_points() -> None:
    check("𝄞🙂\n" + BASE, "𝄞🙂\n" + OURS)


@pytest.mark.parametrize(
    "current",
    [
        BASE.replace("TODO", "FIXME"),  # inside the region
        BASE.replace("# TODO: b", "# TODO: bc"),  # at its end
        BASE.replace("a = 1\n", "a = 1\nnew\n"),  # touching its start
    ],
)
def test_edits_in_or_at_the_region_refuse(current: str) -> None:
    check(current, None)
