"""Review an applied run: Keep or Revert one hunk, or Undo the whole run.

Code actions on generated code (the provenance ledger knows it), and the commands
they carry. What to write back is `provenance.review`'s plain data; this module only
reads the editor's buffers, sends one versioned `workspace/applyEdit`, and keeps the
ledger in step (regions leave it before the edit is sent, so the edit does not count
as the user's, and come back if the editor refuses it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from lsprotocol import types

from agentls.lsp.commands import object_argument
from agentls.lsp.documents import relative_path
from agentls.lsp.ledger import open_text, provenance, uri_of
from agentls.lsp.to_lsp import FileEdits, lsp_range, workspace_edit

if TYPE_CHECKING:
    from agentls.lsp.server import AgentServer
    from agentls.provenance.model import Region, RunRecord
    from agentls.provenance.review import Restore
    from agentls.provenance.service import ProvenanceService

log = logging.getLogger("agentls")

KEEP_COMMAND = "agentls.keepChange"
REVERT_COMMAND = "agentls.revertChange"
UNDO_COMMAND = "agentls.undoRun"
KEEP_KIND = "refactor.agentls.keep"
REVERT_KIND = "refactor.agentls.revert"
UNDO_KIND = "refactor.agentls.undo"


def generated_at(
    server: AgentServer, uri: str, rng: types.Range
) -> tuple[str, int, int, list[tuple[Region, RunRecord]]] | None:
    """(path, start, end, regions of applied runs the range touches, innermost first)."""
    service = provenance(server)
    path = relative_path(server, uri) if service else None
    document = server.workspace.text_documents.get(uri)
    if service is None or path is None or document is None:
        return None
    regions = service.ledger.regions_in(path)
    if not regions:
        return None
    index = server.line_indexes.get(document.source)
    encoding = server.state.client.encoding
    start = index.offset(rng.start.line, rng.start.character, encoding)
    end = index.offset(rng.end.line, rng.end.character, encoding)
    start, end = min(start, end), max(start, end)
    touched = [
        (r, rec)
        for r, rec in regions
        if rec.mode == "implement" and (r.start <= start < r.end or start <= r.start < end)
    ]
    return path, start, end, sorted(touched, key=lambda pair: pair[0].length)


def _action(
    title: str, kind: str, command: str, argument: dict[str, Any], disabled: str | None = None
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=kind,
        command=types.Command(title=title, command=command, arguments=[argument]),
        disabled=types.CodeActionDisabled(reason=disabled) if disabled else None,
    )


def review_actions(server: AgentServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Keep / Revert this change on the innermost hunk here, Undo on each run here."""
    from agentls.provenance.review import revert_hunk, whole_created_file

    found = generated_at(server, params.text_document.uri, params.range)
    if found is None or not found[3]:
        return []
    path, _, _, touched = found
    uri = params.text_document.uri
    region, record = touched[0]
    text = open_text(server, path) or ""
    actions: list[types.CodeAction] = []
    argument = {"uri": uri, "regionId": region.region_id}
    if region.original is not None:
        actions.append(
            _action(f"Keep this change ({record.agent})", KEEP_KIND, KEEP_COMMAND, argument)
        )
        deletes_file = whole_created_file(region, record, text)
        title = f"Revert this change ({record.agent})"
        if deletes_file:
            title = f"Revert this change: delete {path} ({record.agent})"
        planned = None if deletes_file else revert_hunk(region, record, text)
        why = planned if isinstance(planned, str) else None
        if why is None or server.state.client.disabled_actions:
            actions.append(_action(title, REVERT_KIND, REVERT_COMMAND, argument, disabled=why))
    seen: set[str] = set()
    for _, rec in touched:
        if rec.run_id not in seen:
            seen.add(rec.run_id)
            actions.append(
                _action(f"Undo {rec.agent} run", UNDO_KIND, UNDO_COMMAND, {"runId": rec.run_id})
            )
    return actions


class Applied(NamedTuple):  # a NamedTuple: cheaper to define at start-up than a dataclass
    applied: bool
    reason: str = ""
    deleted: tuple[str, ...] = ()
    not_deleted: Mapping[str, str] | None = None  # path -> why (the editor cannot delete)


def current_text(server: AgentServer, path: str) -> str | None:
    """The editor's buffer when open, else the file on disk."""
    from agentls.files import read_utf8

    text = open_text(server, path)
    if text is not None:
        return text
    root = server.state.root
    return read_utf8(root / path) if root is not None else None


