"""'Implement backend' through a real LSP session, a real server process and a real HTTP stream."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session, range_of

NEW_MAIN = MAIN_PY.replace(
    "# TODO: add a /health endpoint that reports the service status\n",
    '@app.get("/health")\ndef health() -> dict[str, str]:\n    return status()\n',
).replace(
    "from fastapi import FastAPI\n",
    "from fastapi import FastAPI\n\nfrom app.health import status\n",
)

HEALTH_PY = 'def status() -> dict[str, str]:\n    return {"status": "ok"}\n'

WHOLE_FILE_ANSWER = f"""I added a `/health` endpoint backed by a small `status()` helper.

```python title="app/main.py"
{NEW_MAIN}```

app/health.py
```python
{HEALTH_PY}```
"""


async def test_implement_backend_applies_edit_and_creates_file(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    fake_model.script([Turn(WHOLE_FILE_ANSWER)])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        todo = range_of(MAIN_PY, "# TODO: add a /health endpoint that reports the service status")
        actions = await session.code_actions("app/main.py", todo)
        titles = [a.title for a in actions]
        assert "Implement backend" in titles
        assert "Implement backend in workspace" in titles
        action = next(a for a in actions if a.title == "Implement backend")
        assert action.kind == "refactor.rewrite.agentls"

        result = await session.run_action(action)

        assert result["status"] == "applied", session.errors()
        assert session.editor.text("app/main.py") == NEW_MAIN
        assert (workspace / "app" / "health.py").read_text() == HEALTH_PY
        # One applyEdit, versioned against the open buffer, creating the new file.
        assert len(session.editor.applied) == 1
        operations = session.editor.applied[0].document_changes or []
        assert any(isinstance(op, types.CreateFile) for op in operations)
        main_edit = next(
            op
            for op in operations
            if isinstance(op, types.TextDocumentEdit) and op.text_document.uri.endswith("main.py")
        )
        assert main_edit.text_document.version == 1
        # Minimal: the untouched docstring and app lines are not rewritten.
        assert all(e.range.start.line >= 2 for e in main_edit.edits)
        # Progress: begin, report(s), end.
        kinds = session.progress_kinds()
        assert (
            kinds
            and kinds[0][0] == "WorkDoneProgressBegin"
            and kinds[0][-1] == "WorkDoneProgressEnd"
        )
        assert "WorkDoneProgressReport" in kinds[0]
        # The model saw the TODO, the marked selection and the README.
        prompt = fake_model.requests[-1].body["messages"][-1]["content"]
        assert "# TODO: add a /health endpoint" in prompt
        assert "README.md" in prompt
        assert not session.errors()
