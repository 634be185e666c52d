"""The message sent back to the model once, when some of its edits failed."""

from __future__ import annotations

from collections.abc import Iterable

from agentls.edits.model import Problem


def repair_feedback(problems: Iterable[Problem]) -> str:
    """Compact text: each problem with its "did you mean" lines, then what to send."""
    listed = [p.render().replace("\n", "\n  ") for p in problems]
    if not listed:
        return ""
    return "\n".join(
        [
            "Some of your edits could not be applied:",
            "",
            *(f"- {text}" for text in listed),
            "",
            "Send corrected edits for these only. Copy SEARCH lines exactly from the current "
            "file, with enough lines to match one place, or send the complete file.",
        ]
    )