async def write_back(
    server: AgentServer,
    restores: Mapping[str, Sequence[Restore]],
    deletes: Sequence[str],
    label: str,
) -> Applied:
    """One workspace/applyEdit restoring ``restores`` and removing ``deletes``.

    Files the editor cannot delete are removed on disk after the edit applied, unless
    they are open there (then they are reported, not touched)."""
    from agentls.edits.model import TextEdit
    from agentls.lsp.delivery import apply_edit

    root = server.state.root
    assert root is not None
    client = server.state.client
    files: list[FileEdits] = []
    for path, items in restores.items():
        text = current_text(server, path)
        if text is None:
            return Applied(False, f"{path} cannot be read")
        document = server.workspace.text_documents.get(uri_of(server, path))
        edits = tuple(
            TextEdit(r.start, r.end, r.original) for r in sorted(items, key=lambda r: r.start)
        )
        files.append(FileEdits(path, text, document.version if document else None, edits))
    by_editor = list(deletes) if client.delete_files else []
    by_us = [p for p in deletes if p not in by_editor]
    not_deleted = {
        p: "it is open in the editor, which cannot delete files: delete it yourself"
        for p in by_us
        if open_text(server, p) is not None
    }
    by_us = [p for p in by_us if p not in not_deleted]
    if files or by_editor:
        annotation = types.ChangeAnnotation(label=label, needs_confirmation=False)
        edit = workspace_edit(root, files, client, annotation, deletes=by_editor)
        result = await apply_edit(server, types.ApplyWorkspaceEditParams(edit=edit, label=label))
        if not result.applied:
            return Applied(False, result.failure_reason or "the editor did not apply it")
    for path in by_us:
        try:
            (root / path).unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            not_deleted[path] = f"could not delete it: {error.strerror or error}"
    deleted = tuple(p for p in deletes if p not in not_deleted)
    return Applied(True, deleted=deleted, not_deleted=not_deleted)


def _fitted_text(server: AgentServer, path: str) -> str | None:
    """``current_text``; for a file not open, the ledger's regions are first fitted to
    it (it may have changed on disk since the ledger saw it)."""
    text = current_text(server, path)
    service = provenance(server)
    if text is not None and service is not None and open_text(server, path) is None:
        service.ledger.reanchor(path, text)
    return text


async def _write_taken(
    server: AgentServer,
    service: ProvenanceService,
    taken: Sequence[tuple[Region, RunRecord]],
    restores: Mapping[str, Sequence[Restore]],
    deletes: Sequence[str],
    label: str,
) -> Applied:
    """`write_back`, with ``taken`` out of the ledger meanwhile (the edit is not the user's
    typing); what did not happen comes back: all of it when the editor refused, the
    regions of a file that could not be deleted."""
    for region, _ in taken:
        service.ledger.forget_region(region.region_id)
    done = await write_back(server, restores, deletes, label)
    missed = set(done.not_deleted or {}) if done.applied else {r.path for r, _ in taken}
    for region, record in taken:
        if region.path in missed:
            service.ledger.put_back(region, record)
    service.flush()
    if done.applied:
        _refresh_lenses(server)
    return done


async def revert_change(server: AgentServer, argument: Mapping[str, Any]) -> dict[str, Any]:
    from agentls.provenance.review import revert_hunk, whole_created_file

    service = provenance(server)
    found = service.ledger.region(str(argument.get("regionId"))) if service else None
    if service is None or found is None:
        return _refused(server, "that change is no longer tracked, so it cannot be reverted")
    region, record = found
    text = current_text(server, region.path)
    deletes: list[str] = []
    restores: dict[str, list[Restore]] = {}
    if text is not None and whole_created_file(region, record, text):
        deletes.append(region.path)
    else:
        planned = revert_hunk(region, record, text)
        if isinstance(planned, str):
            return _refused(server, f"cannot revert {record.agent}'s change: {planned}.")
        restores[region.path] = [planned]
    label = f"agentls: revert {record.agent}'s change"
    done = await _write_taken(server, service, [found], restores, deletes, label)
    if not done.applied or done.not_deleted:
        reason = done.reason or "; ".join(f"{p}: {w}" for p, w in (done.not_deleted or {}).items())
        return _refused(server, f"the change was not reverted ({reason}).")
    return {"status": "reverted", "path": region.path, "deleted": list(done.deleted)}


