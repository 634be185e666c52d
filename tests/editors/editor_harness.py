"""Shared helpers for the real-editor tests: workspace copies, the scripted model, env.

Each editor test starts the loopback scripted model (tests/support/fake_model.py), points
`agentls serve` at it through the environment, runs the editor headless with a generated
init, and checks the files on disk plus the JSON report the editor-side script writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EDITORS_TESTS = REPO / "tests" / "editors"
SNIPPETS = REPO / "editors"
FIXTURES = EDITORS_TESTS / "fixtures"
FAKE_MODEL = Path(os.environ.get("AGENTLS_TEST_FAKE_MODEL", REPO / "tests/support/fake_model.py"))

# Where `agentls` is found first: this venv's bin folder unless told otherwise.
AGENTLS_BIN_DIR = Path(os.environ.get("AGENTLS_TEST_BIN_DIR", Path(sys.executable).parent))

TODO_LINE = "# TODO: add a /health endpoint"
HOVER_LINE = "def health_endpoint"
EXPLANATION = "I added a health endpoint and a helper module."

# Variables that would point agentls or the editors at the user's own setup.
_LEAKY_ENV = ("AGENTLS_", "OPENAI_", "ANTHROPIC_", "OLLAMA_", "XDG_", "NVIM", "VIM", "EMACS")


def expected_files() -> dict[str, str]:
    """Workspace-relative path -> content after a successful "Implement backend"."""
    root = FIXTURES / "expected"
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
    }


def scripted_answer(files: dict[str, str] | None = None) -> str:
    """The model's answer: prose (the explanation) plus one titled fence per file."""
    files = expected_files() if files is None else files
    fences = [f'```python title="{path}"\n{content}```' for path, content in files.items()]
    return EXPLANATION + "\n\n" + "\n\n".join(fences) + "\n"


# Review and iterate (Revert, Undo, Refine, answers) on the applied "Implement backend" run.
# It changed app/main.py in two hunks (the import, the endpoint) and created app/health.py.
REVIEW_LINE = "def health_endpoint"  # inside the endpoint hunk
ENDPOINT = '@app.get("/health")\ndef health_endpoint():\n    return health()\n'
REFINE_INSTRUCTION = "make the endpoint async"
QUESTION = "Should /health also check the database, or only report that the app is up?"
ANSWER = "only report that the app is up"


def original_files() -> dict[str, str]:
    """The workspace before any run."""
    return snapshot(FIXTURES / "workspace")


def main_without_the_endpoint() -> str:
    """app/main.py with the run's import but its endpoint hunk reverted (the TODO back)."""
    original = original_files()["app/main.py"]
    fastapi = "from fastapi import FastAPI\n"
    imported = original.replace(fastapi, "from app.health import health\n" + fastapi)
    assert imported != original and imported != expected_files()["app/main.py"]
    return imported


def refined_turn() -> dict[str, Any]:
    """The model's answer to Refine with REFINE_INSTRUCTION: the endpoint, made async
    (a block without a path: it replaces the refined hunk)."""
    code = ENDPOINT.replace("def health_endpoint", "async def health_endpoint")
    return {"answer": f"Now it is async.\n\n```python\n{code}```\n", "match": REFINE_INSTRUCTION}


def refined_main() -> str:
    main = expected_files()["app/main.py"]
    assert ENDPOINT in main
    return main.replace("def health_endpoint", "async def health_endpoint")


def messages(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat messages of one recorded model request."""
    return list(request["body"]["messages"])


def copy_workspace(dest: Path) -> Path:
    shutil.copytree(FIXTURES / "workspace", dest)
    return dest


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root (but .git) as relative path -> text."""
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def git_init(root: Path) -> None:
    """Make root a git repository: Emacs 28's project.el finds roots through VCS only."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)


class FakeModel:
    """The loopback scripted model, run as its own process."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self, turns: list[dict[str, Any]]) -> None:
        script = self._workdir / "script.json"
        script.write_text(json.dumps(turns), encoding="utf-8")
        port_file = self._workdir / "model.port"
        self._proc = subprocess.Popen(
            [
                sys.executable,
                str(FAKE_MODEL),
                "--port",
                "0",
                "--port-file",
                str(port_file),
                "--script",
                str(script),
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(self._workdir / "model.log", "wb"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                self.port = int(port_file.read_text().strip())
                return
            if self._proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"fake model did not start: {(self._workdir / 'model.log').read_text()}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_requests", timeout=5) as r:
            answer = json.loads(r.read())
        return answer if isinstance(answer, list) else answer.get("requests", [])

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=5)


def answer_turn(files: dict[str, str] | None = None) -> dict[str, Any]:
    return {"answer": scripted_answer(files)}


def slow_turn(seconds: float = 30.0) -> dict[str, Any]:
    return {"answer": scripted_answer(), "delay": seconds}


def server_env(model: FakeModel, home: Path) -> dict[str, str]:
    """Environment for an editor whose `agentls serve` must talk to the scripted model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_ENV)}
    for sub in ("config", "state", "data", "cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env.update(
        PATH=os.pathsep.join([str(AGENTLS_BIN_DIR), env.get("PATH", "")]),
        HOME=str(home),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        AGENTLS_PROVIDER="openai",
        AGENTLS_BASE_URL=model.base_url,
        AGENTLS_MODEL="scripted-model",
        OPENAI_API_KEY="test-key",
    )
    return env


@dataclass
class EditorRun:
    report: dict[str, Any]
    stdout: str
    stderr: str
    seconds: float


def run_editor(argv: list[str], env: dict[str, str], report: Path, cwd: Path) -> EditorRun:
    """Run an editor to completion and return the JSON report its script wrote."""
    started = time.monotonic()
    proc = subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL
    )
    seconds = time.monotonic() - started
    if not report.exists():
        raise AssertionError(
            f"{argv[0]} wrote no report (exit {proc.returncode})\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return EditorRun(json.loads(report.read_text()), proc.stdout, proc.stderr, seconds)


def find_editor(env_var: str, default: str) -> str:
    """The editor binary: $env_var, else default; fails loudly when missing."""
    path = os.environ.get(env_var, default)
    found = shutil.which(path)
    if not found:
        raise AssertionError(f"{path} not found: install the editors with .ci/editors.sh")
    return found
