"""Region markers for readable tests: ``"ab«cd»ef"`` is the text ``abcdef`` with a
region over ``cd``."""

from __future__ import annotations

from agentls.provenance.ledger import make_region
from agentls.provenance.model import Region, TextChange

OPEN, CLOSE = "«", "»"


def parse(marked: str, run_id: str = "run1", path: str = "a.py") -> tuple[str, Region]:
    start = marked.index(OPEN)
    end = marked.index(CLOSE) - 1
    text = marked.replace(OPEN, "").replace(CLOSE, "")
    return text, make_region(run_id, path, text, start, end)


def mark(text: str, region: Region) -> str:
    return (
        text[: region.start] + OPEN + text[region.start : region.end] + CLOSE + text[region.end :]
    )


def apply(text: str, changes: list[TextChange]) -> str:
    for c in changes:
        text = text[: c.start] + c.new_text + text[c.end :]
    return text
