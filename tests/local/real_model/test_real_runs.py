"""`agentls run` and an LSP "Implement backend" session against the real embedded model.

The model is tiny, so what it writes is not judged. Every run must end in a valid edit
applied inside the workspace, or in a clear message; never a crash or a corrupt file.
"""

from __future__ import annotations

import ast
import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls import uris

from tests.local.real_model.conftest import EXAMPLE
from tests.support.lsp_harness import lsp_session, range_of

TODO = '# TODO: add a /health endpoint that returns {"status": "ok"}'


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_valid_python(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        if path.endswith(".py"):
            ast.parse(data.decode("utf-8"), filename=path)


def assert_only_inside(tmp_path: Path, allowed: set[str]) -> None:
    assert {p.name for p in tmp_path.iterdir()} <= allowed


@pytest.mark.parametrize(
    "flags",
    [
        ["Add the /health endpoint described in the TODO"],
        ["--file", "app/main.py:11", "--scope", "selection"],
    ],
    ids=["workspace", "selection"],
)
def test_agentls_run_applies_a_valid_edit_or_says_why_not(
    flags: list[str], example_workspace: Path, local_env: dict[str, str], tmp_path: Path
) -> None:
    before = snapshot(example_workspace)
    command = ["agentls", "run", "--workspace", str(example_workspace), "--apply", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", *command, *flags],
        env=local_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr
    result = json.loads(done.stdout)
    after = snapshot(example_workspace)
    if done.returncode == 0:
        assert result["status"] == "applied"
        changed = {p for p in after if after[p] != before.get(p)}
        assert changed <= {f["path"] for f in result["files"]}
        assert_valid_python(after)
    else:
        assert result["status"] in ("refused", "empty", "failed")
        assert result["message"]
        assert after == before
    assert_only_inside(tmp_path, {"ws", "home"})


async def test_lsp_implement_backend_ends_in_an_edit_or_a_message(
    example_workspace: Path, local_env: dict[str, str], tmp_path: Path
) -> None:
    root_uri = uris.from_fs_path(str(example_workspace)) or ""
    async with lsp_session(example_workspace, local_env) as session:
        session.editor.open("app/main.py")
        text = (EXAMPLE / "app" / "main.py").read_text()
        actions = await session.code_actions("app/main.py", range_of(text, TODO))
        action = next(a for a in actions if a.title == "Implement backend")
        result = await asyncio.wait_for(session.run_action(action), timeout=300)

        assert isinstance(result, dict), result
        if result["status"] == "applied":
            assert len(session.editor.applied) == 1
            for change in session.editor.applied[0].document_changes or []:
                uri = change.uri if isinstance(change, types.CreateFile) else None
                if isinstance(change, types.TextDocumentEdit):
                    uri = change.text_document.uri
                assert uri is not None and uri.startswith(root_uri + "/")
            files = snapshot(example_workspace)
            files["app/main.py"] = session.editor.text("app/main.py").encode()
            assert_valid_python(files)
        else:
            assert session.errors(), result
            assert session.editor.text("app/main.py") == text
        # The server is still serving after the run.
        assert await session.code_actions("app/main.py", range_of(text, TODO))
    assert_only_inside(tmp_path, {"ws", "home"})
