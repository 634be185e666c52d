"""Repair rounds and the delivery policy for checks that still fail. Plain data, no LSP.

A round sends every remaining problem back to the model, in the same conversation:
edits that could not be applied and checks the change failed. Nothing has been applied
when a round starts, so the model is asked for its whole change again, corrected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from agentls.config import FailurePolicy
from agentls.edits.model import Problem

# At most this many problems are listed in a shown message (the model gets them all).
SHOWN_PROBLEMS = 5


def round_progress(problems: int, round_no: int, rounds: int) -> str:
    noun = "problem" if problems == 1 else "problems"
    return f"Fixing {problems} {noun} (round {round_no} of {rounds})"


def repair_message(
    apply_problems: Sequence[Problem],
    check_problems: Sequence[Problem],
    selection_only: bool = False,
) -> str:
    """The user turn of a repair round: each problem with its hints, then what to send.

    ``selection_only``: the lean prompt asked for the selection's code alone; ask the
    same again rather than for whole files (a small model then echoes the file)."""
    lines: list[str] = []
    if apply_problems:
        lines += ["Some of your edits could not be applied:", ""]
        lines += [f"- {p.render().replace(chr(10), chr(10) + '  ')}" for p in apply_problems]
        lines.append("")
    if check_problems:
        lines += ["Checks of your change found problems it introduces:", ""]
        lines += [f"- {p.render().replace(chr(10), chr(10) + '  ')}" for p in check_problems]
        lines.append("")
    if not lines:
        return ""
    if selection_only:
        lines.append(
            "Nothing has been applied yet. Send the corrected code for the selected lines "
            "again: one code block with only that code, without the rest of the file."
        )
        return "\n".join(lines)
    lines.append(
        "Nothing has been applied yet: the files are as they were before your answer. "
        "Send your complete change again with these fixed, in the same format. Copy SEARCH "
        "lines exactly from the current files, or send complete files."
    )
    return "\n".join(lines)


def listed(problems: Sequence[Problem]) -> str:
    shown = "\n".join(p.render() for p in problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return shown + (f"\n(and {more} more)" if more > 0 else "")


Action = Literal["refuse", "confirm", "apply"]


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    message: str  # for the user; "" when there is nothing to say


def decide(
    problems: Sequence[Problem], policy: FailurePolicy, can_confirm: bool, agent: str, rounds: int
) -> Decision:
    """What to do with a change whose checks still fail after the last repair round."""
    if not problems:
        return Decision("apply", "")
    after = f" after {rounds} repair round{'s' if rounds != 1 else ''}" if rounds else ""
    details = listed(problems)
    if policy == "apply":
        return Decision(
            "apply", f"{agent}'s change was applied, but its checks still fail{after}:\n{details}"
        )
    if policy == "confirm" and can_confirm:
        return Decision(
            "confirm",
            f"{agent}'s change needs your confirmation: its checks still fail{after}:\n{details}",
        )
    why = (
        " (checks.on_failure is `confirm`, but this editor cannot ask for confirmation)"
        if policy == "confirm"
        else ""
    )
    return Decision(
        "refuse",
        f"{agent}'s change failed its checks{after}, so nothing was changed{why}:\n{details}",
    )
