"""One workspace's provenance, fed by editor events: the ledger, its file, saving.

No LSP types: the language server adapts its events to these calls. Saving is
immediate for runs and explanations (rare, precious) and debounced for tracking
(every keystroke) when an asyncio loop is running.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from agentls.config import ProvenanceSettings
from agentls.edits.model import ChangeSet
from agentls.provenance.ledger import Ledger, regions_for_change
from agentls.provenance.model import Region, RunRecord, TextChange
from agentls.provenance.store import ledger_path, load, save

log = logging.getLogger("agentls.provenance")

SAVE_DELAY = 1.0  # seconds of quiet before tracking changes are written
PENDING_DELAY = 1.0  # seconds to wait for the editor to report an applied edit


class ProvenanceService:
    def __init__(
        self,
        root: Path,
        settings: ProvenanceSettings,
        text_of: Callable[[str], str | None],
        report: Callable[[str], None],
        env: Mapping[str, str] | None = None,
    ) -> None:
        """``text_of(path)``: the open document's text, None when not open.
        ``report(message)``: tell the user about a problem (shown, not raised)."""
        self.root = root
        self.settings = settings
        self.ledger = Ledger(settings.max_runs)
        self.file = ledger_path(root, settings.state_dir, env)
        self._text_of = text_of
        self._report = report
        self._pending: dict[str, list[tuple[RunRecord, list[Region]]]] = {}
        self._save_timer: asyncio.TimerHandle | None = None

    def load(self) -> None:
        for problem in load(self.file, self.ledger):
            self._report(problem)

    # -- runs --------------------------------------------------------------

    def applied(self, record: RunRecord, changes: ChangeSet) -> None:
        """Record an applied run. Where the editor does not hold the new text yet,
        wait for its next report, then fit the regions by content."""
        for change in changes.files:
            regions = regions_for_change(record.run_id, change, record.explanation)
            current = self._text_of(change.path)
            if current is None or current == change.new_text:
                self.ledger.record_run(record, regions)
                if current is not None:
                    self.ledger.observe(change.path, current)
                continue
            self._pending.setdefault(change.path, []).append((record, regions))
            self._later(PENDING_DELAY, partial(self._settle_now, change.path))
        self.flush()

    def explained(
        self, record: RunRecord, path: str, start: int, end: int, text: str, explanation: str
    ) -> Region:
        region = self.ledger.set_explanation(path, start, end, explanation, record, text)
        self.ledger.observe(path, text)
        self.flush()
        return region

    def forget_region(self, region_id: str) -> bool:
        forgotten = self.ledger.forget_region(region_id)
        self.flush()
        return forgotten

    # -- document events ---------------------------------------------------

    def opened(self, path: str, text: str) -> None:
        result = self.ledger.reanchor(path, text)
        if result.moved or result.dropped:
            log.info("re-anchored %s: %s", path, result)
        self._settle(path, text)
        self._save_soon()

    def changed(self, path: str, changes: Sequence[TextChange], new_text: str) -> None:
        if self.ledger.apply_changes(path, changes) or self.ledger.regions_in(path):
            self.ledger.observe(path, new_text)
        self._settle(path, new_text)
        self._save_soon()

    def closed(self, path: str) -> None:
        self.flush()

    # -- saving ------------------------------------------------------------

    def flush(self) -> None:
        if self._save_timer is not None:
            self._save_timer.cancel()
            self._save_timer = None
        if self.ledger.dirty:
            problem = save(self.file, self.ledger, self.root)
            if problem:
                self._report(problem)

    def _save_soon(self) -> None:
        if not self.ledger.dirty or self._save_timer is not None:
            return
        self._save_timer = self._later(SAVE_DELAY, self._timed_flush)

    def _timed_flush(self) -> None:
        self._save_timer = None
        self.flush()

    def _later(self, delay: float, action: Callable[[], None]) -> asyncio.TimerHandle | None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            action()
            return None
        return loop.call_later(delay, action)

    def _settle_now(self, path: str) -> None:
        text = self._text_of(path)
        if text is not None:
            self._settle(path, text)
        else:  # closed meanwhile: the edit went to disk
            for record, regions in self._pending.pop(path, []):
                self.ledger.record_run(record, regions)
        self.flush()

    def _settle(self, path: str, text: str) -> None:
        """Record runs waiting on ``path`` against its current ``text``."""
        waiting = self._pending.pop(path, None)
        if not waiting:
            return
        for record, regions in waiting:
            self.ledger.record_run(record, regions)
        self.ledger.reanchor(path, text, force=True)
