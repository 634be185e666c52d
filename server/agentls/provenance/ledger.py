"""The provenance ledger of one workspace: runs, and the regions they produced.

Plain data in memory; `store` persists it. Every mutation sets ``dirty`` so the
caller can save on its own schedule (debounced). Runs whose regions are all gone
are dropped; beyond ``max_runs`` the oldest runs expire.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from agentls.edits.model import FileChange
from agentls.provenance.anchor import relocate
from agentls.provenance.model import (
    MAX_ANCHOR_CHARS,
    Region,
    RunRecord,
    TextChange,
    content_hash,
)
from agentls.provenance.tracking import track

Attributed = tuple[Region, RunRecord]


@dataclass(frozen=True, slots=True)
class ReanchorResult:
    kept: int = 0
    moved: int = 0
    dropped: int = 0


def new_region_id() -> str:
    return uuid.uuid4().hex[:12]


def make_region(
    run_id: str,
    path: str,
    text: str,
    start: int,
    end: int,
    explanation: str | None = None,
    original: str | None = None,
) -> Region:
    """A fresh region over ``text[start:end]``; ``original``: what it replaced."""
    generated = text[start:end]
    return Region(
        region_id=new_region_id(),
        run_id=run_id,
        path=path,
        start=start,
        end=end,
        content_hash=content_hash(generated),
        text=generated if len(generated) <= MAX_ANCHOR_CHARS else None,
        explanation=explanation,
        original=original if original is not None and len(original) <= MAX_ANCHOR_CHARS else None,
    )


@dataclass(frozen=True, slots=True)
class Hunk:
    """One generated span: ``new_text[start:end]`` replaced ``old_text[old_start:old_end]``."""

    start: int
    end: int
    old_start: int
    old_end: int


def hunks(change: FileChange) -> list[Hunk]:
    """Where ``change``'s edits lie in its new text, each with the old span it replaced.

    Spans separated only by blank space are merged, so a block of generated code
    that happens to share a blank line with the old text stays one hunk. A hunk that
    only deletes is widened to the next line (the previous one at the end of the
    file), so it has text to find again and to revert.
    """
    found: list[Hunk] = []
    delta = 0
    for edit in sorted(change.edits, key=lambda e: (e.start, e.end)):
        start = edit.start + delta
        hunk = Hunk(start, start + len(edit.new_text), edit.start, edit.end)
        delta += len(edit.new_text) - (edit.end - edit.start)
        if found and not change.new_text[found[-1].end : start].strip():
            last = found[-1]
            found[-1] = Hunk(last.start, hunk.end, last.old_start, hunk.old_end)
        else:
            found.append(hunk)
    widened = [_widened(h, change.new_text) for h in found]
    merged: list[Hunk] = []
    for hunk in widened:
        if hunk.end <= hunk.start:
            continue
        if merged and hunk.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Hunk(last.start, max(last.end, hunk.end), last.old_start, hunk.old_end)
        else:
            merged.append(hunk)
    if not merged and change.kind == "create" and change.new_text:
        merged.append(Hunk(0, len(change.new_text), 0, 0))
    return merged


def _widened(hunk: Hunk, new_text: str) -> Hunk:
    if hunk.end > hunk.start:
        return hunk
    at = hunk.start
    if at < len(new_text):
        newline = new_text.find("\n", at)
        end = len(new_text) if newline < 0 else newline + 1
        return Hunk(at, end, hunk.old_start, hunk.old_end + (end - at))
    begin = new_text.rfind("\n", 0, max(at - 1, 0)) + 1
    return Hunk(begin, at, hunk.old_start - (at - begin), hunk.old_end)


def generated_spans(change: FileChange) -> list[tuple[int, int]]:
    """Where ``change``'s generated text lies in its new text (see `hunks`)."""
    return [(h.start, h.end) for h in hunks(change)]


