"""Carry edits computed against one version of a file over to a newer version.

The user may keep typing while a run is in flight. Edits are moved onto the new
text when the user's own changes left the touched regions alone; otherwise the
caller must refuse rather than apply at stale offsets.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentls.edits.diff import minimal_edits
from agentls.edits.model import TextEdit


def _conflicts(ours: TextEdit, theirs: TextEdit) -> bool:
    # Touching counts: an insertion at either boundary changes what we replace or sit beside.
    return theirs.start <= ours.end and theirs.end >= ours.start


def rebase_edits(base: str, current: str, edits: Sequence[TextEdit]) -> tuple[TextEdit, ...] | None:
    """Edits valid against `current`, or None when the user changed a region they touch."""
    if base == current:
        return tuple(edits)
    theirs = minimal_edits(base, current)
    rebased: list[TextEdit] = []
    for ours in edits:
        shift = 0
        for change in theirs:
            if _conflicts(ours, change):
                return None
            if change.end <= ours.start:
                shift += len(change.new_text) - (change.end - change.start)
        rebased.append(TextEdit(ours.start + shift, ours.end + shift, ours.new_text))
    return tuple(rebased)
