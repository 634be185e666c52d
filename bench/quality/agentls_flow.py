"""The agentls flow: the real `agentls run --apply --json` as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUN_TIMEOUT = 900.0
MAX_KEPT_CHARS = 4000  # per raw answer kept in the results


@dataclass(frozen=True, slots=True)
class AgentlsRun:
    exit_code: int
    status: str  # from the JSON: applied, refused, failed, empty, usage-error; or "crashed"
    reason: str  # first line of what agentls said when it changed nothing
    explanation: str
    problems: list[str]
    input_tokens: int | None
    output_tokens: int | None
    repair_rounds: int | None
    answers: list[str] = field(default_factory=list)  # raw model answers, each round
    stderr_tail: str = ""
    seconds: float = 0.0


def agentls_command() -> list[str]:
    return [sys.executable, "-m", "agentls"]


def run_env(
    base_url: str, model: str, *, temperature: float, max_tokens: int, home: Path
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AGENTLS_") and not key.endswith("_API_KEY")
    }
    env.update(
        AGENTLS_PROVIDER="openai",
        AGENTLS_BASE_URL=base_url,
        AGENTLS_MODEL=model,
        AGENTLS_TEMPERATURE=str(temperature),
        AGENTLS_MAX_TOKENS=str(max_tokens),
        OPENAI_API_KEY="bench-dummy",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_agentls(
    workspace: Path,
    file_spec: str,
    scope: str,
    instruction: str,
    *,
    base_url: str,
    model: str,
    temperature: float,
    max_tokens: int,
    source: Path | None = None,
    timeout: float = RUN_TIMEOUT,
    extra_env: dict[str, str] | None = None,
    user_config: dict[str, Any] | None = None,
) -> AgentlsRun:
    """``source``: a folder holding an agentls ``server/`` tree to run instead of the
    installed package (see `snapshot_source`). ``user_config``: written as the run's user
    settings file (``$XDG_CONFIG_HOME/agentls/config.yaml``)."""
    argv = [
        *agentls_command(),
        "run",
        "--workspace",
        str(workspace),
        "--file",
        file_spec,
        "--scope",
        scope,
        "--apply",
        "--json",
        instruction,
    ]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="agentls-quality-home-") as home:
        env = run_env(
            base_url, model, temperature=temperature, max_tokens=max_tokens, home=Path(home)
        )
        env.update(extra_env or {})
        if user_config:
            config_file = Path(home) / "config" / "agentls" / "config.yaml"
            config_file.parent.mkdir(parents=True)
            config_file.write_text(json.dumps(user_config), encoding="utf-8")  # JSON is YAML
        if source is not None:
            env["PYTHONPATH"] = str(source / "server")
        try:
            done = subprocess.run(
                argv, env=env, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return _crashed(-1, f"agentls run timed out after {timeout:.0f} s", "", started)
    seconds = time.monotonic() - started
    stderr_tail = "\n".join(done.stderr.strip().splitlines()[-8:])
    try:
        data: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        first = (done.stderr.strip().splitlines() or ["no JSON on stdout"])[-1]
        return _crashed(done.returncode, first, stderr_tail, started)
    return parse_result(data, done.returncode, stderr_tail, seconds)


def parse_result(
    data: dict[str, Any], exit_code: int, stderr_tail: str, seconds: float
) -> AgentlsRun:
    problems = [str(p.get("message", "")) for p in data.get("problems") or []]
    problems += [str(p.get("message", "")) for p in data.get("check_problems") or []]
    status = str(data.get("status", ""))
    reason = ""
    if status != "applied":
        for text in [*problems, str(data.get("message") or ""), stderr_tail]:
            if text.strip():
                reason = text.strip().splitlines()[0]
                break
    transcript = data.get("transcript") or {}
    answers = [
        str(m.get("text", ""))[:MAX_KEPT_CHARS]
        for m in transcript.get("messages") or []
        if m.get("answer")
    ]
    return AgentlsRun(
        exit_code=exit_code,
        status=status,
        reason=reason,
        explanation=str(data.get("explanation") or "")[:MAX_KEPT_CHARS],
        problems=problems,
        input_tokens=data.get("input_tokens"),
        output_tokens=data.get("output_tokens"),
        repair_rounds=data.get("repair_rounds"),
        answers=answers,
        stderr_tail=stderr_tail,
        seconds=seconds,
    )


def _crashed(code: int, reason: str, stderr_tail: str, started: float) -> AgentlsRun:
    return AgentlsRun(
        exit_code=code,
        status="crashed",
        reason=reason,
        explanation="",
        problems=[],
        input_tokens=None,
        output_tokens=None,
        repair_rounds=None,
        stderr_tail=stderr_tail,
        seconds=time.monotonic() - started,
    )


def snapshot_source(rev: str, repo: Path, target: Path) -> str:
    """Extract agentls's ``server/`` and ``agents/`` at ``rev`` into ``target``, so a run
    measures one commit even while the working tree is being edited. Returns the
    commit's short hash."""
    short = subprocess.run(
        ["git", "rev-parse", "--short", f"{rev}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", short, "server", "agents"], cwd=repo, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return short
