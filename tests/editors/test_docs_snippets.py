"""docs/editors.md (and any README include) shows exactly the files the editor tests load."""

from __future__ import annotations

from docs_snippets import DOC, DOCS, REPO, included, refreshed


def test_every_shipped_snippet_is_in_the_doc() -> None:
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "editors").rglob("*") if p.is_file()}
    assert shipped == set(included(DOC.read_text(encoding="utf-8")))


def test_doc_blocks_match_the_files() -> None:
    for doc_path in (p for p in DOCS if p.exists()):
        check_blocks(doc_path.read_text(encoding="utf-8"))


def check_blocks(doc: str) -> None:
    for path, body in included(doc).items():
        assert body == (REPO / path).read_text(encoding="utf-8"), (
            f"{path}: run docs_snippets.py --write"
        )
    assert refreshed(doc) == doc
