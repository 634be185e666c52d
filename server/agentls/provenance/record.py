"""The ledger's record of a finished run, from the engine's outcome (plain data)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentls.provenance.model import MAX_INSTRUCTION_CHARS, RecordMode, RunRecord
from agentls.textutil import shorten

if TYPE_CHECKING:
    from agentls.engine.model import RunOutcome


def now_iso() -> str:
    from datetime import UTC, datetime  # off the start-up path: it costs ~20 ms to import

    return datetime.now(UTC).isoformat(timespec="seconds")


def run_record(
    outcome: RunOutcome, *, agent: str | None = None, mode: RecordMode = "implement"
) -> RunRecord:
    """The ledger's record of a finished run (an Explain run is always a selection's)."""
    return RunRecord(
        run_id=outcome.run_id,
        agent=agent or outcome.agent,
        provider=outcome.provider,
        model=outcome.model,
        created_at=now_iso(),
        instruction=shorten(outcome.instruction, MAX_INSTRUCTION_CHARS),
        scope="selection" if mode == "explain" else outcome.scope,
        explanation=outcome.explanation,
        input_tokens=outcome.input_tokens,
        output_tokens=outcome.output_tokens,
        mode=mode,
        checks=", ".join(r.summary for r in outcome.checks),
        created=tuple(f.path for f in outcome.changes.files if f.kind == "create"),
    )
