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


@dataclass(frozen=True, slots=True)
class FileEdits:
    """Edits for one file, against `text` (what the editor holds now)."""

    path: str
    text: str
    version: int | None  # None: not open in the editor
    edits: tuple[TextEdit, ...]
    create: bool = False


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
) -> types.WorkspaceEdit:
    """Creations become CreateFile only when the client said it supports them.

    Callers write new files to disk themselves when `client.create_files` is False
    and pass them here with `create=False` and empty `text`.
    """
    annotation_id = "agentls" if annotation and client.change_annotations else None
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
    for f in files:
        uri = uri_of[f.path]
        if f.create:
            operations.append(
                types.CreateFile(
                    uri=uri,
                    options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False),
                    annotation_id=annotation_id,
                )
            )
        edits = text_edits(f.text, f.edits, client.encoding, annotation_id)
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
    return types.WorkspaceEdit(
        document_changes=operations,
        change_annotations={annotation_id: annotation} if annotation_id and annotation else None,
    )
