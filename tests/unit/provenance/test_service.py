"""The service as the language server drives it: runs, document events, restarts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agentls.config import ProvenanceSettings
from agentls.edits.model import ChangeSet, FileChange, TextEdit
from agentls.provenance.model import TextChange
from agentls.provenance.service import ProvenanceService

from .test_ledger import record

OLD = "import os\n\n# TODO: health\n"
NEW = "import os\n\ndef health():\n    return 'ok'\n"
CHANGE = FileChange(
    "app.py", "modify", OLD, NEW, (TextEdit(11, 26, "def health():\n    return 'ok'\n"),)
)


class Editor:
    """Open documents as the server sees them, plus the messages shown."""

    def __init__(self) -> None:
        self.docs: dict[str, str] = {}
        self.shown: list[str] = []


def service_for(tmp_path: Path, editor: Editor, **settings: object) -> ProvenanceService:
    service = ProvenanceService(
        tmp_path / "ws",
        ProvenanceSettings(state_dir=str(tmp_path / "state"), **settings),  # type: ignore[arg-type]
        text_of=editor.docs.get,
        report=editor.shown.append,
    )
    service.load()
    return service


def agents_at(service: ProvenanceService, text: str, needle: str) -> list[str]:
    return [rec.agent for _, rec in service.ledger.regions_at("app.py", text.index(needle))]


def test_applied_to_an_open_document_then_typing_above(tmp_path: Path) -> None:
    editor = Editor()
    editor.docs["app.py"] = NEW
    service = service_for(tmp_path, editor)
    service.applied(record("run1"), ChangeSet((CHANGE,), "Added health."))
    assert agents_at(service, NEW, "return 'ok'") == ["backend-developer"]
    assert agents_at(service, NEW, "import os") == []
    typed = "# hello\n" + NEW
    service.changed("app.py", [TextChange(0, 0, "# hello\n")], typed)
    assert agents_at(service, typed, "return 'ok'") == ["backend-developer"]
    assert agents_at(service, typed, "# hello") == []


def test_survives_a_restart(tmp_path: Path) -> None:
    editor = Editor()
    editor.docs["app.py"] = NEW
    service = service_for(tmp_path, editor)
    service.applied(record("run1"), ChangeSet((CHANGE,), "Added health."))
    typed = "# hello\n" + NEW
    service.changed("app.py", [TextChange(0, 0, "# hello\n")], typed)
    service.closed("app.py")  # saves
    again = service_for(tmp_path, Editor())
    again.opened("app.py", typed)
    assert agents_at(again, typed, "def health") == ["backend-developer"]
    assert not editor.shown


def test_edits_while_closed_are_reanchored_on_open(tmp_path: Path) -> None:
    editor = Editor()
    service = service_for(tmp_path, editor)
    service.applied(record("run1"), ChangeSet((CHANGE,), "Added health."))  # not open: on disk
    moved = "#!/usr/bin/env python\n" + NEW.replace("'ok'", "'fine'")
    service.opened("app.py", moved)
    ((region, _),) = service.ledger.regions_in("app.py")
    assert region.edited
    assert moved[region.start : region.end].startswith("def health():")


async def test_edit_reported_after_the_apply_answer_waits_for_the_editor(tmp_path: Path) -> None:
    editor = Editor()
    editor.docs["app.py"] = OLD  # the editor has not reported the edit yet
    service = service_for(tmp_path, editor)
    service.applied(record("run1"), ChangeSet((CHANGE,), "Added health."))
    assert service.ledger.regions_in("app.py") == []
    editor.docs["app.py"] = NEW
    service.changed("app.py", [TextChange(11, 26, "def health():\n    return 'ok'\n")], NEW)
    assert agents_at(service, NEW, "return 'ok'") == ["backend-developer"]


async def test_pending_run_settles_by_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agentls.provenance.service.PENDING_DELAY", 0.01)
    editor = Editor()
    editor.docs["app.py"] = "# typed meanwhile\n" + OLD
    service = service_for(tmp_path, editor)
    service.applied(record("run1"), ChangeSet((CHANGE,), "Added health."))
    editor.docs["app.py"] = "# typed meanwhile\n" + NEW  # applied without a report
    await asyncio.sleep(0.05)
    assert agents_at(service, editor.docs["app.py"], "return 'ok'") == ["backend-developer"]


def test_corrupt_ledger_is_reported_once_and_work_goes_on(tmp_path: Path) -> None:
    editor = Editor()
    first = service_for(tmp_path, editor)
    first.file.parent.mkdir(parents=True)
    first.file.write_text("{broken", encoding="utf-8")
    editor.docs["app.py"] = NEW
    service = service_for(tmp_path, editor)
    assert len(editor.shown) == 1 and "corrupt-" in editor.shown[0]
    service.applied(record("run1"), ChangeSet((CHANGE,), "Added health."))
    assert service.file.exists()
