"""`agentls run` refuses a prompt larger than the model's window before calling the model."""

from __future__ import annotations

import json
from pathlib import Path

from agentls.cli_run import EXIT_USAGE
from tests.cli.conftest import MAIN_PY
from tests.cli.test_cli_run import agentls_run
from tests.support.fake_model import FakeModel, Turn

BIG_MAIN = MAIN_PY + "".join(f"\n\ndef route_{i}():\n    return {i}\n" for i in range(400))


async def test_a_file_over_the_window_is_refused_with_what_to_change(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    (workspace / "app" / "main.py").write_text(BIG_MAIN, encoding="utf-8")
    fake_model.props = {"default_generation_settings": {"n_ctx": 2048}}
    fake_model.script([Turn("never sent")])
    code, out, err = await agentls_run(env, workspace, file="app/main.py:3")
    assert code == EXIT_USAGE
    assert out == ""
    assert "backend-developer failed: The prompt is too large for the model's context" in err
    source = f"the server's /props (llama.cpp) at {fake_model.base_url}"
    assert f"holds 2,048 tokens (from {source})" in err
    assert "lower context.max_tokens" in err and "set context_window" in err
    assert fake_model.requests == []
    assert (workspace / "app" / "main.py").read_text(encoding="utf-8") == BIG_MAIN


async def test_the_context_window_setting_wins_and_json_reports_the_refusal(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    (workspace / "app" / "main.py").write_text(BIG_MAIN, encoding="utf-8")
    fake_model.props = {"default_generation_settings": {"n_ctx": 1_000_000}}
    code, out, err = await agentls_run(
        {**env, "AGENTLS_CONTEXT_WINDOW": "1024"}, workspace, file="app/main.py:3", as_json=True
    )
    assert code == EXIT_USAGE
    report = json.loads(out)
    assert report["status"] == "usage-error" and report["applied"] is False
    assert "holds 1,024 tokens (from the context_window setting)" in report["message"]
    assert report["message"] in err
    assert fake_model.probes == []  # the setting is first: the server is not asked
    assert fake_model.requests == []
