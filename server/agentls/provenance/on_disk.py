"""The ledger without an editor: record a run the CLI applied, undo a run on disk.

Files are read and written whole (atomically, their mode kept); the ledger is loaded
from its file and saved back. An editor holding the same files open sees the change
as any outside edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agentls.config import ProvenanceSettings
from agentls.edits.model import ChangeSet
from agentls.files import read_utf8, write_atomically
from agentls.provenance.ledger import Ledger, regions_for_change
from agentls.provenance.model import RunRecord
from agentls.provenance.review import apply_restores, plan_undo, undo_message
from agentls.provenance.store import ledger_path, load, save


@dataclass
class DiskUndo:
    status: str  # "undone" | "partial" | "refused"
    message: str = ""
    restored: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    left_alone: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # about the ledger file itself


def open_ledger(
    root: Path, settings: ProvenanceSettings, env: Mapping[str, str]
) -> tuple[Ledger, Path, list[str]]:
    ledger = Ledger(settings.max_runs)
    file = ledger_path(root, settings.state_dir, env)
    return ledger, file, load(file, ledger)


def record_applied(
    root: Path,
    settings: ProvenanceSettings,
    env: Mapping[str, str],
    record: RunRecord,
    changes: ChangeSet,
) -> list[str]:
    """Add a run the CLI wrote to disk; returns problems (never raises)."""
    if not settings.enabled:
        return []
    ledger, file, problems = open_ledger(root, settings, env)
    regions = [
        r for c in changes.files for r in regions_for_change(record.run_id, c, record.explanation)
    ]
    ledger.record_run(record, regions)
    for change in changes.files:
        ledger.observe(change.path, change.new_text)
    problem = save(file, ledger, root)
    return [*problems, *([problem] if problem else [])]


def undo_on_disk(
    root: Path, settings: ProvenanceSettings, env: Mapping[str, str], run_id: str
) -> DiskUndo:
    ledger, file, problems = open_ledger(root, settings, env)

    texts: dict[str, str | None] = {}

    def text_of(path: str) -> str | None:
        """Read once; the regions are fitted to what is on disk now, before planning."""
        if path not in texts:
            texts[path] = read_utf8(root / path)
            if texts[path] is not None:
                ledger.reanchor(path, texts[path] or "")
        return texts[path]

    plan = plan_undo(ledger, run_id, text_of)
    if plan is None:
        known = ", ".join(r.run_id for r in ledger.records[-5:] if r.mode == "implement")
        hint = f" Recent runs: {known}." if known else " The ledger has no runs."
        return DiskUndo("refused", f"run {run_id} is not in the ledger.{hint}", problems=problems)
    result = DiskUndo("undone", problems=problems, left_alone=dict(plan.left_alone))
    for path, restores in sorted(plan.restores.items()):
        text = text_of(path)
        if text is None:
            result.left_alone[path] = "it cannot be read"
            continue
        try:
            write_atomically(
                root / path, apply_restores(text, restores), overwrite=True, keep_mode=True
            )
        except OSError as error:
            result.left_alone[path] = f"could not write it: {error.strerror or error}"
            continue
        for item in restores:
            ledger.forget_region(item.region_id)
        result.restored.append(path)
    for path in plan.deletes:
        try:
            (root / path).unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            result.left_alone[path] = f"could not delete it: {error.strerror or error}"
            continue
        ledger.forget(run_id, path)
        result.deleted.append(path)
    problem = save(file, ledger, root)
    if problem:
        result.problems.append(problem)
    if not result.restored and not result.deleted:
        result.status = "refused"
    elif result.left_alone:
        result.status = "partial"
    result.message = undo_message(plan.agent, result.restored, result.deleted, result.left_alone)
    return result
