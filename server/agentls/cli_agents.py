"""`agentls agents [--workspace DIR] [--json]`: the agents found and where each came from.

Exit code 0 when at least one agent was found (problems go to stderr), 1 when none.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from agentls.agents.model import AgentSpec
from agentls.agents.registry import AgentRegistry, discover_agents, search_locations
from agentls.settings_loader import load_settings


def main(args: argparse.Namespace) -> int:
    try:
        return run(
            workspace=Path(getattr(args, "workspace", ".") or "."),
            as_json=bool(getattr(args, "json", False)),
            env=os.environ,
            out=sys.stdout,
            err=sys.stderr,
        )
    except BrokenPipeError:  # `agentls agents | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run(*, workspace: Path, as_json: bool, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    root = workspace.resolve()
    loaded = load_settings(workspace_root=root, editor_settings=None, env=env)
    registry = discover_agents(workspace_root=root, settings=loaded.settings, env=env)
    for problem in loaded.problems:
        print(f"config: {problem.render()}", file=err)
    for error in registry.errors:
        print(f"error: {error.source}: {error.message}", file=err)
    if as_json:
        json.dump(_as_json(registry), out, indent=2)
        out.write("\n")
    else:
        out.write(_as_text(registry))
    if not registry.agents:
        print("no agents found; folders searched (lowest priority first):", file=err)
        for location in search_locations(workspace_root=root, settings=loaded.settings, env=env):
            print(f"  {location.folder}  [{location.origin}]", file=err)
        return 1
    return 0


def _as_text(registry: AgentRegistry) -> str:
    lines: list[str] = []
    for agent in registry.agents:
        marks = _marks(agent, registry)
        lines.append(f"{agent.name}  [{agent.origin}]{marks}  {agent.source}")
        if agent.offers_actions:
            titles = ", ".join(repr(t) for t in agent.offered_titles)
            lines.append(f"    actions: {titles}")
            if agent.role == "plan":
                by = agent.implementer or "the default agent"
                lines.append(f"    writes plans, never code; {by} implements them")
        else:
            lines.append(f"    no code actions ({_why_not(agent)})")
    for item in registry.shadowed:
        lines.append(
            f"shadowed: {item.agent.name}  [{item.agent.origin}]  {item.agent.source}"
            f"  (by {item.by.source})"
        )
    return "".join(line + "\n" for line in lines)


def _marks(agent: AgentSpec, registry: AgentRegistry) -> str:
    marks = []
    if agent.name == registry.default_name:
        marks.append("default")
    if any(s.by is agent for s in registry.shadowed):
        marks.append("shadows another")
    return f" ({', '.join(marks)})" if marks else ""


def _why_not(agent: AgentSpec) -> str:
    if agent.disable:
        return "disabled"
    if agent.hidden:
        return "hidden"
    return f"mode: {agent.mode}"


def _as_json(registry: AgentRegistry) -> dict[str, Any]:
    return {
        "agents": [
            {
                "name": a.name,
                "origin": a.origin,
                "source": a.source,
                "description": a.description,
                "mode": a.mode,
                "model": a.model,
                "actions": list(a.offered_titles),
                "default": a.name == registry.default_name,
            }
            for a in registry.agents
        ],
        "shadowed": [
            {
                "name": s.agent.name,
                "origin": s.agent.origin,
                "source": s.agent.source,
                "by": s.by.source,
            }
            for s in registry.shadowed
        ],
        "errors": [{"source": e.source, "message": e.message} for e in registry.errors],
    }
