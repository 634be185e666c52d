"""An agent definition: plain data read from a markdown file with YAML frontmatter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AgentMode = Literal["subagent", "primary", "all"]
AgentRole = Literal["implement", "plan"]


@dataclass(frozen=True, slots=True)
class AgentSpec:
    name: str  # from the file name (opencode) or `name:` (Claude Code)
    description: str
    prompt: str  # the markdown body: the system prompt
    source: str  # absolute path of the file it came from
    origin: str  # which search location: "bundled", "user", "opencode", "claude", "workspace", ...
    mode: AgentMode = "all"
    model: str | None = None  # applies to this agent only; AGENTLS_MODEL overrides it
    temperature: float | None = None
    hidden: bool = False
    disable: bool = False
    selection_title: str | None = None  # frontmatter `agentls: {titles: {selection, workspace}}`
    workspace_title: str | None = None
    edit_format: str | None = None  # "whole" | "search-replace" | "udiff" | None (settings decide)
    # `agentls: {role: plan}`: the agent writes a plan (a markdown file), never code.
    role: AgentRole = "implement"
    implementer: str | None = None  # `agentls: {implementer: NAME}`: who implements its plans

    @property
    def offers_actions(self) -> bool:
        return not (self.hidden or self.disable or self.mode == "primary")

    @property
    def offered_titles(self) -> tuple[str, ...]:
        """The titles of the code actions it offers: one for a planner, else two."""
        if not self.offers_actions:
            return ()
        first, second = self.action_titles
        return (first,) if self.role == "plan" else (first, second)

    @property
    def action_titles(self) -> tuple[str, str]:
        if self.role == "plan":
            title = self.selection_title or self.workspace_title or f"Plan with {self.name}"
            return title, title
        return (
            self.selection_title or f"Run {self.name}",
            self.workspace_title or f"Run {self.name} in workspace",
        )


@dataclass(frozen=True, slots=True)
class AgentLoadError:
    """A file that looked like an agent but could not be used; reported, then skipped."""

    source: str
    message: str
