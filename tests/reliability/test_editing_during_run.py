"""Typing in the document while a run streams. Above the selection and inside it are in
tests/e2e/test_run_lifecycle.py; here: below it, and between the answer's edited regions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.conftest import MAIN_PY
from tests.e2e.test_implement import HEALTH_PY, NEW_MAIN, WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, record, shown, wait_until
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

TYPED = "# typed while the agent worked\n"
TAIL = "\n\ndef later() -> None:\n    pass\n"
AFTER_APP = MAIN_PY.index("app = FastAPI()\n") + len("app = FastAPI()\n")
WHERE = {  # where: (the file before, where the user types, the file after)
    "below the selection": (MAIN_PY + TAIL, len(MAIN_PY + TAIL), NEW_MAIN + TAIL + TYPED),
    "between edited regions": (
        MAIN_PY,
        AFTER_APP,
        NEW_MAIN.replace("app = FastAPI()\n", "app = FastAPI()\n" + TYPED),
    ),
}


@pytest.mark.parametrize("where", list(WHERE))
async def test_typing_outside_the_edited_regions_is_kept_and_the_edit_lands(
    where: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    before, offset, expected = WHERE[where]
    (workspace / "app" / "main.py").write_text(before)
    answer = (
        WHOLE_FILE_ANSWER.replace(NEW_MAIN, NEW_MAIN + TAIL)
        if TAIL in before
        else WHOLE_FILE_ANSWER
    )
    fake_model.script([Turn(answer, chunk_size=16, chunk_delay=0.02)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE))
        await wait_until(lambda: fake_model.requests)
        session.editor.type_text("app/main.py", offset, TYPED)
        result = await run
        assert result["status"] == "applied", [m.message for m in shown(session)]
        assert session.editor.text("app/main.py") == expected
        assert (workspace / "app" / "health.py").read_text() == HEALTH_PY
        assert shown(session) == []


UTIL = "def helper():\n    return 1\n"
UTIL_ANSWER = (
    "Changed the helper.\n\napp/util.py\n```python\n<<<<<<< SEARCH\n    return 1\n=======\n"
    "    return 2\n>>>>>>> REPLACE\n```\n"
)


def delete_util(workspace: Path) -> None:
    (workspace / "app" / "util.py").unlink()


def rewrite_util(workspace: Path) -> None:
    (workspace / "app" / "util.py").write_text("def helper():\n    return 42  # mine\n")


def create_health(workspace: Path) -> None:
    (workspace / "app" / "health.py").write_text("# the user's own health module\n")


ON_DISK = {  # what happens to a file that is not open while the run streams
    "deleted": (UTIL_ANSWER, delete_util, "app/util.py"),
    "changed where the answer edits": (UTIL_ANSWER, rewrite_util, "app/util.py"),
    # The model meant a new file; replacing the user's new file wholesale would lose it.
    "created by the user": (WHOLE_FILE_ANSWER, create_health, "app/health.py"),
}


@pytest.mark.parametrize("case", list(ON_DISK))
async def test_files_changed_on_disk_during_a_run_are_never_overwritten(
    case: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    answer, meddle, expected = ON_DISK[case]
    (workspace / "app" / "util.py").write_text(UTIL)
    fake_model.script([Turn(answer, chunk_size=16, chunk_delay=0.03)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        run = asyncio.ensure_future(session.run("app/main.py", TODO_RANGE, scope="workspace"))
        await wait_until(lambda: fake_model.requests)
        meddle(workspace)
        before = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()}
        result = await run
        messages = [m.message for m in shown(session)]
        record(f"on disk: {case}", messages[0] if messages else "")
        assert result["status"] == "refused", (result, messages)
        assert len(messages) == 1 and expected in messages[0], messages
        assert "nothing was" in messages[0]
        assert session.editor.applied == []
        assert session.editor.text("app/main.py") == MAIN_PY
    after = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()}
    assert after == before
