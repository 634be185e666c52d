"""Repair-round messages and the delivery policy for checks that still fail."""

from __future__ import annotations

import pytest

from agentls.edits.model import Problem
from agentls.engine.repair import decide, repair_message, round_progress

PROBLEM = Problem("line 3: undefined name 'x' (pyflakes)", path="a.py", hints=("3 | y = x",))


def test_round_progress() -> None:
    assert round_progress(2, 1, 2) == "Fixing 2 problems (round 1 of 2)"
    assert round_progress(1, 2, 2) == "Fixing 1 problem (round 2 of 2)"


def test_repair_message_lists_both_kinds_and_asks_for_the_whole_change() -> None:
    text = repair_message([Problem("no match", path="b.py")], [PROBLEM])
    assert "could not be applied:\n\n- b.py: no match" in text
    assert "problems it introduces:\n\n- a.py: line 3: undefined name 'x' (pyflakes)\n" in text
    assert "    3 | y = x" in text
    assert "Send your complete change again" in text
    assert repair_message([], []) == ""


@pytest.mark.parametrize(
    ("policy", "can_confirm", "action", "says"),
    [
        ("refuse", True, "refuse", "failed its checks after 2 repair rounds, so nothing"),
        ("confirm", True, "confirm", "needs your confirmation"),
        ("confirm", False, "refuse", "this editor cannot ask for confirmation"),
        ("apply", False, "apply", "applied, but its checks still fail"),
    ],
)
def test_decide(policy: str, can_confirm: bool, action: str, says: str) -> None:
    decision = decide([PROBLEM], policy, can_confirm, "agent", 2)  # type: ignore[arg-type]
    assert decision.action == action and says in decision.message
    assert "undefined name 'x'" in decision.message


def test_no_problems_means_apply_silently() -> None:
    assert decide([], "refuse", False, "agent", 2).message == ""


def test_a_lean_selection_repair_asks_for_the_selection_code_again() -> None:
    text = repair_message([], [PROBLEM], selection_only=True)
    assert "Send the corrected code for the selected lines again" in text
    assert "complete files" not in text
