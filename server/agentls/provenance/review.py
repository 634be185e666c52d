"""Revert one generated hunk, or undo a whole run: what to write back, as plain data.

A hunk goes back only while its text is still exactly what the run wrote (its
content hash): anything the user typed there since is theirs, and reverting would
lose it. Undo takes a file whole or not at all: a file where the user edited or
removed part of what the run wrote is left alone, and named with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agentls.provenance.ledger import Ledger
from agentls.provenance.model import Region, RunRecord, content_hash


@dataclass(frozen=True, slots=True)
class Restore:
    """Put ``original`` back over ``[start, end)`` of ``path``'s current text."""

    path: str
    start: int
    end: int
    original: str
    region_id: str


@dataclass(frozen=True, slots=True)
class UndoPlan:
    run_id: str
    agent: str
    restores: dict[str, list[Restore]] = field(default_factory=dict)  # path -> hunks
    deletes: list[str] = field(default_factory=list)  # files the run created
    left_alone: dict[str, str] = field(default_factory=dict)  # path -> why

    @property
    def empty(self) -> bool:
        return not self.restores and not self.deletes


TextOf = Callable[[str], str | None]


def unchanged(region: Region, text: str) -> bool:
    return content_hash(text[region.start : region.end]) == region.content_hash


def revert_hunk(region: Region, record: RunRecord, text: str | None) -> Restore | str:
    """How to revert ``region``, or why it cannot be."""
    if text is None:
        return f"{region.path} is gone or unreadable"
    if region.original is None:
        return "this change was kept, so its original text is no longer held"
    if region.edited or not unchanged(region, text):
        return (
            f"you edited this code since {record.agent} wrote it; reverting would lose your "
            "edits. Undo them first, or edit it by hand"
        )
    return Restore(region.path, region.start, region.end, region.original, region.region_id)


def whole_created_file(region: Region, record: RunRecord, text: str) -> bool:
    """``region`` is the whole of a file the run created, untouched since."""
    return (
        region.path in record.created
        and region.original == ""
        and (region.start, region.end) == (0, len(text))
        and unchanged(region, text)
    )


def plan_undo(ledger: Ledger, run_id: str, text_of: TextOf) -> UndoPlan | None:
    """Everything that undoes ``run_id`` where the user left its code alone; None when
    the ledger no longer knows the run."""
    record = ledger.record(run_id)
    if record is None or record.mode != "implement":
        return None
    plan = UndoPlan(run_id, record.agent)
    paths = sorted({*_paths_of(ledger, run_id), *record.created, *record.disturbed})
    for path in paths:
        text = text_of(path)  # first: it may fit the regions to the file
        mine = [r for r, _ in ledger.regions_in(path) if r.run_id == run_id]
        why = _why_left_alone(path, mine, record, text)
        if why:
            plan.left_alone[path] = why
            continue
        assert text is not None
        if len(mine) == 1 and whole_created_file(mine[0], record, text):
            plan.deletes.append(path)
            continue
        plan.restores[path] = [
            Restore(path, r.start, r.end, r.original, r.region_id)
            for r in mine
            if r.original is not None
        ]
    return plan


def _paths_of(ledger: Ledger, run_id: str) -> set[str]:
    return {p for p in ledger.paths for r, _ in ledger.regions_in(p) if r.run_id == run_id}


def _why_left_alone(
    path: str, mine: list[Region], record: RunRecord, text: str | None
) -> str | None:
    if text is None:
        return "it was deleted or cannot be read"
    if path in record.disturbed:
        return "you changed or removed part of what the run wrote there"
    if not mine:
        return "none of what the run wrote there is left"
    edited = [r for r in mine if r.edited or not unchanged(r, text)]
    if edited:
        line = text.count("\n", 0, edited[0].start) + 1
        return f"you edited what the run wrote there, near line {line}"
    if all(r.original is None for r in mine):
        return "you kept every change the run made there"
    if path in record.created and any(r.original is None for r in mine):
        return "you kept part of this new file"
    return None


def apply_restores(text: str, restores: list[Restore]) -> str:
    """``text`` with ``restores`` applied (they never overlap: regions do not)."""
    for item in sorted(restores, key=lambda r: r.start, reverse=True):
        text = text[: item.start] + item.original + text[item.end :]
    return text


def undo_message(
    agent: str, restored: list[str], deleted: list[str], left_alone: dict[str, str]
) -> str:
    """One sentence for the user: what went back, what went, what was left and why."""
    parts = [f"restored {', '.join(restored)}" if restored else ""]
    parts.append(f"deleted {', '.join(deleted)}" if deleted else "")
    done = "; ".join(p for p in parts if p)
    text = f"undid {agent}'s run: {done}." if done else f"nothing of {agent}'s run was undone."
    if left_alone:
        named = "; ".join(f"{path} ({why})" for path, why in sorted(left_alone.items()))
        text += f" Left alone: {named}."
    return text
