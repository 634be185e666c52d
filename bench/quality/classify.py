"""What one (task, flow, repeat) came to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CORRECT, REFUSED, WRONG, NO_CHANGE = "correct", "refused", "wrong", "no-change"
OUTCOMES = (CORRECT, REFUSED, WRONG, NO_CHANGE)
# agentls statuses that mean "I changed nothing, and here is why".
# A question applies nothing and says why, like a refusal (the user answers it later).
_REASONED = {"refused", "failed", "usage-error", "crashed", "question"}


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str
    wrong_file: bool  # a file outside the task's allowed set changed or appeared
    reason: str = ""


def classify(
    changed: Iterable[str],
    allowed: Iterable[str],
    check_passed: bool,
    *,
    status: str = "",
    reason: str = "",
) -> Verdict:
    """``status``/``reason`` come from agentls (empty for the naive flow).

    correct: the check passes. wrong: something changed and the check fails. refused:
    nothing changed and agentls said why. no change: nothing changed, no reason given.
    """
    changed = list(changed)
    wrong_file = bool(set(changed) - set(allowed))
    if check_passed:
        return Verdict(CORRECT, wrong_file)
    if changed:
        return Verdict(WRONG, wrong_file)
    if status in _REASONED and reason.strip():
        return Verdict(REFUSED, wrong_file, reason.strip().splitlines()[0])
    return Verdict(NO_CHANGE, wrong_file)
