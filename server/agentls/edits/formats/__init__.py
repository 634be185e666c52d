"""One small parser per answer form. Each takes text and returns blocks plus problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from agentls.edits.blocks import Block
from agentls.edits.model import Problem


@dataclass(slots=True)
class FormatResult:
    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: FormatResult) -> None:
        self.blocks.extend(other.blocks)
        self.problems.extend(other.problems)
