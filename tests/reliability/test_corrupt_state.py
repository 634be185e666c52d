"""The provenance ledger on disk is damaged between sessions (a crash mid-write, a full disk,
a bad sync): the server still starts, serves, runs and hovers."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.test_implement import NEW_MAIN, WHOLE_FILE_ANSWER
from tests.reliability.support import TODO_RANGE, shown, still_serving
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "binary": lambda data: b"\x00\xff\xfe" * 100,
    "wrong shape": lambda data: b'{"runs": "not a list", "regions": 42}',
    "empty": lambda data: b"",
}


@pytest.mark.parametrize("damage", list(DAMAGE))
async def test_a_damaged_ledger_never_stops_the_server(
    damage: str, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        assert (await session.run("app/main.py", TODO_RANGE))["status"] == "applied"
    ledgers = [p for p in Path(env["XDG_STATE_HOME"]).rglob("*.json") if p.is_file()]
    assert ledgers, "no ledger was written"
    for ledger in ledgers:
        ledger.write_bytes(DAMAGE[damage](ledger.read_bytes()))

    (workspace / "app" / "main.py").write_text(NEW_MAIN)
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        assert await still_serving(session)
        line = NEW_MAIN.splitlines().index("def health() -> dict[str, str]:")
        await session.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=session.editor.uri("app/main.py")),
                position=types.Position(line=line, character=4),
            )
        )
        await session.client.text_document_code_lens_async(
            types.CodeLensParams(
                text_document=types.TextDocumentIdentifier(uri=session.editor.uri("app/main.py"))
            )
        )
        fake_model.script([Turn("Nothing else to do.")])
        result = await session.run("app/main.py", TODO_RANGE)
        assert result["status"] in ("empty", "applied"), [m.message for m in shown(session)]
        assert not any("unexpectedly" in m.message for m in session.messages)
        assert await still_serving(session)
