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


def hunk_annotations(
    files: Sequence[FileEdits], base: types.ChangeAnnotation, prefix: str = "agentls-hunk"
) -> dict[tuple[str, int], tuple[str, types.ChangeAnnotation]]:
    """One annotation per edit, so a preview lists the hunks one by one:
    (path, edit index) -> (annotation id, annotation)."""
    found: dict[tuple[str, int], tuple[str, types.ChangeAnnotation]] = {}
    for f_index, f in enumerate(files):
        index = LineIndex(f.text)
        for e_index, edit in enumerate(f.edits):
            where = "new file" if f.create else _hunk_words(index, edit)
            annotation = types.ChangeAnnotation(
                label=f"{f.path}: {where}",
                description=base.description,
                needs_confirmation=base.needs_confirmation or f.confirm,
            )
            found[(f.path, e_index)] = (f"{prefix}-{f_index}-{e_index}", annotation)
    return found


def _lines(count: int) -> str:
    return "1 line" if count == 1 else f"{count} lines"


def _hunk_words(index: LineIndex, edit: TextEdit) -> str:
    """What one edit does, in the old text's line numbers: "add 2 lines at line 5"."""
    first = index.position(edit.start)[0] + 1
    last = max(first, index.position(max(edit.end - 1, edit.start))[0] + 1)
    span = f"line {first}" if first == last else f"lines {first}-{last}"
    added = edit.new_text.count("\n") + (not edit.new_text.endswith("\n"))
    if edit.start == edit.end:
        return f"add {_lines(added)} at line {first}"
    if not edit.new_text:
        return f"remove {span}"
    return f"change {span} ({_lines(added)} now)"


def workspace_edit(
    root: Path,
    files: Sequence[FileEdits],
    client: ClientFeatures,
    annotation: types.ChangeAnnotation | None = None,
    confirm_annotation: types.ChangeAnnotation | None = None,
    *,
    per_hunk: bool = False,
    deletes: Sequence[str] = (),
) -> types.WorkspaceEdit:
    """Creations become CreateFile only when the client said it supports them.

    Callers write new files to disk themselves when `client.create_files` is False
    and pass them here with `create=False` and empty `text`. Files marked `confirm`
    carry `confirm_annotation` (needsConfirmation) instead of `annotation`.
    ``per_hunk``: each edit carries its own annotation (built from ``annotation``).
    ``deletes``: files to remove (DeleteFile; the caller checks `client.delete_files`).
    """
    if per_hunk and annotation is not None and client.change_annotations:
        return _per_hunk_edit(root, files, client, annotation, deletes)
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
    operations: list[types.TextDocumentEdit | types.CreateFile | types.DeleteFile] = []
    used: set[str] = set()
    for f in files:
        uri = uri_of[f.path]
        file_annotation = confirm_id if f.confirm and confirm_id else annotation_id
        if file_annotation:
            used.add(file_annotation)
        edits = text_edits(f.text, f.edits, client.encoding, file_annotation)
        operations.extend(_file_operations(uri, f, edits, file_annotation))
    operations.extend(_deletions(root, deletes, annotation_id))
    by_id = {annotation_id: annotation, confirm_id: confirm_annotation}
    annotations = {i: a for i, a in by_id.items() if i in used and i and a}
    return types.WorkspaceEdit(document_changes=operations, change_annotations=annotations or None)


def _file_operations(
    uri: str,
    f: FileEdits,
    edits: list[types.TextEdit | types.AnnotatedTextEdit],
    create_annotation: str | None,
) -> list[types.TextDocumentEdit | types.CreateFile]:
    """CreateFile (for a new file), then the file's TextDocumentEdit."""
    operations: list[types.TextDocumentEdit | types.CreateFile] = []
    if f.create:
        operations.append(
            types.CreateFile(
                uri=uri,
                options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False),
                annotation_id=create_annotation,
            )
        )
        if edits:
            # A new buffer already holds one empty line; reaching past it keeps Neovim from
            # writing an extra newline. Clients clamp the end to the document's end.
            edits[0].range.end = types.Position(line=1, character=0)
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=f.version)
    operations.append(types.TextDocumentEdit(text_document=identifier, edits=edits))
    return operations


def _deletions(
    root: Path, paths: Sequence[str], annotation_id: str | None
) -> list[types.DeleteFile]:
    return [
        types.DeleteFile(
            uri=uris.from_fs_path(str(root / path)) or "",
            options=types.DeleteFileOptions(ignore_if_not_exists=True),
            annotation_id=annotation_id,
        )
        for path in paths
    ]


def _per_hunk_edit(
    root: Path,
    files: Sequence[FileEdits],
    client: ClientFeatures,
    base: types.ChangeAnnotation,
    deletes: Sequence[str],
) -> types.WorkspaceEdit:
    by_hunk = hunk_annotations(files, base)
    annotations = {ident: a for ident, a in by_hunk.values()}
    operations: list[types.TextDocumentEdit | types.CreateFile | types.DeleteFile] = []
    for f in files:
        uri = uris.from_fs_path(str(root / f.path)) or ""
        index = LineIndex(f.text)
        edits: list[types.TextEdit | types.AnnotatedTextEdit] = [
            types.AnnotatedTextEdit(
                range=lsp_range(index, e.start, e.end, client.encoding),
                new_text=e.new_text,
                annotation_id=by_hunk[(f.path, i)][0],
            )
            for i, e in enumerate(f.edits)
        ]
        first = by_hunk[(f.path, 0)][0] if f.edits else None
        operations.extend(_file_operations(uri, f, edits, first))
    if deletes:
        annotations["agentls"] = base
        operations.extend(_deletions(root, deletes, "agentls"))
    return types.WorkspaceEdit(document_changes=operations, change_annotations=annotations)
