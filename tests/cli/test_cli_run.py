"""`agentls run` against the scripted model: output, --apply, --json, exit codes, Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import agentls.llm.local
from agentls.cli_run import RunOptions, read_file_selection, run
from agentls.llm.local import LOCAL_FALLBACK_NOTICE
from tests.cli.conftest import MAIN_PY
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import server_env

NEW_MAIN = MAIN_PY.replace(
    '# TODO: add a health function that returns {"status": "ok"}\n',
    "def health():\n    return status()\n",
).replace('"""A tiny service."""\n', '"""A tiny service."""\n\nfrom app.status import status\n')
STATUS_PY = 'def status():\n    return {"status": "ok"}\n'
GOOD_ANSWER = f"""Added `health()` and a status helper.

```python title="app/main.py"
{NEW_MAIN}```

app/status.py
```python
{STATUS_PY}```
"""
BAD_SEARCH = """app/main.py
```python
<<<<<<< SEARCH
def missing():
    pass
=======
def health():
    return {}
>>>>>>> REPLACE
```
"""


class TtyText(io.StringIO):
    def isatty(self) -> bool:
        return True


async def agentls_run(
    env: dict[str, str], workspace: Path, instruction: str = "implement the TODO", **flags: object
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    options = RunOptions(workspace=workspace, instruction=instruction, **flags)  # type: ignore[arg-type]
    code = await run(options, env=env, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


async def test_prints_explanation_and_diff_without_touching_files(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER)])
    before = tree(workspace)
    code, out, _ = await agentls_run(env, workspace)
    assert code == 0
    assert out.startswith("Added `health()` and a status helper.")
    assert "--- a/app/main.py\n+++ b/app/main.py\n" in out
    assert "--- /dev/null\n+++ b/app/status.py\n" in out
    assert "+def health():\n" in out
    assert tree(workspace) == before


async def test_apply_writes_every_file(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER)])
    code, _, err = await agentls_run(env, workspace, apply=True)
    assert code == 0, err
    assert tree(workspace) == {
        "README.md": "# Demo\n\nA tiny service.\n",
        "app/main.py": NEW_MAIN,
        "app/status.py": STATUS_PY,
    }
    assert not list(workspace.rglob("*.tmp"))


async def test_json_result_is_machine_readable(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER, usage=(120, 40))])
    code, out, _ = await agentls_run(env, workspace, apply=True, as_json=True)
    result = json.loads(out)
    assert code == 0
    assert result["status"] == "applied" and result["applied"] is True
    assert result["provider"] == "openai"
    assert [(f["path"], f["kind"]) for f in result["files"]] == [
        ("app/main.py", "modify"),
        ("app/status.py", "create"),
    ]
    assert all(f["diff"].startswith("---") for f in result["files"])
    assert result["problems"] == []
    assert result["explanation"].startswith("Added")
    assert (result["input_tokens"], result["output_tokens"]) == (120, 40)


@pytest.mark.parametrize(
    ("answer", "status"),
    [(BAD_SEARCH, "refused"), ("I would rather not change anything.", "empty")],
)
async def test_unusable_answer_exits_1_and_changes_nothing(
    answer: str, status: str, env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(answer)])
    before = tree(workspace)
    code, out, err = await agentls_run(env, workspace, apply=True, as_json=True)
    assert code == 1
    result = json.loads(out)
    assert result["status"] == status and result["applied"] is False
    assert result["message"]
    assert err
    assert tree(workspace) == before


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        (Turn("", status=500), 1),
        (Turn("", status=401), 2),
    ],
)
async def test_model_failures_exit_with_a_message(
    turn: Turn, expected: int, env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([turn])
    code, out, err = await agentls_run(env, workspace)
    assert code == expected
    assert out == ""
    assert err.startswith("agentls: ")


@pytest.mark.parametrize(
    ("instruction", "flags", "env_changes"),
    [
        ("", {}, {}),
        ("x", {"agent": "no-such-agent"}, {}),
        ("x", {"scope": "selection"}, {}),
        ("x", {"file": "../outside.py"}, {}),
        ("x", {"file": "app/main.py:40-50"}, {}),
        ("x", {"file": "app/missing.py"}, {}),
        ("x", {}, {"AGENTLS_BASE_URL": "", "OPENAI_API_KEY": ""}),
    ],
)
async def test_usage_and_config_errors_exit_2(
    instruction: str,
    flags: dict[str, object],
    env_changes: dict[str, str],
    env: dict[str, str],
    workspace: Path,
    fake_model: FakeModel,
) -> None:
    env = {k: v for k, v in {**env, **env_changes}.items() if v}
    code, out, err = await agentls_run(env, workspace, instruction, **flags)
    assert code == 2
    assert out == ""
    assert err.startswith("agentls: ")
    assert fake_model.requests == []


async def test_missing_workspace_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    code, _, err = await agentls_run(env, tmp_path / "nope", as_json=True)
    assert code == 2
    assert "not a folder" in err


async def test_file_range_selects_those_lines(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    replacement = 'def health():\n    return {"status": "ok"}'
    fake_model.script([Turn(f"Done.\n\n```python\n{replacement}\n```\n")])
    code, _, err = await agentls_run(env, workspace, "", file="app/main.py:8", apply=True)
    assert code == 0, err
    prompt = json.dumps(fake_model.requests[-1].body["messages"])
    assert "<<<agentls:selection>>># TODO: add a health function" in prompt
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY.replace(
        '# TODO: add a health function that returns {"status": "ok"}', replacement
    )


async def test_spinner_shows_tokens_on_a_tty(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER, chunk_size=4, chunk_delay=0.01)])
    out, err = io.StringIO(), TtyText()
    code = await run(RunOptions(workspace, "implement"), env=env, out=out, err=err)
    assert code == 0
    assert "tokens)" in err.getvalue()
    assert err.getvalue().endswith("\r\x1b[2K")


async def test_quiet_when_stderr_is_not_a_tty(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER)])
    _, _, err = await agentls_run(env, workspace)
    assert "\r" not in err and "tokens" not in err


def test_ctrl_c_cancels_cleanly(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER, chunk_size=1, chunk_delay=0.2)])
    before = tree(workspace)
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentls", "run", "--workspace", str(workspace), "--apply", "go"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell's background job ignores SIGINT, and children inherit that: restore the
        # default so the test holds however pytest itself was started.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not fake_model.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # let the stream start
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert fake_model.wait_for_aborted(1)
    assert tree(workspace) == before


async def test_no_provider_and_no_local_model_says_what_was_looked_for(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agentls.llm.local, "local_available", lambda: False)
    code, out, err = await agentls_run(server_env(tmp_path), workspace)
    assert code == 2
    assert out == ""
    for looked_for in ("AGENTLS_PROVIDER", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "[local]"):
        assert looked_for in err


async def test_local_installed_but_not_pulled_says_to_pull(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agentls.llm.local, "local_available", lambda: True)
    env = server_env(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", env["XDG_CACHE_HOME"])  # no model pulled there
    code, _, err = await agentls_run(env, workspace)
    assert code == 2
    assert "agentls model pull" in err


async def test_falls_back_to_a_present_local_model_and_says_so_once(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file is no real GGUF, so the model server then fails to start: exit 1, not 2.
    monkeypatch.setattr(agentls.llm.local, "local_available", lambda: True)
    gguf = tmp_path / "not-really.gguf"
    gguf.write_bytes(b"GGUF")
    env = server_env(tmp_path, AGENTLS_MODEL=str(gguf))
    code, _, err = await agentls_run(env, workspace)
    assert code == 1
    assert err.count(LOCAL_FALLBACK_NOTICE) == 1


@pytest.mark.parametrize(
    ("text", "spec", "selected"),
    [
        ("a\nb\nc\n", "f.py:2", "b"),
        ("a\nb\nc", "f.py:3", "c"),
        ("a\r\nb\r\nc\r\n", "f.py:1-2", "a\r\nb"),
        ("a\x0cb\nc\n", "f.py:2", "c"),
        ("", "f.py:1", ""),
    ],
)
def test_file_ranges_count_lines_like_editors(
    text: str, spec: str, selected: str, tmp_path: Path
) -> None:
    (tmp_path / "f.py").write_bytes(text.encode())
    snapshot, (start, end), has_range = read_file_selection(spec, tmp_path.resolve())
    assert snapshot is not None and has_range
    assert snapshot.text[start:end] == selected
