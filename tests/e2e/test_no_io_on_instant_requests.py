"""codeAction, codeAction/resolve and hover never read the workspace nor call a model.

The real server runs with an audit hook (a `sitecustomize` put first on PYTHONPATH)
that records every `open`, `os.listdir` and `os.scandir` under the workspace, with
the time, to a log file. Each request's window (sent .. answered) must hold none, and
the scripted model must have received no request at all.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import MAIN_PY
from tests.support.fake_model import FakeModel
from tests.support.lsp_harness import lsp_session, range_of

AUDIT_SHIM = """
import json, os, sys, time

_root = os.environ.get("AGENTLS_TEST_AUDIT_ROOT")
_log = os.environ.get("AGENTLS_TEST_AUDIT_LOG")
if _root and _log:
    _root = os.path.realpath(_root)
    _out = open(_log, "a", buffering=1, encoding="utf-8")  # before the hook: not recorded

    def _hook(event, args):
        if event not in ("open", "os.listdir", "os.scandir") or not args:
            return
        path = args[0]
        if isinstance(path, int) or path is None:
            return
        try:
            path = os.path.realpath(os.fsdecode(path))
        except Exception:
            return
        if path == _root or path.startswith(_root + os.sep):
            _out.write(json.dumps({"t": time.time(), "event": event, "path": path}) + "\\n")

    sys.addaudithook(_hook)
"""


def _events(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def _during(events: list[dict[str, object]], start: float, end: float) -> list[dict[str, object]]:
    return [e for e in events if start <= float(e["t"]) <= end]  # type: ignore[arg-type]


async def test_instant_requests_do_no_io_and_call_no_model(
    tmp_path: Path, workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(AUDIT_SHIM, encoding="utf-8")
    log = tmp_path / "audit.jsonl"
    server_env = dict(env)
    server_env["PYTHONPATH"] = str(shim) + (
        ":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    server_env["AGENTLS_TEST_AUDIT_ROOT"] = str(workspace)
    server_env["AGENTLS_TEST_AUDIT_LOG"] = str(log)

    async with lsp_session(workspace, server_env) as session:
        session.editor.open("app/main.py")
        rng = range_of(MAIN_PY, "# TODO: add a /health endpoint")
        uri = session.editor.uri("app/main.py")
        # The server handles messages in order: once it answers this (unknown) request,
        # `initialized` (which loads settings and agents from the workspace) and didOpen
        # are done, and their IO cannot fall inside the windows below.
        with contextlib.suppress(Exception):
            await session.raw_request("agentls/noSuchMethod", {})
        # the shim is live: the server's start-up read the workspace
        assert _events(log), "the audit hook recorded nothing; is the shim loaded?"

        windows: list[tuple[str, float, float]] = []
        for _ in range(2):  # the first time included: nothing is loaded lazily from disk
            start = time.time()
            actions = await session.code_actions("app/main.py", rng)
            windows.append(("codeAction", start, time.time()))
            assert actions

            start = time.time()
            resolved = await session.client.code_action_resolve_async(actions[0])
            windows.append(("codeAction/resolve", start, time.time()))
            assert resolved.title == actions[0].title

            start = time.time()
            await session.client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=rng.start
                )
            )
            windows.append(("hover", start, time.time()))

    events = _events(log)
    found = [(name, hit) for name, start, end in windows for hit in _during(events, start, end)]
    assert found == [], json.dumps(found, indent=1)
    assert fake_model.requests == []
