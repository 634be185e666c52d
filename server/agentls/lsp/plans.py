"""'Implement plan with <agent>' on a plan file (a markdown file under `plans_dir`).

The planner's own `implementer` names the agent (else the default agent). The run
takes the plan's text as its instruction and has no current file, in workspace scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from agentls.lsp.actions import IMPLEMENT_PLAN_KIND, range_json
from agentls.lsp.documents import relative_path
from agentls.lsp.runs import RUN_COMMAND

if TYPE_CHECKING:
    from agentls.lsp.server import AgentServer


def implementer(server: AgentServer) -> str | None:
    """Who implements plans: the first planner's `implementer`, else the default agent."""
    registry, loaded = server.state.registry, server.state.loaded
    if registry is None or loaded is None:
        return None
    for agent in registry.agents:
        if agent.role == "plan" and agent.implementer and registry.get(agent.implementer):
            return agent.implementer
    default = registry.get(loaded.settings.agents.default)
    return default.name if default is not None and default.role != "plan" else None


def is_plan(server: AgentServer, path: str) -> bool:
    loaded = server.state.loaded
    folder = (loaded.settings.plans_dir if loaded else "docs/plans").strip("/")
    return path.endswith(".md") and path.startswith(f"{folder}/")


def plan_actions(server: AgentServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    path = relative_path(server, uri)
    document = server.workspace.text_documents.get(uri)
    agent = implementer(server)
    if path is None or document is None or agent is None or not is_plan(server, path):
        return []
    index = server.line_indexes.get(document.source)
    last = max(index.line_count - 1, 0)
    whole = types.Range(types.Position(0, 0), types.Position(last, 0))
    title = f"Implement plan with {agent}"
    argument = {
        "agent": agent,
        "scope": "workspace",
        "uri": uri,
        "range": range_json(whole),
        "instructionFromDocument": True,
    }
    command = types.Command(title=title, command=RUN_COMMAND, arguments=[argument])
    return [types.CodeAction(title=title, kind=IMPLEMENT_PLAN_KIND, command=command)]


def register(server: AgentServer) -> None:
    server.action_providers.append(lambda params: plan_actions(server, params))  # type: ignore[attr-defined]
