"""Continue a run's conversation: Refine generated code, or answer the agent's question.

The words come from the client's own input box (VS Code's extension, the Neovim and
Emacs snippets: `agentls.refine {instruction}` / `agentls.reply {text}`), or, in any
editor, from an `agentls:` comment the user writes on the line above the code: the
code action then carries the comment's words, and the run removes the comment as
part of its change. Conversations are kept in memory and, with provenance on, on disk
for `agentls run --continue`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from lsprotocol import types

from agentls.lsp.actions import range_json
from agentls.lsp.commands import object_argument
from agentls.lsp.documents import relative_path
from agentls.lsp.ledger import provenance
from agentls.lsp.to_lsp import FileEdits, lsp_range, workspace_edit

if TYPE_CHECKING:
    from agentls.engine.model import RunOutcome, RunRequest
    from agentls.lsp.positions import LineIndex
    from agentls.lsp.server import AgentServer
    from agentls.provenance.conversations import Conversation

log = logging.getLogger("agentls")

REFINE_COMMAND = "agentls.refine"
REPLY_COMMAND = "agentls.reply"
REFINE_KIND = "refactor.agentls.refine"
ANSWER_KIND = "refactor.agentls.answer"
ANSWER_CHOICE = "Answer…"
_KEEP_IN_MEMORY = 50


class FollowUp(NamedTuple):  # not a dataclass: this module loads at start-up
    """What a continued run adds to a fresh one: the conversation so far, and the
    `agentls:` comment line (code-point offsets in the document) its change removes."""

    history: tuple[Any, ...]
    comment: tuple[int, int] | None = None
    supersedes: str | None = None  # the refined region: the new run takes it over


# -- keeping conversations -------------------------------------------------------------


def _folder(server: AgentServer) -> Any:
    from agentls.provenance.conversations import kept_on_disk

    loaded = server.state.loaded
    return kept_on_disk(loaded.settings.provenance) if loaded else None


def keep_conversation(
    server: AgentServer,
    request: RunRequest,
    outcome: RunOutcome,
    question: str = "",
    started_from: str = "",
) -> None:
    """Remember what the run said, so it can be refined or its question answered."""
    from agentls.provenance.conversations import conversation_of, save

    conversation = conversation_of(request, outcome, question, started_from)
    if conversation is None:
        return
    kept = server.state.conversations
    kept[outcome.run_id] = conversation
    while len(kept) > _KEEP_IN_MEMORY:
        kept.pop(next(iter(kept)))
    folder = _folder(server)
    if folder is not None and (problem := save(folder, conversation)):
        log.warning("%s", problem)


def find_conversation(server: AgentServer, run_id: str) -> Conversation | None:
    from agentls.provenance.conversations import load

    kept = server.state.conversations.get(run_id)
    if kept is not None:
        return kept
    folder = _folder(server)
    return load(folder, run_id) if folder is not None else None


def _answered(server: AgentServer, conversation: Conversation) -> None:
    server.state.conversations[conversation.run_id] = dataclasses.replace(conversation, question="")


def pending_questions(server: AgentServer, path: str) -> list[Conversation]:
    """Questions still waiting for an answer in ``path``, newest first."""
    found = [c for c in server.state.conversations.values() if c.question and c.path == path]
    return found[::-1]


# -- code actions ----------------------------------------------------------------------


def _line(text: str, index: LineIndex, line: int) -> tuple[int, int, str]:
    """(start, end including its newline, text without it) of ``line``."""
    start = index.offset(line, 0, "utf-32")
    newline = text.find("\n", start)
    end = len(text) if newline < 0 else newline + 1
    return start, end, text[start:end].rstrip("\r\n")


def followup_actions(server: AgentServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Refine… on generated code; `Refine: <words>` / `Answer <agent>: <words>` on or
    under an `agentls:` comment."""
    from agentls.lsp.review import generated_at

    uri = params.text_document.uri
    document = server.workspace.text_documents.get(uri)
    path = relative_path(server, uri)
    if document is None or path is None:
        return []
    service = provenance(server)
    questions = pending_questions(server, path)
    if not questions and (service is None or not service.ledger.regions_in(path)):
        return []  # nothing to refine or answer here: no line index is built per keystroke
    text = document.source
    index = server.line_indexes.get(text)
    line = params.range.start.line
    actions: list[types.CodeAction] = []
    comment_line = _comment_at(text, index, line)
    generated = generated_at(server, uri, params.range)
    if comment_line is not None:
        # On the comment itself: the code it speaks of starts on the next line.
        below = types.Range(types.Position(line + 1, 0), types.Position(line + 1, 0))
        found = generated_at(server, uri, below)
        if found and found[3]:
            generated = found
    if generated and generated[3]:
        region, record = generated[3][0]
        argument: dict[str, Any] = {
            "runId": record.run_id,
            "uri": uri,
            "regionId": region.region_id,
            "agent": record.agent,
        }
        start_line = index.position(region.start)[0]
        words = _comment_at(text, index, start_line - 1) if start_line > 0 else None
        if words:
            title = f"Refine: {_short(words)}"
            argument |= {"instruction": words, "commentLine": start_line - 1}
        else:
            title = "Refine…"
        actions.append(_action(title, REFINE_KIND, REFINE_COMMAND, argument))
    for conversation in questions[:1]:
        asking = {"agent": conversation.agent, "question": conversation.question}
        if comment_line:
            title = f"Answer {conversation.agent}: {_short(comment_line)}"
            reply = {"runId": conversation.run_id, "uri": uri, "text": comment_line, **asking}
            actions.append(
                _action(title, ANSWER_KIND, REPLY_COMMAND, reply | {"commentLine": line})
            )
        elif comment_line is None:
            title = f"Answer {conversation.agent}'s question…"
            reply = {"runId": conversation.run_id, "uri": uri, **asking}
            actions.append(_action(title, ANSWER_KIND, REPLY_COMMAND, reply))
    return actions