async def undo_run(server: AgentServer, argument: Mapping[str, Any]) -> dict[str, Any]:
    from agentls.provenance.review import plan_undo, undo_message

    service = provenance(server)
    run_id = str(argument.get("runId") or "")
    plan = plan_undo(service.ledger, run_id, lambda p: _fitted_text(server, p)) if service else None
    if service is None or plan is None:
        return _refused(server, f"run {run_id or '?'} is no longer tracked, so it cannot be undone")
    left_alone = dict(plan.left_alone)
    if plan.empty:
        message = undo_message(plan.agent, [], [], left_alone)
        return _refused(server, message) | {"leftAlone": _left_json(left_alone)}
    taken = [
        found
        for path in [*plan.restores, *plan.deletes]
        for found in service.ledger.regions_in(path)
        if found[0].run_id == run_id
    ]
    label = f"agentls: undo {plan.agent} run"
    done = await _write_taken(server, service, taken, plan.restores, plan.deletes, label)
    if not done.applied:
        return _refused(server, f"the run was not undone ({done.reason}).")
    left_alone.update(done.not_deleted or {})
    restored = sorted(plan.restores)
    status = "partial" if left_alone else "undone"
    message = "agentls: " + undo_message(plan.agent, restored, list(done.deleted), left_alone)
    server.show(message, types.MessageType.Warning if left_alone else types.MessageType.Info)
    return {
        "status": status,
        "restored": restored,
        "deleted": list(done.deleted),
        "leftAlone": _left_json(left_alone),
        "message": message,
    }


def _left_json(left_alone: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"path": p, "reason": why} for p, why in sorted(left_alone.items())]


def _refused(server: AgentServer, message: str) -> dict[str, Any]:
    server.show(f"agentls: {message}", types.MessageType.Warning)
    return {"status": "refused", "message": message}


def _refresh_lenses(server: AgentServer) -> None:
    """Code lenses and review hints show the ledger: after it changed, show it again."""
    hints = getattr(server, "review_hints", None)
    if hints is not None:
        hints.publish_all()
    workspace = server.client_capabilities.workspace
    if workspace and workspace.code_lens and workspace.code_lens.refresh_support:
        server.workspace_code_lens_refresh(None)


# -- hints: one hint-level diagnostic per hunk not yet kept (provenance.review_hints) ----


def review_hints(server: AgentServer, uri: str) -> list[types.Diagnostic]:
    service = provenance(server)
    path = relative_path(server, uri) if service else None
    document = server.workspace.text_documents.get(uri)
    if service is None or path is None or document is None or not service.settings.review_hints:
        return []
    index = server.line_indexes.get(document.source)
    encoding = server.state.client.encoding
    return [
        types.Diagnostic(
            range=lsp_range(index, region.start, region.end, encoding),
            message=f"Generated by {record.agent}: Keep or Revert this change (code actions)",
            severity=types.DiagnosticSeverity.Hint,
            source="agentls",
            code="review",
        )
        for region, record in service.ledger.regions_in(path)
        if record.mode == "implement" and region.original is not None
    ]


class _HintPublisher:
    """Publishes a document's hints when they change (document events come after the
    ledger has followed them: this listener is registered after the ledger's)."""

    def __init__(self, server: AgentServer) -> None:
        self.server = server
        self.sent: dict[str, list[tuple[int, int, int, int]]] = {}

    def publish(self, uri: str) -> None:
        hints = review_hints(self.server, uri)
        key = [
            (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
            for d in hints
        ]
        if self.sent.get(uri, []) == key:
            return
        self.sent[uri] = key
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=hints)
        )

    def publish_all(self) -> None:
        for uri in list(self.server.workspace.text_documents):
            self.publish(uri)

    def _uri(self, path: str) -> str | None:
        return uri_of(self.server, path) if self.server.state.root is not None else None

    def opened(self, path: str, text: str) -> None:
        if uri := self._uri(path):
            self.publish(uri)

    def changed(self, path: str, changes: list[Any], new_text: str) -> None:
        if uri := self._uri(path):
            self.publish(uri)

    def closed(self, path: str) -> None:
        if (uri := self._uri(path)) and self.sent.pop(uri, None):
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )


def register(server: AgentServer) -> None:
    server.action_providers.append(lambda params: review_actions(server, params))  # type: ignore[attr-defined]
    hints = _HintPublisher(server)
    server.state.document_listeners.append(hints)
    server.state.after_apply.append(lambda _outcome, _changes: hints.publish_all())
    server.review_hints = hints  # type: ignore[attr-defined]

    @server.command(KEEP_COMMAND)
    def keep_change(*args: Any) -> dict[str, Any]:
        service = provenance(server)
        region_id = str(object_argument(args).get("regionId") or "")
        kept = bool(service and service.ledger.keep(region_id))
        if service is not None:
            service.flush()
            _refresh_lenses(server)
        return {"kept": kept}

    @server.command(REVERT_COMMAND)
    async def revert_change_command(*args: Any) -> dict[str, Any]:
        return await revert_change(server, object_argument(args))

    @server.command(UNDO_COMMAND)
    async def undo_run_command(*args: Any) -> dict[str, Any]:
        return await undo_run(server, object_argument(args))
