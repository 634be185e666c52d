"""textDocument/codeAction: each agent's two actions. Instant: no model call, no disk scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from agentls.lsp.runs import RUN_COMMAND
from agentls.lsp.session import ensure_loaded

if TYPE_CHECKING:
    from agentls.lsp.server import AgentServer

SELECTION_KIND = "refactor.rewrite.agentls"
WORKSPACE_KIND = "source.agentls"
EXPLAIN_KIND = "refactor.explain.agentls"
PLAN_KIND = "source.agentls.plan"
IMPLEMENT_PLAN_KIND = "source.agentls.implementPlan"

ActionProvider = Callable[[types.CodeActionParams], list[types.CodeAction]]


def range_json(rng: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }


def wanted(kind: str, only: list[str] | None) -> bool:
    """LSP `only` filters by kind prefix: `refactor` admits `refactor.rewrite.agentls`."""
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


def run_action(
    title: str, kind: str, agent: str, scope: str, uri: str, rng: types.Range
) -> types.CodeAction:
    argument = {"agent": agent, "scope": scope, "uri": uri, "range": range_json(rng)}
    return types.CodeAction(
        title=title,
        kind=kind,
        command=types.Command(title=title, command=RUN_COMMAND, arguments=[argument]),
    )


def register(server: AgentServer) -> None:
    providers: list[ActionProvider] = []
    server.action_providers = providers  # type: ignore[attr-defined]

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[
                SELECTION_KIND,
                WORKSPACE_KIND,
                EXPLAIN_KIND,
                PLAN_KIND,
                IMPLEMENT_PLAN_KIND,
                "refactor.agentls",
            ],
            resolve_provider=True,
        ),
    )
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        ensure_loaded(server)
        registry = server.state.registry
        only = [str(k) for k in params.context.only] if params.context.only else None
        uri, rng = params.text_document.uri, params.range
        actions: list[types.CodeAction] = []
        for agent in registry.actionable() if registry else ():
            selection_title, workspace_title = agent.action_titles
            if agent.role == "plan":
                if wanted(PLAN_KIND, only):
                    actions.append(
                        run_action(selection_title, PLAN_KIND, agent.name, "workspace", uri, rng)
                    )
                continue
            if wanted(SELECTION_KIND, only):
                actions.append(
                    run_action(selection_title, SELECTION_KIND, agent.name, "selection", uri, rng)
                )
            if wanted(WORKSPACE_KIND, only):
                actions.append(
                    run_action(workspace_title, WORKSPACE_KIND, agent.name, "workspace", uri, rng)
                )
        for provide in providers:
            actions.extend(a for a in provide(params) if wanted(str(a.kind or ""), only))
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    def resolve(action: types.CodeAction) -> types.CodeAction:
        # Our actions are complete; clients such as Neovim resolve them anyway.
        return action
