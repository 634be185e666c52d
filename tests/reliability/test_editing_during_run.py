"""Typing in the document while a run streams. Above the selection and inside it are in
tests/e2e/test_run_lifecycle.py; here: below it, and between the answer's edited regions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.conftest import MAIN_PY
from tests.e2e.test_implement import HEALTH_PY, NEW_MAIN, WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, shown, wait_until
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
