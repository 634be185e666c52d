"""`agentls doctor`: each misconfiguration is named with its fix; exit 1 on any problem."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

import agentls.llm.local
from agentls.cli_doctor import run
from tests.support.fake_model import FakeModel
from tests.support.lsp_harness import server_env


def doctor(env: dict[str, str], workspace: Path) -> tuple[int, dict[str, Any], str]:
    out = io.StringIO()
    code = run(workspace=workspace, as_json=True, env=env, out=out)
    text = io.StringIO()
    run(workspace=workspace, as_json=False, env=env, out=text)
    return code, json.loads(out.getvalue()), text.getvalue()


def finding(report: dict[str, Any], label: str, section: str | None = None) -> dict[str, Any]:
    """The finding with this label; outside Configuration unless `section` says so."""
    return next(
        f
        for f in report["findings"]
        if f["label"] == label
        and (f["section"] == section if section else f["section"] != "Configuration")
    )


def problems(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["problem"]]


def test_healthy_openai_setup(env: dict[str, str], workspace: Path, fake_model: FakeModel) -> None:
    fake_model.script([], models=["scripted-model", "other"])
    code, report, text = doctor(env, workspace)
    assert code == 0, problems(report)
    assert report["ok"] is True
    assert finding(report, "provider")["detail"].startswith("openai")
    assert finding(report, "API key")["detail"] == "OPENAI_API_KEY is set"
    assert finding(report, "model")["detail"] == "scripted-model"
    assert "(from env AGENTLS_MODEL)" in finding(report, "model", "Configuration")["detail"]
    assert finding(report, "backend-developer")["section"] == "Agents"
    assert env["OPENAI_API_KEY"] not in json.dumps(report) + text
    assert text.rstrip().endswith("No problems found.")


def test_model_the_server_does_not_offer(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([], models=["gpt-4o-mini"])
    code, report, text = doctor(env, workspace)
    assert code == 1
    model = finding(report, "model")
    assert "scripted-model" in model["problem"] and "gpt-4o-mini" in model["problem"]
    assert "AGENTLS_MODEL" in model["fix"]
    assert "FAIL model" in text and "fix:" in text


def test_unreachable_server(env: dict[str, str], workspace: Path, fake_model: FakeModel) -> None:
    fake_model.stop()
    code, report, _ = doctor(env, workspace)
    assert code == 1
    reachable = finding(report, "reachable")
    assert reachable["problem"] and "AGENTLS_BASE_URL" in reachable["fix"]


@pytest.mark.parametrize(("model", "ok"), [("qwen2.5-coder", True), ("llama3", False)])
def test_ollama_models_come_from_api_tags(
    model: str, ok: bool, tmp_path: Path, workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([], models=["qwen2.5-coder:latest"])
    env = server_env(
        tmp_path, AGENTLS_PROVIDER="ollama", OLLAMA_HOST=fake_model.base_url, AGENTLS_MODEL=model
    )
    code, report, _ = doctor(env, workspace)
    assert (code == 0) is ok
    assert finding(report, "models offered")["detail"] == "qwen2.5-coder:latest"
    if not ok:
        assert f"ollama pull {model}" in finding(report, "model")["fix"]


def test_missing_key_for_a_hosted_service(tmp_path: Path, workspace: Path) -> None:
    env = server_env(tmp_path, AGENTLS_PROVIDER="anthropic")
    code, report, _ = doctor(env, workspace)
    assert code == 1
    key = finding(report, "API key")
    assert key["problem"] == "ANTHROPIC_API_KEY is not set"
    assert "export ANTHROPIC_API_KEY" in key["fix"]


def test_nothing_configured_and_no_local_model(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agentls.llm.local, "local_available", lambda: False)
    code, report, _ = doctor(server_env(tmp_path), workspace)
    assert code == 1
    provider = finding(report, "provider")
    assert "OPENAI_API_KEY" in provider["problem"]
    assert "-m pip install 'xllamacpp" in provider["fix"] and "'.[local]'" in provider["fix"]


@pytest.mark.parametrize("installed", [True, False])
def test_local_default_model_not_pulled(
    installed: bool, tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agentls.llm.local, "local_available", lambda: installed)
    env = server_env(tmp_path, AGENTLS_PROVIDER="local")
    monkeypatch.setenv("XDG_CACHE_HOME", env["XDG_CACHE_HOME"])
    code, report, _ = doctor(env, workspace)
    assert code == 1
    assert finding(report, "model file")["fix"] == "run `agentls model pull`"
    runtime = finding(report, "runtime")
    assert bool(runtime["problem"]) is not installed


def test_local_model_file_shows_its_checksum(
    tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agentls.llm.local, "local_available", lambda: True)
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF model bytes")
    env = server_env(tmp_path, AGENTLS_PROVIDER="local", AGENTLS_MODEL=str(gguf))
    code, report, _ = doctor(env, workspace)
    assert code == 0, problems(report)
    assert finding(report, "model file")["detail"] == str(gguf)
    assert finding(report, "sha256")["detail"] == hashlib.sha256(b"GGUF model bytes").hexdigest()


def test_bad_setting_names_its_file(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([], models=["scripted-model"])
    (workspace / ".agentls.yaml").write_text("temperature: 7\n")
    code, report, _ = doctor(env, workspace)
    assert code == 1
    [bad] = problems(report)
    assert bad["section"] == "Configuration"
    assert ".agentls.yaml" in bad["problem"] and ".agentls.yaml" in bad["fix"]


def test_broken_agent_file(env: dict[str, str], workspace: Path, fake_model: FakeModel) -> None:
    fake_model.script([], models=["scripted-model"])
    agents = workspace / ".agentls" / "agents"
    agents.mkdir(parents=True)
    (agents / "broken.md").write_text("---\nmode: [unclosed\n---\nbody\n")
    code, report, _ = doctor(env, workspace)
    assert code == 1
    [bad] = problems(report)
    assert bad["section"] == "Agents" and bad["label"].endswith("broken.md")
    assert bad["fix"]


def test_workspace_that_is_not_a_folder(env: dict[str, str], tmp_path: Path) -> None:
    code, report, _ = doctor(env, tmp_path / "missing")
    assert code == 1
    assert problems(report)[0]["fix"] == "pass --workspace DIR"
