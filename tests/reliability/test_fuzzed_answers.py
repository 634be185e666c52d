"""Hypothesis-built model answers through the whole server: parse, match, rebase, convert to
LSP and apply. Every run ends in exactly one outcome (an applied edit with in-range
positions, or one message); none is an unexpected failure; the server keeps serving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls import uris

from tests.e2e.conftest import MAIN_PY
from tests.reliability.support import TODO_RANGE, shown, still_serving
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import Session, lsp_session

PATHS = ["app/main.py", "app/new.py", "app/ü/ñ.py", "README.md", "../x.py", "app/main.py "]
MAIN_LINES = MAIN_PY.splitlines()
VALID = [*MAIN_LINES, "x = '😀'", "pass", "y = 'é\tü'", "import os", "\r"]

comment = st.text(max_size=12).map(lambda t: "# " + " ".join(t.splitlines()))
line = st.sampled_from(VALID) | comment | st.sampled_from(["    pass", "\tif True:", "é" * 3])
body = st.lists(line, max_size=6).map("\n".join)
quoted = st.builds(  # a run of the file's own lines, as a model quotes them
    lambda start, size: "\n".join(MAIN_LINES[start : start + size]),
    st.integers(0, len(MAIN_LINES) - 1),
    st.integers(1, 3),
)
path = st.sampled_from(PATHS)
whole = st.builds(lambda p, b: f'```python title="{p}"\n{b}\n```\n', path, body)
bare = st.builds(lambda b: f"```python\n{b}\n```\n", body)
search_replace = st.builds(
    lambda p, old, new: (
        f"{p}\n```python\n<<<<<<< SEARCH\n{old}\n=======\n{new}\n>>>>>>> REPLACE\n```\n"
    ),
    path,
    quoted | body,
    body,
)
diff = st.builds(
    lambda p, old, new: f"```diff\n--- a/{p}\n+++ b/{p}\n@@ -1,2 +1,2 @@\n-{old}\n+{new}\n```\n",
    path,
    quoted | line,
    line,
)
prose = st.sampled_from(["Done.", "", "Here you go:", "I changed `app/main.py`."])
answers = st.lists(prose | whole | bare | search_replace | diff, min_size=1, max_size=4).map(
    "\n\n".join
)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def out_of_range(text: str, edits: list[Any]) -> list[str]:
    lines = text.split("\n")
    bad = []
    for edit in edits:
        for pos in (edit.range.start, edit.range.end):
            if pos.line > len(lines) or (
                pos.line < len(lines) and pos.character > utf16_len(lines[pos.line])
            ):
                bad.append(f"{pos} outside a {len(lines)}-line text")
    return bad


def checking_apply(session: Session, problems: list[str]) -> Any:
    editor = session.editor

    def apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        for op in params.edit.document_changes or []:
            if isinstance(op, types.TextDocumentEdit):
                uri = op.text_document.uri
                buffer = editor.buffers.get(uri)
                disk = Path(uris.to_fs_path(uri) or "")
                text = buffer.text if buffer else (disk.read_text() if disk.exists() else "")
                problems.extend(out_of_range(text, list(op.edits)))
        return editor.apply(params)

    return apply


def reset(session: Session, workspace: Path) -> None:
    current = session.editor.text("app/main.py")
    if current != MAIN_PY:
        session.editor.type_text("app/main.py", 0, MAIN_PY, end=len(current))
    for created in ("app/new.py", "app/ü/ñ.py", "app/main.py "):
        (workspace / created).unlink(missing_ok=True)
    (workspace / "README.md").write_text("# Demo service\n\nA FastAPI app.\n")


async def test_fuzzed_answers_end_in_one_clean_outcome(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    samples: list[str] = []

    @settings(
        max_examples=60,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(answers)
    def collect(answer: str) -> None:
        samples.append(answer)

    collect()
    async with lsp_session(workspace, env) as session:
        problems: list[str] = []
        session.client.protocol.fm.features[types.WORKSPACE_APPLY_EDIT] = checking_apply(
            session, problems
        )
        session.editor.open("app/main.py")
        for index, answer in enumerate(samples):
            fake_model.script([Turn(answer)])
            seen, applied = len(shown(session)), len(session.editor.applied)
            scope = "workspace" if index % 2 else "selection"
            result = await session.run("app/main.py", TODO_RANGE, scope=scope)
            new = [m.message for m in shown(session)[seen:]]
            outcome = (result["status"], new, answer)
            assert not any("unexpectedly" in m for m in new), outcome
            if result["status"] == "applied":
                assert len(session.editor.applied) == applied + 1 and new == [], outcome
            else:
                assert len(new) == 1 and len(session.editor.applied) == applied, outcome
            assert problems == [], (problems, answer)
            reset(session, workspace)
        assert await still_serving(session)
    assert not (workspace.parent / "x.py").exists()
