"""Move regions through text changes, as LSP incremental sync reports them.

Each change is in code points of the text *before* that change; a sequence is
applied in order. For one region ``[s, e)`` and one change ``[cs, ce) -> new``:

- entirely before (``ce <= s``, including an insertion at ``s``): shift;
- entirely after (``cs >= e``, including an insertion at ``e``): untouched;
- inside: the region grows or shrinks and counts as edited (unless the change
  rewrote its text unchanged);
- across one boundary: the region is clipped to what is left of it, edited;
- covering it all: deleted text retires it; replacement text (full sync, paste
  over) is searched for the region's text, see `anchor.relocate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from agentls.provenance.anchor import relocate
from agentls.provenance.model import MAX_ANCHOR_CHARS, Region, TextChange


def _bounded(text: str | None) -> str | None:
    return text if text is not None and len(text) <= MAX_ANCHOR_CHARS else None


def _cut(text: str | None, start: int, end: int | None = None) -> str | None:
    return None if text is None else text[start:end]


def track_one(region: Region, change: TextChange) -> Region | None:
    """``region`` after ``change``, or None when the change retired it."""
    s, e = region.start, region.end
    cs, ce, new = change.start, change.end, change.new_text
    delta = len(new) - (ce - cs)
    if ce <= s:
        return replace(region, start=s + delta, end=e + delta) if delta else region
    if cs >= e:
        return region
    if cs <= s and ce >= e:
        if not new:
            return None
        return relocate(region, new, base=cs, near=s - cs)
    if s <= cs and ce <= e:
        text = region.text
        if text is not None and text[cs - s : ce - s] == new:
            return region  # rewritten with the same text
        if text is not None:
            text = _bounded(text[: cs - s] + new + text[ce - s :])
        return replace(region, end=e + delta, text=text, edited=True)
    if cs < s:  # across the start: keep the tail
        return replace(
            region, start=cs + len(new), end=e + delta, text=_cut(region.text, ce - s), edited=True
        )
    # across the end: keep the head
    return replace(region, end=cs, text=_cut(region.text, 0, cs - s), edited=True)


def track(regions: Iterable[Region], changes: Sequence[TextChange]) -> list[Region]:
    """Regions that survive ``changes``, moved; retired ones are left out."""
    alive = list(regions)
    for change in changes:
        moved = (track_one(region, change) for region in alive)
        alive = [region for region in moved if region is not None and region.end > region.start]
    return alive
