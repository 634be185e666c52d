"""Find agent files in their search folders and keep the winner for each name.

Search order, lowest to highest priority (a later folder shadows an earlier one):
  bundled, `$XDG_CONFIG_HOME/agentls/agents`, `~/.config/opencode/agent(s)`,
  `~/.claude/agents`, `settings.agents.paths` (relative to the workspace), then the
  workspace's `.agentls/agents`, `.opencode/agent(s)`, `.claude/agents`.
Only top-level `*.md` files are read (not README.md); this only lists folders and reads
small files, so it is cheap enough to rerun on every configuration change.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import agentls
from agentls.agents.loader import parse_agent_file
from agentls.agents.model import AgentLoadError, AgentSpec
from agentls.config import Settings
from agentls.settings_loader import user_config_dir


@dataclass(frozen=True, slots=True)
class SearchLocation:
    origin: str  # "bundled", "user", "opencode-user", "claude-user", "settings", "workspace", ...
    folder: Path


@dataclass(frozen=True, slots=True)
class ShadowedAgent:
    agent: AgentSpec  # the one that lost
    by: AgentSpec  # the one that won


@dataclass(frozen=True, slots=True)
class AgentRegistry:
    agents: tuple[AgentSpec, ...] = ()  # the default agent first, then by name
    errors: tuple[AgentLoadError, ...] = ()
    shadowed: tuple[ShadowedAgent, ...] = ()
    default_name: str = "backend-developer"

    def get(self, name: str) -> AgentSpec | None:
        return next((a for a in self.agents if a.name == name), None)

    def actionable(self) -> tuple[AgentSpec, ...]:
        return tuple(a for a in self.agents if a.offers_actions)

    def default(self) -> AgentSpec | None:
        """The configured default agent, else the first actionable one."""
        chosen = self.get(self.default_name)
        if chosen is not None and chosen.offers_actions:
            return chosen
        actionable = self.actionable()
        return actionable[0] if actionable else None


def discover_agents(
    *,
    workspace_root: Path | None,
    settings: Settings,
    env: Mapping[str, str],
    home: Path | None = None,
) -> AgentRegistry:
    """Read every agent file in the search folders. Never raises."""
    locations = search_locations(
        workspace_root=workspace_root, settings=settings, env=env, home=home
    )
    winners: dict[str, AgentSpec] = {}
    shadowed: list[ShadowedAgent] = []
    errors: list[AgentLoadError] = []
    for location in locations:
        for path in _agent_files(location.folder):
            parsed = parse_agent_file(path, location.origin)
            if isinstance(parsed, AgentLoadError):
                errors.append(parsed)
                continue
            previous = winners.get(parsed.name)
            if previous is not None:
                if previous.source == parsed.source:
                    continue  # the same folder listed twice
                shadowed.append(ShadowedAgent(agent=previous, by=parsed))
            winners[parsed.name] = parsed
    default_name = settings.agents.default
    ordered = sorted(winners.values(), key=lambda a: (a.name != default_name, a.name))
    return AgentRegistry(tuple(ordered), tuple(errors), tuple(shadowed), default_name)


def search_locations(
    *,
    workspace_root: Path | None,
    settings: Settings,
    env: Mapping[str, str],
    home: Path | None = None,
) -> tuple[SearchLocation, ...]:
    """Every folder searched, lowest priority first (folders may not exist)."""
    home_dir = home if home is not None else Path(env.get("HOME") or Path.home())
    config = user_config_dir(env, home_dir)
    locations = [SearchLocation("bundled", folder) for folder in _bundled_folders()]
    locations += [
        SearchLocation("user", config / "agentls" / "agents"),
        SearchLocation("opencode-user", config / "opencode" / "agent"),
        SearchLocation("opencode-user", config / "opencode" / "agents"),
        SearchLocation("claude-user", home_dir / ".claude" / "agents"),
    ]
    for extra in settings.agents.paths:
        folder = home_dir / extra[2:] if extra.startswith("~/") else Path(extra)
        if not folder.is_absolute():
            if workspace_root is None:
                continue
            folder = workspace_root / folder
        locations.append(SearchLocation("settings", folder))
    if workspace_root is not None:
        locations += [
            SearchLocation("workspace", workspace_root / ".agentls" / "agents"),
            SearchLocation("opencode", workspace_root / ".opencode" / "agent"),
            SearchLocation("opencode", workspace_root / ".opencode" / "agents"),
            SearchLocation("claude", workspace_root / ".claude" / "agents"),
        ]
    return tuple(locations)


def _bundled_folders() -> Iterator[Path]:
    """The wheel's `agentls/bundled_agents`, else the source tree's top-level `agents/`."""
    try:
        packaged = Path(str(importlib.resources.files("agentls") / "bundled_agents"))
    except (ModuleNotFoundError, TypeError):
        packaged = None
    if packaged is not None and packaged.is_dir():
        yield packaged
        return
    yield Path(agentls.__file__).resolve().parents[2] / "agents"


def _agent_files(folder: Path) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [
        path
        for path in entries
        if path.suffix == ".md" and path.name.lower() != "readme.md" and path.is_file()
    ]
