"""ChangeSet (plain data) -> WorkspaceEdit, shaped by what the client can take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls import uris

from agentls.lsp.positions import Encoding, LineIndex
from agentls.lsp.state import ClientFeatures

if TYPE_CHECKING:
    from agentls.edits.model import TextEdit

CONFIRM_ANNOTATION = "agentls-confirm"


@dataclass(frozen=True, slots=True)
class FileEdits:
    """Edits for one file, against `text` (what the editor holds now)."""

    path: str
    text: str
    version: int | None  # None: not open in the editor
    edits: tuple[TextEdit, ...]
    create: bool = False
    confirm: bool = False  # a sensitive file: its edits always need the user's yes


def lsp_range(index: LineIndex, start: int, end: int, encoding: Encoding) -> types.Range:
    s_line, s_char = index.position(start, encoding)
    e_line, e_char = index.position(end, encoding)
    return types.Range(
        start=types.Position(line=s_line, character=s_char),
        end=types.Position(line=e_line, character=e_char),
    )


def text_edits(
    text: str, edits: Sequence[TextEdit], encoding: Encoding, annotation: str | None
) -> list[types.TextEdit | types.AnnotatedTextEdit]:
    index = LineIndex(text)
    result: list[types.TextEdit | types.AnnotatedTextEdit] = []
    for edit in edits:
        rng = lsp_range(index, edit.start, edit.end, encoding)
        if annotation:
            result.append(
                types.AnnotatedTextEdit(range=rng, new_text=edit.new_text, annotation_id=annotation)
            )
        else:
            result.append(types.TextEdit(range=rng, new_text=edit.new_text))
    return result


def workspace_edit(
    root: Path,
    files: Sequence[FileEdits],
    client: ClientFeatures,
    annotation: types.ChangeAnnotation | None = None,
    confirm_annotation: types.ChangeAnnotation | None = None,
) -> types.WorkspaceEdit:
    """Creations become CreateFile only when the client said it supports them.

    Callers write new files to disk themselves when `client.create_files` is False
    and pass them here with `create=False` and empty `text`. Files marked `confirm`
    carry `confirm_annotation` (needsConfirmation) instead of `annotation`.
    """
    annotation_id = "agentls" if annotation and client.change_annotations else None
    confirm_id = CONFIRM_ANNOTATION if confirm_annotation and client.change_annotations else None
    uri_of = {f.path: uris.from_fs_path(str(root / f.path)) or "" for f in files}
    if not client.document_changes:
        changes: dict[str, Sequence[types.TextEdit]] = {
            uri_of[f.path]: [
                types.TextEdit(range=e.range, new_text=e.new_text)
                for e in text_edits(f.text, f.edits, client.encoding, None)
            ]
            for f in files
        }
        return types.WorkspaceEdit(changes=changes)
    operations: list[types.TextDocumentEdit | types.CreateFile] = []
    used: set[str] = set()
    for f in files:
        uri = uri_of[f.path]
        file_annotation = confirm_id if f.confirm and confirm_id else annotation_id
        if file_annotation:
            used.add(file_annotation)
        if f.create:
            operations.append(
                types.CreateFile(
                    uri=uri,
                    options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False),
                    annotation_id=file_annotation,
                )
            )
        edits = text_edits(f.text, f.edits, client.encoding, file_annotation)
        if f.create:
            # A new buffer already holds one empty line; reaching past it keeps Neovim from
            # writing an extra newline. Clients clamp the end to the document's end.
            edits[0].range.end = types.Position(line=1, character=0)
        operations.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=f.version
                ),
                edits=edits,
            )
        )
    by_id = {annotation_id: annotation, confirm_id: confirm_annotation}
    annotations = {i: a for i, a in by_id.items() if i in used and i and a}
    return types.WorkspaceEdit(document_changes=operations, change_annotations=annotations or None)