def part_explanation(explanation: str, path: str) -> str | None:
    """The paragraphs of ``explanation`` that name ``path`` (or its file name), when
    they are only some of them; None means "use the whole explanation"."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", explanation) if p.strip()]
    name = PurePosixPath(path).name
    mine = [p for p in paragraphs if path in p or name in p]
    if not mine or len(mine) == len(paragraphs):
        return None
    return "\n\n".join(mine)


def regions_for_change(run_id: str, change: FileChange, explanation: str = "") -> list[Region]:
    part = part_explanation(explanation, change.path)
    return [
        make_region(
            run_id,
            change.path,
            change.new_text,
            h.start,
            h.end,
            part,
            original="" if change.kind == "create" else change.old_text[h.old_start : h.old_end],
        )
        for h in hunks(change)
    ]


class Ledger:
    def __init__(self, max_runs: int = 500) -> None:
        self.max_runs = max_runs
        self.dirty = False
        self._records: dict[str, RunRecord] = {}  # oldest first
        self._regions: dict[str, list[Region]] = {}  # path -> regions sorted by start
        self._seen: dict[str, str] = {}  # path -> hash of the file text last seen

    # -- reading -----------------------------------------------------------

    @property
    def records(self) -> list[RunRecord]:
        return list(self._records.values())

    @property
    def paths(self) -> list[str]:
        return sorted(self._regions)

    def seen_hash(self, path: str) -> str | None:
        return self._seen.get(path)

    @property
    def seen(self) -> dict[str, str]:
        return dict(self._seen)

    def record(self, run_id: str) -> RunRecord | None:
        return self._records.get(run_id)

    def regions_in(self, path: str) -> list[Attributed]:
        return [(r, self._records[r.run_id]) for r in self._regions.get(path, ())]

    def regions_at(self, path: str, offset: int) -> list[Attributed]:
        """Regions covering ``offset``, innermost (shortest) first."""
        found = [(r, rec) for r, rec in self.regions_in(path) if r.contains(offset)]
        return sorted(found, key=lambda pair: pair[0].length)

    def region(self, region_id: str) -> Attributed | None:
        for regions in self._regions.values():
            for r in regions:
                if r.region_id == region_id:
                    return r, self._records[r.run_id]
        return None

    # -- writing -----------------------------------------------------------

    def record_run(self, record: RunRecord, regions: Iterable[Region]) -> None:
        """Add a run and its regions; a run with no region is not kept."""
        regions = [r for r in regions if r.end > r.start]
        if not regions:
            return
        self._records.pop(record.run_id, None)
        self._records[record.run_id] = record
        for path in {r.path for r in regions}:
            mine = [r for r in regions if r.path == path]
            before = self._regions.get(path, [])
            # A later run that rewrites all of an earlier one's hunk takes it over.
            kept = [r for r in before if not self._superseded(r, mine, record.run_id)]
            self._note_retired(path, before, kept)
            self._set(path, [*kept, *mine])
        self._collect()
        self._expire()
        self.dirty = True

    def _superseded(self, old: Region, new: list[Region], run_id: str) -> bool:
        record = self._records.get(old.run_id)
        return (
            old.run_id != run_id
            and record is not None
            and record.mode == "implement"
            and any(n.start <= old.start and old.end <= n.end for n in new)
        )

    def supersede(self, region_id: str) -> bool:
        """A later run (Refine) took this region over: it leaves, and its run's Undo
        leaves the file alone (the code there is no longer what that run wrote)."""
        found = self.region(region_id)
        if found is None:
            return False
        path = found[0].path
        before = self._regions.get(path, [])
        after = [r for r in before if r.region_id != region_id]
        self._note_retired(path, before, after)
        self._set(path, after)
        self._collect()
        self.dirty = True
        return True

    def restore(
        self, records: Iterable[RunRecord], regions: Iterable[Region], seen: dict[str, str]
    ) -> None:
        """Replace the whole content (from the store); regions of unknown runs are left out."""
        self._records = {rec.run_id: rec for rec in records}
        self._regions = {}
        by_path: dict[str, list[Region]] = {}
        for r in regions:
            if r.run_id in self._records:
                by_path.setdefault(r.path, []).append(r)
        for path, found in by_path.items():
            self._set(path, found)
        self._seen = dict(seen)
        self._collect()
        self._expire()
        self.dirty = False

    def apply_changes(self, path: str, changes: Sequence[TextChange]) -> bool:
        """Follow an open document's edits; True when any region moved or changed."""
        before = self._regions.get(path)
        if not before or not changes:
            return False
        after = track(before, changes)
        if after == before:
            return False
        self._note_retired(path, before, after)
        self._set(path, after)
        self._collect()
        self.dirty = True
        return True

    def observe(self, path: str, text: str) -> None:
        """Remember ``text`` as the file's current content (regions already match it)."""
        digest = content_hash(text)
        regions = self._regions.get(path, [])
        fresh = [
            replace(r, text=text[r.start : r.end] if r.length <= MAX_ANCHOR_CHARS else None)
            for r in regions
            if r.end <= len(text)
        ]
        if fresh != regions:
            self._set(path, fresh)
            self._collect()
            self.dirty = True
        if self._seen.get(path) != digest and (regions or path in self._seen):
            self._seen[path] = digest
            self.dirty = True

    def reanchor(self, path: str, text: str, force: bool = False) -> ReanchorResult:
        """Fit regions to ``text`` when it may differ from what the ledger last saw.

        ``force``: check every region even if ``text`` is the text last seen.
        """
        regions = self._regions.get(path)
        if not regions:
            return ReanchorResult()
        if not force and self._seen.get(path) == content_hash(text):
            return ReanchorResult(kept=len(regions))
        kept = moved = 0
        alive: list[Region] = []
        for r in regions:
            if r.text is not None and text[r.start : r.end] == r.text:
                alive.append(r)
                kept += 1
                continue
            found = relocate(r, text)
            if found is not None:
                alive.append(found)
                moved += 1
        self._note_retired(path, regions, alive)
        self._set(path, alive)
        self._collect()
        self.observe(path, text)
        self.dirty = True
        return ReanchorResult(kept=kept, moved=moved, dropped=len(regions) - len(alive))

    def forget(self, run_id: str, path: str | None = None) -> int:
        """Drop a run's regions (in one file, or all); returns how many went."""
        dropped = 0
        for p in [path] if path is not None else list(self._regions):
            regions = self._regions.get(p, [])
            alive = [r for r in regions if r.run_id != run_id]
            dropped += len(regions) - len(alive)
            self._set(p, alive)
        if path is None:
            self._records.pop(run_id, None)
        self._collect()
        self.dirty = self.dirty or dropped > 0
        return dropped

    def forget_region(self, region_id: str) -> bool:
        found = self.region(region_id)
        if found is None:
            return False
        region = found[0]
        self._set(region.path, [r for r in self._regions[region.path] if r.region_id != region_id])
        self._collect()
        self.dirty = True
        return True

    def keep(self, region_id: str) -> bool:
        """Accept a region: it stays in provenance, its original text is forgotten."""
        found = self.region(region_id)
        if found is None or found[0].original is None:
            return False
        region = found[0]
        kept = replace(region, original=None)
        self._set(region.path, [kept if r is region else r for r in self._regions[region.path]])
        self.dirty = True
        return True

    def put_back(self, region: Region, record: RunRecord) -> None:
        """Return a region taken out for a revert the editor then refused."""
        self._records.setdefault(record.run_id, record)
        regions = self._regions.get(region.path, [])
        if all(r.region_id != region.region_id for r in regions):
            self._set(region.path, [*regions, region])
        self.dirty = True

    def set_explanation(
        self, path: str, start: int, end: int, explanation: str, record: RunRecord, text: str
    ) -> Region:
        """Store an Explain run's answer for ``text[start:end]`` of ``path``.

        A region spanning exactly that range takes the explanation; otherwise the
        range becomes a region of its own, attributed to the Explain run.
        """
        self._records.pop(record.run_id, None)
        self._records[record.run_id] = record
        regions = self._regions.get(path, [])
        for i, r in enumerate(regions):
            if (r.start, r.end) == (start, end) and r.run_id != record.run_id:
                updated = replace(r, explanation=explanation, explained_by=record.run_id)
                self._set(path, [*regions[:i], updated, *regions[i + 1 :]])
                break
        else:
            updated = make_region(record.run_id, path, text, start, end, explanation)
            self._set(path, [*regions, updated])
        self._expire()
        self.dirty = True
        return updated

    # -- housekeeping ------------------------------------------------------

    def _note_retired(self, path: str, before: list[Region], after: list[Region]) -> None:
        """Runs that lost a region of ``path`` to the user's edits: Undo leaves it alone."""
        alive = {r.region_id for r in after}
        for run_id in {r.run_id for r in before if r.region_id not in alive}:
            record = self._records.get(run_id)
            if record is not None and path not in record.disturbed:
                self._records[run_id] = replace(record, disturbed=(*record.disturbed, path))

    def _set(self, path: str, regions: list[Region]) -> None:
        if regions:
            self._regions[path] = sorted(regions, key=lambda r: (r.start, -r.end))
        else:
            self._regions.pop(path, None)

    def _collect(self) -> None:
        """Drop runs that no longer own or explain any region."""
        used = {r.run_id for rs in self._regions.values() for r in rs}
        used |= {r.explained_by for rs in self._regions.values() for r in rs if r.explained_by}
        for run_id in [k for k in self._records if k not in used]:
            del self._records[run_id]
        for path in [p for p in self._seen if p not in self._regions]:
            del self._seen[path]

    def _expire(self) -> None:
        while len(self._records) > self.max_runs:
            oldest = next(iter(self._records))
            del self._records[oldest]
            for path in list(self._regions):
                self._set(path, [r for r in self._regions[path] if r.run_id != oldest])
            for rs in self._regions.values():
                rs[:] = [
                    replace(r, explained_by=None, explanation=None)
                    if r.explained_by == oldest
                    else r
                    for r in rs
                ]
        self._collect()