def _comment_at(text: str, index: LineIndex, line: int) -> str | None:
    from agentls.replies import comment_instruction

    if line < 0 or line >= index.line_count:
        return None
    return comment_instruction(_line(text, index, line)[2])


def _short(words: str, limit: int = 60) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _action(title: str, kind: str, command: str, argument: dict[str, Any]) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=kind,
        command=types.Command(title=title, command=command, arguments=[argument]),
    )


# -- commands --------------------------------------------------------------------------


async def refine(
    server: AgentServer, argument: Mapping[str, Any], new_run_id: str | None = None
) -> dict[str, Any]:
    """Refine a run's change with the user's words (`instruction`)."""
    return await _go_on(server, argument, "instruction", new_run_id)


async def reply(
    server: AgentServer, argument: Mapping[str, Any], new_run_id: str | None = None
) -> dict[str, Any]:
    """Answer a run's question with the user's words (`text`)."""
    return await _go_on(server, argument, "text", new_run_id)


async def _go_on(
    server: AgentServer, argument: Mapping[str, Any], key: str, new_run_id: str | None
) -> dict[str, Any]:
    run_id = str(argument.get("runId") or "")
    words = str(argument.get(key) or "").strip()
    conversation = find_conversation(server, run_id)
    if conversation is None:
        return _gone(server, run_id)
    if not words:
        return _needs_input(server, conversation, answering=key == "text")
    uri = str(argument.get("uri") or "")
    selection = None
    if key == "text":
        _answered(server, conversation)
    else:
        selection = _region_span(server, str(argument.get("regionId") or ""), uri)
    line = argument.get("commentLine")
    region_id = str(argument.get("regionId") or "") if selection is not None else None
    return await continue_run(
        server, conversation, words, uri, selection, line, new_run_id, region_id
    )


def _needs_input(
    server: AgentServer, conversation: Conversation, answering: bool
) -> dict[str, Any]:
    """No words yet: the client's input box asks (it reads `prompt`); other clients
    are told how to give them with a comment."""
    from agentls.replies import comment_prefix

    agent, prefix = conversation.agent, comment_prefix(conversation.path)
    if answering:
        prompt = f"{agent} asks: {conversation.question}"
        how = (
            f"write your answer as a comment, such as `{prefix} agentls: yes, use Redis`, "
            f"then choose 'Answer {agent}: …' from the code actions."
        )
    else:
        prompt = f"Refine {agent}'s change: what should change?"
        how = (
            "write what should change as a comment on the line above the code, such as "
            f"`{prefix} agentls: make it async`, then choose 'Refine: …' from the code actions."
        )
    if not server.state.client.input_box:
        server.show(f"agentls: {how}", types.MessageType.Info)
    return {"status": "needsInput", "runId": conversation.run_id, "prompt": prompt}


def _gone(server: AgentServer, run_id: str) -> dict[str, Any]:
    message = (
        f"agentls no longer holds run {run_id or '?'}'s conversation (it keeps the newest "
        f"{_KEEP_IN_MEMORY}, and on disk only with provenance on). Run the agent afresh."
    )
    server.show(f"agentls: {message}", types.MessageType.Warning)
    return {"status": "refused", "message": message}


def _region_span(server: AgentServer, region_id: str, uri: str) -> tuple[int, int] | None:
    service = provenance(server)
    found = service.ledger.region(region_id) if service and region_id else None
    if found is None or relative_path(server, uri) != found[0].path:
        return None
    return found[0].start, found[0].end


