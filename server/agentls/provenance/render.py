"""Hover text for generated regions: Markdown, or plain text for clients without it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from agentls.provenance.model import Region, RunRecord
from agentls.textutil import shorten

MAX_EXPLANATION_CHARS = 4_000
EDITED_NOTE = "Edited since it was generated."


def when(created_at: str, now: datetime | None = None) -> str:
    """``2026-11-26 13:20 UTC (5 min ago)``; the raw string if it does not parse."""
    try:
        then = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    then = then.astimezone(UTC)
    stamp = then.strftime("%Y-%m-%d %H:%M UTC")
    now = now or datetime.now(UTC)
    return f"{stamp} ({_ago((now - then).total_seconds())})"


def _ago(seconds: float) -> str:
    if seconds < 60:
        return "just now"
    for unit, size in (("day", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            count = int(seconds // size)
            plural = "s" if unit == "day" and count > 1 else ""
            return f"{count} {unit}{plural} ago"
    return "just now"


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _tokens(record: RunRecord) -> str | None:
    if record.input_tokens is None and record.output_tokens is None:
        return None
    return f"{record.input_tokens or 0:,} in / {record.output_tokens or 0:,} out tokens"


Lookup = Callable[[str], RunRecord | None]


def _section(
    region: Region, record: RunRecord, lookup: Lookup, markdown: bool, now: datetime | None
) -> str:
    verb = "Explained" if record.mode == "explain" else "Generated"
    explainer = lookup(region.explained_by) if region.explained_by else None
    explanation = shorten(
        region.explanation or record.explanation or "(the model gave no explanation)",
        MAX_EXPLANATION_CHARS,
    )
    details = [when(record.created_at, now), record.provider, _tokens(record)]
    meta = " · ".join(d for d in details if d)

    def emph(text: str) -> str:
        return f"*{text}*" if markdown else text

    def code(text: str) -> str:
        return f"`{text}`" if markdown else text

    heading = f"{verb} by {record.agent} with {code(record.model)}"
    lines = [f"#### {heading}", "", emph(meta), ""] if markdown else [heading, meta, ""]
    lines += [explanation, ""]
    if record.checks:
        lines += [emph(f"checks: {record.checks}"), ""]
    if explainer is not None:
        by = f"{explainer.agent} with {code(explainer.model)}"
        lines += [emph(f"Explained by {by}, {when(explainer.created_at, now)}"), ""]
    if record.instruction:
        if markdown:
            lines += ["**Instruction**", "", _fence(record.instruction), ""]
        else:
            lines += ["Instruction:", record.instruction, ""]
    if region.edited and record.mode != "explain":
        lines += [emph(EDITED_NOTE), ""]
    return "\n".join(lines).strip()


def hover_text(
    found: Sequence[tuple[Region, RunRecord]],
    lookup: Lookup,
    markdown: bool = True,
    now: datetime | None = None,
) -> str | None:
    """The hover for the regions under the cursor (innermost first), or None."""
    if not found:
        return None
    parts = [_section(region, record, lookup, markdown, now) for region, record in found]
    return ("\n\n---\n\n" if markdown else "\n\n").join(parts)
