"""The `agentls.runAgent` and `agentls.cancel` commands: start, track, cancel and finish runs."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls import uris

from agentls.lsp.commands import parse_range
from agentls.lsp.documents import relative_path
from agentls.lsp.positions import LineIndex
from agentls.lsp.progress import RunProgress
from agentls.lsp.session import ensure_loaded, show_once

if TYPE_CHECKING:
    from agentls.engine.model import DocumentSnapshot, RunMode, RunOutcome, RunRequest
    from agentls.engine.plan import Notice
    from agentls.engine.transcript import Transcript
    from agentls.lsp.followups import FollowUp
    from agentls.lsp.server import AgentServer

log = logging.getLogger("agentls")

RUN_COMMAND = "agentls.runAgent"
CANCEL_COMMAND = "agentls.cancel"


class RunArgumentError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class RunArgs:
    agent: str
    scope: str
    uri: str
    range: types.Range | None
    instruction: str = ""
    # The document is a plan: its text is the instruction and the run has no current
    # file (a code block without a path cannot land in the plan).
    plan_document: bool = False
    detached: bool = False  # a follow-up of such a run: no current file either


def parse_run_args(raw: Any, default_agent: str) -> RunArgs:
    """The one object argument of agentls.runAgent; a clear error for anything else."""
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else None
    if not isinstance(raw, Mapping):
        raise RunArgumentError(
            "agentls.runAgent takes one object: {agent, scope, uri, range, instruction?}"
        )
    uri = raw.get("uri")
    if not isinstance(uri, str) or not uri:
        raise RunArgumentError("agentls.runAgent needs `uri`, the document to run on")
    scope = raw.get("scope", "selection")
    if scope not in ("selection", "workspace"):
        raise RunArgumentError(f"`scope` must be 'selection' or 'workspace', not {scope!r}")
    agent = raw.get("agent") or default_agent
    if not isinstance(agent, str):
        raise RunArgumentError("`agent` must be an agent name")
    instruction = raw.get("instruction") or ""
    if not isinstance(instruction, str):
        raise RunArgumentError("`instruction` must be text")
    return RunArgs(
        agent,
        scope,
        uri,
        _parse_range(raw.get("range")),
        instruction,
        plan_document=raw.get("instructionFromDocument") is True,
        detached=raw.get("detached") is True,
    )


def _parse_range(raw: Any) -> types.Range | None:
    if raw is None:
        return None
    parsed = parse_range(raw)
    if parsed is None:
        raise RunArgumentError(
            "`range` must look like {start: {line, character}, end: {line, character}}"
        )
    return parsed


@dataclass
class RunHandle:
    run_id: str
    uri: str
    agent: str
    task: asyncio.Task[Any] | None = None
    provider: Any = None  # kept open until the run ends, even if settings replace it


@dataclass
class RunRegistry:
    runs: dict[str, RunHandle] = field(default_factory=dict)

    def cancel(self, run_id: str | None = None) -> int:
        targets = [h for h in self.runs.values() if run_id in (None, h.run_id)]
        for handle in targets:
            if handle.task is not None:
                handle.task.cancel()
        return len(targets)

    async def cancel_all(self, wait: bool = False) -> None:
        tasks = [h.task for h in self.runs.values() if h.task is not None]
        self.cancel()
        if wait and tasks:
            await asyncio.wait(tasks, timeout=5)


def _snapshot(server: AgentServer, uri: str, path: str) -> DocumentSnapshot:
    from agentls.engine.model import DocumentSnapshot

    document = server.workspace.get_text_document(uri)
    if uri in server.workspace.text_documents:
        return DocumentSnapshot(path, document.source, document.version, document.language_id)
    text = Path(uris.to_fs_path(uri) or "").read_text(encoding="utf-8")
    return DocumentSnapshot(path, text, None, None)


def _open_documents(server: AgentServer) -> dict[str, DocumentSnapshot]:
    from agentls.engine.model import DocumentSnapshot

    snapshots: dict[str, DocumentSnapshot] = {}
    for uri, document in list(server.workspace.text_documents.items()):
        path = relative_path(server, uri)
        if path is not None:
            snapshots[path] = DocumentSnapshot(
                path, document.source, document.version, document.language_id
            )
    return snapshots


def build_request(server: AgentServer, args: RunArgs, mode: RunMode) -> RunRequest:
    from agentls.engine.model import RunRequest

    state = server.state
    registry = state.registry
    agent = registry.get(args.agent) if registry else None
    if agent is None:
        known = ", ".join(a.name for a in registry.agents) if registry else ""
        raise RunArgumentError(f"No agent named {args.agent!r}. Known agents: {known or 'none'}.")
    if state.root is None:
        raise RunArgumentError(
            "agentls needs a workspace folder to run agents in; open a folder, not a lone file."
        )
    path = relative_path(server, args.uri)
    if path is None:
        raise RunArgumentError(
            f"{uris.to_fs_path(args.uri)} is outside the workspace {state.root}; "
            "agentls only edits files inside it."
        )
    try:
        document = _snapshot(server, args.uri, path)
    except (OSError, UnicodeDecodeError) as error:
        raise RunArgumentError(f"Cannot read {path}: {error}") from error
    selection = (0, 0)
    if args.range is not None:
        index = LineIndex(document.text)
        encoding = state.client.encoding
        start = index.offset(args.range.start.line, args.range.start.character, encoding)
        end = index.offset(args.range.end.line, args.range.end.character, encoding)
        selection = (min(start, end), max(start, end))
    instruction = args.instruction
    if args.plan_document:
        instruction = f"Implement the plan in {path}.\n\n{document.text.strip()}\n\n{instruction}"
    return RunRequest(
        agent=agent,
        scope="workspace" if agent.role == "plan" else args.scope,  # type: ignore[arg-type]
        workspace_root=state.root,
        document=None if args.plan_document or args.detached else document,
        selection=(0, 0) if args.plan_document or args.detached else selection,
        instruction=instruction.strip(),
        open_documents=_open_documents(server),
        mode="plan" if agent.role == "plan" and mode == "implement" else mode,
    )


def _outer_request(server: AgentServer) -> Any:
    """The executeCommand request this coroutine serves (pygls runs commands one level down)."""
    msg_id = server.protocol.msg_id
    if msg_id is None:
        return None
    return server.protocol._request_futures.get(msg_id)


async def start_run(
    server: AgentServer,
    raw_args: Any,
    mode: RunMode = "implement",
    on_outcome: Callable[[RunOutcome], None] | None = None,
    run_id: str | None = None,
    follow: FollowUp | None = None,
) -> dict[str, Any]:
    """Run an agent to completion (or cancellation) and deliver the result to the editor.

    ``follow``: continue an earlier run's conversation (Refine, a reply to a question).
    Returns a small status object, which becomes the executeCommand result.
    """
    from agentls.engine.plan import PlanError, new_run_id, plan_run, verdict
    from agentls.engine.run import run_agent
    from agentls.engine.transcript import TranscriptRecorder
    from agentls.llm.errors import LLMError
    from agentls.lsp.delivery import DeliveryRefused, deliver, shorten

    ensure_loaded(server)
    state = server.state
    assert state.loaded is not None
    runs = state.runs = state.runs or RunRegistry()
    settings = state.loaded.settings
    default_agent = settings.agents.default
    try:
        args = parse_run_args(raw_args, default_agent)
        request = build_request(server, args, mode)
        if follow is not None:
            request = dataclasses.replace(request, history=follow.history)
        try:
            plan = plan_run(
                settings,
                os.environ,
                request.agent,
                endpoint_from_workspace=state.loaded.endpoint_from_workspace,
            )
        except PlanError as failed:
            _show_notices(server, failed.notices)
            raise failed.error from None
        _show_notices(server, plan.notices)
        provider = _provider(server, plan.choice, settings, plan.env)
    except (RunArgumentError, LLMError) as error:
        server.show(f"agentls: {error}")
        return {"status": "failed", "message": str(error)}

    run_id = run_id or new_run_id()
    handle = RunHandle(run_id, args.uri, request.agent.name, provider=provider)
    progress = RunProgress(server, f"agentls: {request.agent.name}")
    recorder = TranscriptRecorder()  # ours: it keeps what was said even if the run fails

    async def work() -> RunOutcome:
        return await run_agent(
            request,
            settings=settings,
            provider=provider,
            provider_name=plan.provider,
            model=plan.model,
            index=_index(server),
            on_progress=progress.report,
            secret_values=plan.secret_values,
            run_id=run_id,
            recorder=recorder,
        )

    task = asyncio.ensure_future(work())
    handle.task = task
    runs.runs[run_id] = handle

    def cancel_current() -> None:
        if handle.task is not None:
            handle.task.cancel()

    outer = _outer_request(server)
    if outer is not None:
        outer.add_done_callback(lambda f: cancel_current() if f.cancelled() else None)
    agent = request.agent.name
    try:
        try:
            # Inside the try, and given up when the run is cancelled: an editor slow to
            # answer window/workDoneProgress/create must not keep a cancelled run
            # registered with its provider open (the finally below releases both).
            await _begin_unless_cancelled(server, progress, task, cancel_current)
            outcome = await task
        except asyncio.CancelledError:
            progress.end("Cancelled")
            if not task.cancelled():  # we ourselves are being cancelled: pass it on
                task.cancel()
            log.info("run %s cancelled", run_id)
            return {"runId": run_id, "status": "cancelled"}
        except LLMError as error:
            progress.end("Failed")
            server.show(f"agentls: {agent} failed: {error}")
            return {"runId": run_id, "status": "failed", "message": str(error)}
        except Exception as error:  # a bug: report it, keep serving
            log.exception("run %s crashed", run_id)
            progress.end("Failed")
            server.show(
                f"agentls: {agent} failed unexpectedly ({type(error).__name__}: {error}). "
                "The server log has the details."
            )
            return {"runId": run_id, "status": "failed", "message": str(error)}

        if mode == "explain":
            progress.end("Done")
            if on_outcome:
                on_outcome(outcome)
            return {"runId": run_id, "status": "explained", "explanation": outcome.explanation}

        if request.mode == "plan":
            from agentls.engine.plans import plan_change

            root = state.root or Path(".")
            changes = plan_change(outcome.explanation, settings.plans_dir, root)
            outcome = dataclasses.replace(outcome, changes=changes)
        checks = [r.summary for r in outcome.checks]
        judged = verdict(outcome, settings.checks.on_failure, state.client.change_annotations)
        if judged.kind == "unusable":
            progress.end("Nothing applied")
            details = "\n".join(p.render() for p in judged.problems[:5])
            more = len(judged.problems) - 5
            more_text = f"\n(and {more} more)" if more > 0 else ""
            server.show(
                f"agentls: {agent}'s answer could not be applied, so nothing was changed:\n"
                f"{details}{more_text}"
            )
            return {"runId": run_id, "status": "refused", "message": details}
        if judged.kind == "refused":
            progress.end("Nothing applied")
            server.show(f"agentls: {judged.message}")
            return {
                "runId": run_id,
                "status": "refused",
                "message": judged.message,
                "checks": checks,
            }
        if judged.kind == "question":
            from agentls.lsp.followups import keep_conversation, schedule_question

            progress.end("Waiting for your answer")
            question = outcome.explanation.strip()
            keep_conversation(server, request, outcome, question, _path_of(server, args.uri))
            conversation = server.state.conversations[run_id]
            schedule_question(server, conversation, args.uri)
            return {"runId": run_id, "status": "question", "question": question, "agent": agent}
        if judged.kind == "empty":
            progress.end("No changes")
            server.show(
                f"agentls: {agent} answered without any code change. "
                f"{shorten(outcome.explanation, 300)}",
                types.MessageType.Warning,
            )
            return {"runId": run_id, "status": "empty", "explanation": outcome.explanation}

        to_confirm, left_out = _sensitive_plan(server, settings, outcome)
        left_out_message = ""
        if left_out:
            kept = tuple(f for f in outcome.changes.files if f.path not in left_out)
            outcome = dataclasses.replace(
                outcome, changes=dataclasses.replace(outcome.changes, files=kept)
            )
            left_out_message = _left_out_message(agent, left_out, nothing_left=not kept)
            if not kept:
                progress.end("Nothing applied")
                server.show(left_out_message)
                return {"runId": run_id, "status": "refused", "message": left_out_message}

        if follow is not None and follow.comment is not None and request.document is not None:
            from agentls.engine.followup import without_comment

            changes = without_comment(
                outcome.changes, request.document.path, request.document.text, *follow.comment
            )
            outcome = dataclasses.replace(outcome, changes=changes)
        progress.end(f"Applying changes to {len(outcome.changes.files)} file(s)")
        # Delivery stays cancellable: the editor may hold the edit in a preview.
        delivery = asyncio.ensure_future(
            deliver(
                server,
                state.root or Path("."),
                outcome,
                agent,
                settings.confirm_edits or judged.kind == "confirm",
                to_confirm,
            )
        )
        handle.task = delivery
        try:
            result = await delivery
        except asyncio.CancelledError:
            if not delivery.done():
                delivery.cancel()
            log.info("run %s cancelled while the editor held its edit", run_id)
            return {"runId": run_id, "status": "cancelled"}
        except DeliveryRefused as error:
            server.show(f"agentls: {error}")
            return {"runId": run_id, "status": "refused", "message": str(error)}
        except Exception as error:  # the editor failed while applying
            log.exception("applying run %s failed", run_id)
            server.show(f"agentls: the editor could not apply {agent}'s change: {error}")
            return {"runId": run_id, "status": "rejected", "message": str(error)}
        if not result.applied:
            reason = result.failure_reason or "no reason given"
            server.show(
                f"agentls: the editor did not apply {agent}'s change ({reason}). "
                "Nothing was changed.",
                types.MessageType.Warning,
            )
            return {"runId": run_id, "status": "rejected", "message": reason}
        if follow is not None and follow.supersedes:
            from agentls.lsp.ledger import provenance

            if service := provenance(server):
                service.ledger.supersede(follow.supersedes)
        for callback in state.after_apply:
            try:
                callback(outcome, outcome.changes)
            except Exception:
                log.exception("an after-apply hook failed")
        if on_outcome:
            on_outcome(outcome)
        from agentls.lsp.followups import keep_conversation

        keep_conversation(server, request, outcome, started_from=_path_of(server, args.uri))
        if request.mode == "plan":
            return await _show_plan(server, run_id, outcome)
        if judged.message:
            server.show(f"agentls: {judged.message}", types.MessageType.Warning)
        if left_out_message:
            server.show(left_out_message, types.MessageType.Warning)
        return {
            "runId": run_id,
            "status": "applied",
            "checks": checks,
            "files": [f.path for f in outcome.changes.files],
            "leftOut": sorted(left_out),
            "explanation": outcome.explanation,
        }
    finally:
        runs.runs.pop(run_id, None)
        release_provider(server, provider)
        _keep_transcript(server, recorder.snapshot())


def _path_of(server: AgentServer, uri: str) -> str:
    return relative_path(server, uri) or ""


async def _show_plan(server: AgentServer, run_id: str, outcome: RunOutcome) -> dict[str, Any]:
    """Open the plan that was just written, and say how to carry it out."""
    from agentls.lsp.ledger import uri_of

    path = outcome.changes.files[0].path
    uri = uri_of(server, path)
    if server.state.client.show_document:
        await server.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))
    server.show(
        f"agentls: {outcome.agent} wrote the plan {path}. Review it, then choose "
        "'Implement plan with …' from the code actions in it.",
        types.MessageType.Info,
    )
    return {"runId": run_id, "status": "planned", "plan": path, "explanation": outcome.explanation}


async def _begin_unless_cancelled(
    server: AgentServer,
    progress: RunProgress,
    task: asyncio.Future[Any],
    on_cancel: Callable[[], None],
) -> None:
    """Start the progress report; stop waiting for the editor's token once `task` is
    cancelled (or this run is). A token that comes later is ended at once."""
    begin = asyncio.ensure_future(progress.begin(on_cancel=on_cancel))
    cancelled: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def note(done: asyncio.Future[Any]) -> None:
        if done.cancelled() and not cancelled.done():
            cancelled.set_result(None)

    task.add_done_callback(note)
    try:
        await asyncio.wait({begin, cancelled}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        task.remove_done_callback(note)
        cancelled.cancel()
        if not begin.done():
            # Not cancelled: pygls would later set the answer on a cancelled future.
            server.background.add(begin)
            begin.add_done_callback(server.background.discard)
            begin.add_done_callback(lambda _: progress.end("Cancelled"))


def _show_notices(server: AgentServer, notices: Sequence[Notice]) -> None:
    for notice in notices:
        level = types.MessageType.Warning if notice.level == "warning" else types.MessageType.Info
        show_once(server, f"agentls: {notice.text}", level)


def _keep_transcript(server: AgentServer, transcript: Transcript) -> None:
    from agentls.lsp.transcripts import keep_transcript

    try:
        keep_transcript(server, transcript)
    except Exception:  # a transcript is a convenience: never let it break a run
        log.exception("keeping the transcript of run %s failed", transcript.run_id)


def _sensitive_plan(
    server: AgentServer, settings: Any, outcome: RunOutcome
) -> tuple[dict[str, str], dict[str, str]]:
    """(path -> why, for edits sent with needsConfirmation; path -> why, for edits left
    out because this editor cannot ask and the user's settings do not allow them)."""
    from agentls.checks.sensitive import plan_sensitive, sensitive_files

    client = server.state.client
    files = outcome.changes.files
    found = sensitive_files(files, settings.sensitive_paths)
    confirm, left_out = plan_sensitive(
        files,
        found,
        can_confirm=client.change_annotations and client.document_changes,
        can_create=client.create_files,
        allow=settings.allow_sensitive_edits,
    )
    return {p: found[p] for p in confirm}, left_out


def _left_out_message(agent: str, left_out: Mapping[str, str], nothing_left: bool) -> str:
    named = "\n".join(f"{path}: {why}" for path, why in left_out.items())
    rest = "so nothing was changed" if nothing_left else "the rest of the change was applied"
    return (
        f"agentls: {agent}'s edits to files that run code or change tooling were left out, "
        f"because this editor cannot ask you first ({rest}):\n{named}\n"
        "Make such edits yourself, or set `allow_sensitive_edits: true` in your user "
        "settings to let agentls apply them without asking."
    )


def _index(server: AgentServer):  # type: ignore[no-untyped-def]
    from agentls.context.index import WorkspaceIndex

    state = server.state
    if state.index is None:
        assert state.root is not None and state.loaded is not None
        state.index = WorkspaceIndex(state.root, state.loaded.settings.context)
    return state.index


def release_provider(server: AgentServer, provider: Any) -> None:
    """Close a provider that settings replaced, once no run streams through it."""
    state = server.state
    current = provider in state.providers.values()
    in_use = state.runs is not None and any(
        h.provider is provider for h in state.runs.runs.values()
    )
    if current or in_use:
        return
    task = asyncio.ensure_future(provider.aclose())
    server.background.add(task)
    task.add_done_callback(server.background.discard)


def _provider(server: AgentServer, choice: Any, settings: Any, env: Mapping[str, str]) -> Any:
    from agentls.llm.factory import make_provider

    key = (choice.provider, choice.base_url or "", choice.api_key_env or "")
    provider = server.state.providers.get(key)
    if provider is None:
        provider = make_provider(choice, settings, env)
        server.state.providers[key] = provider
    return provider


async def answer_now_or_wait(
    server: AgentServer, run: Callable[[str | None], Coroutine[Any, Any, dict[str, Any]]]
) -> dict[str, Any] | None:
    """The run's result; or, for clients that time requests out, `started` at once
    while the run goes on (its change arrives by applyEdit later)."""
    if not server.state.client.reply_at_once:
        return await run(None)
    from agentls.engine.plan import new_run_id

    run_id = new_run_id()
    task = asyncio.ensure_future(run(run_id))
    server.background.add(task)
    task.add_done_callback(server.background.discard)
    return {"status": "started", "runId": run_id}  # for agentls.cancel {runId}


def register(server: AgentServer) -> None:
    server.state.runs = RunRegistry()

    @server.command(RUN_COMMAND)
    async def run_agent_command(*args: Any) -> dict[str, Any] | None:
        return await answer_now_or_wait(
            server, lambda run_id: start_run(server, list(args), run_id=run_id)
        )

    @server.command(CANCEL_COMMAND)
    def cancel_command(*args: Any) -> dict[str, int]:
        run_id = None
        if args and isinstance(args[0], Mapping):
            run_id = args[0].get("runId")
        assert server.state.runs is not None
        return {"cancelled": server.state.runs.cancel(run_id)}