async def continue_run(
    server: AgentServer,
    conversation: Conversation,
    instruction: str,
    uri: str,
    selection: tuple[int, int] | None,
    comment_line: Any,
    run_id: str | None = None,
    region_id: str | None = None,
) -> dict[str, Any]:
    """One more run in ``conversation``, on the document as it is now."""
    from agentls.lsp.ledger import uri_of
    from agentls.lsp.runs import start_run

    # A reply in a run without a current file stays without one; Refine on a region
    # works in that region's file.
    detached = conversation.detached and selection is None
    uri = uri or uri_of(server, conversation.path)
    document = server.workspace.text_documents.get(uri)
    text = document.source if document is not None else None
    comment: tuple[int, int] | None = None
    rng: dict[str, Any] | None = None
    if text is not None:
        index = server.line_indexes.get(text)
        if selection is None:
            selection = conversation.locate(text)
        if isinstance(comment_line, int) and _comment_at(text, index, comment_line) is not None:
            start, end, _ = _line(text, index, comment_line)
            comment = (start, end)
        encoding = server.state.client.encoding
        rng = range_json(lsp_range(index, selection[0], selection[1], encoding))
    raw = {
        "agent": conversation.agent,
        "scope": conversation.scope,
        "uri": uri,
        "range": rng,
        "instruction": instruction,
        "detached": detached,
    }
    follow = FollowUp(conversation.messages, comment, region_id)
    return await start_run(server, [raw], follow=follow, run_id=run_id)


async def ask_in_editor(server: AgentServer, conversation: Conversation, uri: str) -> None:
    """Show the question with an Answer… choice; picking it opens an `agentls:` comment
    line above the code for the reply (then the Answer code action sends it)."""
    params = types.ShowMessageRequestParams(
        type=types.MessageType.Info,
        message=f"agentls: {conversation.agent} asks: {conversation.question}",
        actions=[types.MessageActionItem(ANSWER_CHOICE), types.MessageActionItem("Dismiss")],
    )
    try:
        picked = await server.window_show_message_request_async(params)
    except Exception:  # the editor could not show it: the code action still offers it
        log.info("the editor did not show the question of run %s", conversation.run_id)
        return
    if picked is None or picked.title != ANSWER_CHOICE:
        return
    await open_answer_line(server, conversation, uri)


async def open_answer_line(server: AgentServer, conversation: Conversation, uri: str) -> None:
    from agentls.lsp.delivery import apply_edit

    document = server.workspace.text_documents.get(uri)
    if document is None:
        return
    text = document.source
    start, _ = conversation.locate(text)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", line_start)
    line_text = text[line_start : line_end if line_end >= 0 else len(text)]
    indent = line_text[: len(line_text) - len(line_text.lstrip())]
    from agentls.edits.model import TextEdit
    from agentls.replies import comment_prefix

    comment = f"{indent}{comment_prefix(conversation.path)} agentls: "
    path = relative_path(server, uri)
    root = server.state.root
    if path is None or root is None:
        return
    insert = FileEdits(
        path, text, document.version, (TextEdit(line_start, line_start, comment + "\n"),)
    )
    edit = workspace_edit(root, [insert], server.state.client)
    result = await apply_edit(server, types.ApplyWorkspaceEditParams(edit=edit, label="agentls"))
    if not result.applied:
        return
    line = server.line_indexes.get(text).position(line_start)[0]
    at = types.Range(types.Position(line, 0), types.Position(line, 0))
    cursor = types.Position(at.start.line, len(comment))
    where = f"line {at.start.line + 1}"
    if server.state.client.show_document:
        await server.window_show_document_async(
            types.ShowDocumentParams(
                uri=uri, take_focus=True, selection=types.Range(cursor, cursor)
            )
        )
    server.show(
        f"agentls: type your answer after `agentls:` on {where}, then choose "
        f"'Answer {conversation.agent}: …' from the code actions.",
        types.MessageType.Info,
    )


def register(server: AgentServer) -> None:
    server.action_providers.append(lambda params: followup_actions(server, params))  # type: ignore[attr-defined]

    from agentls.lsp.runs import answer_now_or_wait

    @server.command(REFINE_COMMAND)
    async def refine_command(*args: Any) -> dict[str, Any] | None:
        argument = object_argument(args)
        return await answer_now_or_wait(server, lambda run_id: refine(server, argument, run_id))

    @server.command(REPLY_COMMAND)
    async def reply_command(*args: Any) -> dict[str, Any] | None:
        argument = object_argument(args)
        return await answer_now_or_wait(server, lambda run_id: reply(server, argument, run_id))


def schedule_question(server: AgentServer, conversation: Conversation, uri: str) -> None:
    """Ask in the editor without holding up the command's reply."""
    if server.state.client.input_box:
        return  # the client's own glue asks (it reads `status: question`)
    task = asyncio.ensure_future(ask_in_editor(server, conversation, uri))
    server.background.add(task)
    task.add_done_callback(server.background.discard)
