""" "Explain with <agent>": run the agent in explain mode on a selection (or on a
generated region) and keep its answer in the provenance ledger for hovers.

Commands: `agentls.explain {agent?, uri, range}` and `agentls.explainRegion
{uri, regionId, agent?}`. Both go through the same run machinery as
`agentls.runAgent` (progress, cancellation), and apply no edit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from agentls.lsp.actions import range_json
from agentls.lsp.commands import object_argument, parse_range
from agentls.lsp.documents import relative_path
from agentls.lsp.ledger import provenance, uri_of
from agentls.lsp.runs import start_run
from agentls.lsp.session import ensure_loaded
from agentls.lsp.to_lsp import lsp_range

if TYPE_CHECKING:
    from agentls.engine.model import RunOutcome
    from agentls.lsp.server import AgentServer

EXPLAIN_COMMAND = "agentls.explain"
EXPLAIN_REGION_COMMAND = "agentls.explainRegion"
EXPLAIN_KIND = "refactor.explain.agentls"


def explaining_agent(server: AgentServer) -> str | None:
    """The default agent if it offers actions, else the first one that does."""
    ensure_loaded(server)
    registry, loaded = server.state.registry, server.state.loaded
    if registry is None or loaded is None:
        return None
    agents = list(registry.actionable())
    default = loaded.settings.agents.default
    names = [a.name for a in agents]
    return default if default in names else (names[0] if names else None)


def _offsets(server: AgentServer, text: str, rng: types.Range) -> tuple[int, int]:
    index = server.line_indexes.get(text)
    encoding = server.state.client.encoding
    start = index.offset(rng.start.line, rng.start.character, encoding)
    end = index.offset(rng.end.line, rng.end.character, encoding)
    return min(start, end), max(start, end)


def explain_actions(server: AgentServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The Explain action, for a selection or for a cursor inside generated code."""
    agent = explaining_agent(server)
    uri, rng = params.text_document.uri, params.range
    if agent is None:
        return []
    if rng.start == rng.end and _region_under(server, uri, rng) is None:
        return []
    title = f"Explain with {agent}"
    argument = {"agent": agent, "uri": uri, "range": range_json(rng)}
    command = types.Command(title=title, command=EXPLAIN_COMMAND, arguments=[argument])
    return [types.CodeAction(title=title, kind=EXPLAIN_KIND, command=command)]


def _region_under(server: AgentServer, uri: str, rng: types.Range) -> Any:
    service = provenance(server)
    path = relative_path(server, uri)
    document = server.workspace.text_documents.get(uri)
    if service is None or path is None or document is None:
        return None
    if not service.ledger.regions_in(path):
        return None
    offset, _ = _offsets(server, document.source, rng)
    found = service.ledger.regions_at(path, offset)
    return found[0][0] if found else None


async def explain(server: AgentServer, agent: str, uri: str, rng: types.Range) -> dict[str, Any]:
    """Run ``agent`` in explain mode on ``rng`` and store the answer for that text."""
    from agentls.provenance.anchor import find_exact

    path = relative_path(server, uri)
    document = server.workspace.text_documents.get(uri)
    before = document.source if document is not None else None
    start, end = _offsets(server, before, rng) if before is not None else (0, 0)
    selected = before[start:end] if before is not None else ""

    def store(outcome: RunOutcome) -> None:
        service = provenance(server)
        current = server.workspace.text_documents.get(uri)
        if service is None or path is None or current is None or not selected.strip():
            return
        text = current.source
        match = find_exact(text, selected, start)
        if match is None:
            server.show(
                f"agentls: the explained code changed while {agent} was working, so the "
                "explanation was not kept for hovers.",
                types.MessageType.Warning,
            )
            return
        from agentls.provenance.record import run_record

        record = run_record(outcome, agent=agent, mode="explain")
        service.explained(record, path, match.start, match.end, text, outcome.explanation)
        _refresh_lenses(server)

    argument = {"agent": agent, "scope": "selection", "uri": uri, "range": range_json(rng)}
    return await start_run(server, [argument], mode="explain", on_outcome=store)


async def explain_region(server: AgentServer, raw: Mapping[str, Any]) -> dict[str, Any]:
    service = provenance(server)
    region_id, agent = raw.get("regionId"), raw.get("agent") or explaining_agent(server)
    found = service.ledger.region(str(region_id)) if service and region_id else None
    if found is None or agent is None:
        server.show("agentls: that generated code is no longer tracked; nothing to explain.")
        return {"status": "failed", "message": "unknown region"}
    region = found[0]
    uri = uri_of(server, region.path)
    document = server.workspace.text_documents.get(uri)
    if document is None:
        server.show(f"agentls: open {region.path} to explain its generated code.")
        return {"status": "failed", "message": "document not open"}
    index = server.line_indexes.get(document.source)
    rng = lsp_range(index, region.start, region.end, server.state.client.encoding)
    return await explain(server, str(agent), uri, rng)


def _refresh_lenses(server: AgentServer) -> None:
    workspace = server.client_capabilities.workspace
    lens = workspace.code_lens if workspace else None
    if lens and lens.refresh_support:
        server.workspace_code_lens_refresh(None)


def register(server: AgentServer) -> None:
    background = server.background

    async def answer(work: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
        """Clients with short request timeouts are answered at once, as runAgent does."""
        if not server.state.client.reply_at_once:
            return await work
        task = asyncio.ensure_future(work)
        background.add(task)
        task.add_done_callback(background.discard)
        return {"status": "started"}

    providers = getattr(server, "action_providers", None)
    if providers is not None:
        providers.append(lambda params: explain_actions(server, params))

    @server.command(EXPLAIN_COMMAND)
    async def explain_command(*args: Any) -> dict[str, Any]:
        raw = object_argument(args)
        agent = raw.get("agent") or explaining_agent(server)
        uri = raw.get("uri")
        rng = parse_range(raw.get("range"))
        if not isinstance(uri, str) or rng is None or not isinstance(agent, str):
            message = "agentls.explain takes one object: {agent?, uri, range}"
            server.show(f"agentls: {message}")
            return {"status": "failed", "message": message}
        return await answer(explain(server, agent, uri, rng))

    @server.command(EXPLAIN_REGION_COMMAND)
    async def explain_region_command(*args: Any) -> dict[str, Any]:
        return await answer(explain_region(server, object_argument(args)))
