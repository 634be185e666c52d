"""Keep a workspace's ledger on disk, outside the repository.

Location: ``<state>/agentls/provenance/<sha256(workspace root)[:16]>.json`` where
``<state>`` is ``$XDG_STATE_HOME`` (default ``~/.local/state``); the setting
``provenance.state_dir`` replaces ``<state>/agentls/provenance``.

Writes are atomic (`agentls.files.write_atomically`, 0600). Nothing
here raises on a bad file: an unreadable or corrupt ledger is renamed aside to
``*.corrupt-<UTC timestamp>`` and reported as a problem string.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from agentls.files import write_atomically
from agentls.provenance.ledger import Ledger
from agentls.provenance.model import Region, RunRecord

SCHEMA_VERSION = 1


def ledger_path(
    workspace_root: str | Path, state_dir: str | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """Where the ledger of ``workspace_root`` lives."""
    env = os.environ if env is None else env
    if state_dir:
        folder = Path(state_dir).expanduser()
    else:
        state_home = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        folder = Path(state_home) / "agentls" / "provenance"
    key = hashlib.sha256(str(Path(workspace_root).resolve()).encode()).hexdigest()[:16]
    return folder / f"{key}.json"


def to_json(ledger: Ledger, workspace_root: str | Path) -> dict[str, Any]:
    regions = [asdict(r) for path in ledger.paths for r, _ in ledger.regions_in(path)]
    return {
        "schema": SCHEMA_VERSION,
        "workspace": str(workspace_root),
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": [asdict(rec) for rec in ledger.records],
        "regions": regions,
        "files": ledger.seen,
    }


_RECORD = TypeAdapter(RunRecord)
_REGION = TypeAdapter(Region)


def _region(raw: Any) -> Region:
    region = _REGION.validate_python(raw)
    if not 0 <= region.start < region.end:
        raise ValueError(f"bad region range {region.start}..{region.end}")
    return region


def from_json(data: Any, ledger: Ledger) -> list[str]:
    """Fill ``ledger`` from parsed JSON; returns problems (bad entries are skipped).

    Raises ValueError when the document as a whole is unusable.
    """
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    schema = data.get("schema")
    if schema != SCHEMA_VERSION:
        raise ValueError(f"unknown schema version {schema!r} (this agentls reads {SCHEMA_VERSION})")
    problems: list[str] = []
    records: list[RunRecord] = []
    regions: list[Region] = []
    runs, spans = data.get("runs", []), data.get("regions", [])
    if not isinstance(runs, list) or not isinstance(spans, list):
        raise ValueError("runs or regions is not a list")
    for raw in runs:
        try:
            records.append(_RECORD.validate_python(raw))
        except ValidationError as exc:
            problems.append(f"skipped a bad run entry: {exc.errors()[0]['msg']}")
    for raw in spans:
        try:
            regions.append(_region(raw))
        except ValueError as exc:  # ValidationError is a ValueError
            problems.append(f"skipped a bad region entry: {exc}")
    files = data.get("files", {})
    seen = {k: v for k, v in files.items() if isinstance(v, str)} if isinstance(files, dict) else {}
    ledger.restore(records, regions, seen)
    return problems


def _set_aside(path: Path, reason: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, target)
    except OSError as exc:
        return (
            f"provenance ledger {path} is unreadable ({reason}) and could not be set aside: {exc}"
        )
    return (
        f"provenance ledger {path} was unreadable ({reason}); "
        f"moved it to {target.name} and started afresh"
    )


def load(path: Path, ledger: Ledger) -> list[str]:
    """Fill ``ledger`` from ``path`` if it exists; returns problems, never raises."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"could not read provenance ledger {path}: {exc}"]
    try:
        return from_json(json.loads(raw.decode("utf-8")), ledger)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        ledger.restore([], [], {})
        return [_set_aside(path, str(exc) or type(exc).__name__)]


def save(path: Path, ledger: Ledger, workspace_root: str | Path) -> str | None:
    """Write ``ledger`` atomically; returns a problem string instead of raising."""
    try:
        payload = json.dumps(to_json(ledger, workspace_root), ensure_ascii=False, indent=1)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, payload, overwrite=True, mode=0o600)
    except (OSError, TypeError, ValueError) as exc:
        return f"could not save provenance ledger {path}: {exc}"
    ledger.dirty = False
    return None
