"""`agentls run --transcript` and `agentls transcript`: what was sent and what came back,
printed and kept in the state folder, redacted."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cli.test_cli_run import GOOD_ANSWER, agentls_run
from tests.support.fake_model import FakeModel, Turn

# Pattern-shaped (an AWS key id) but not one of our keys: redaction must still catch it.
LEAKY = "AKIA" + "IOSFODNN7EXAMPLE"


def transcripts(env: dict[str, str]) -> Path:
    return Path(env["XDG_STATE_HOME"]) / "agentls" / "transcripts"


async def test_transcript_flag_prints_the_prompt_and_the_raw_answer(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER, usage=(120, 40))])
    code, out, err = await agentls_run(env, workspace, transcript=True)
    assert code == 0
    assert "## system" in err and "## user" in err
    assert "## assistant (raw answer, round 1)" in err
    assert GOOD_ANSWER.strip() in err
    assert "- tokens: 120 in / 40 out" in err
    assert "## system" not in out  # stdout keeps the explanation and the diff
    saved = sorted(transcripts(env).glob("*.md"))
    assert len(saved) == 1 and f"transcript saved to {saved[0]}" in err


async def json_run(env: dict[str, str], workspace: Path) -> tuple[int, dict[str, Any]]:
    """`agentls run --transcript --json`: the exit code and the result, whose transcript
    file exists."""
    code, out, _ = await agentls_run(env, workspace, transcript=True, as_json=True)
    result = json.loads(out)
    assert Path(result["transcript"]["file"]).is_file()
    return code, result


async def test_json_carries_the_transcript(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER)])
    code, result = await json_run(env, workspace)
    assert code == 0
    data = result["transcript"]
    assert data["run_id"] == result["run_id"]
    assert data["messages"][0]["role"] == "system"
    assert [m["text"] for m in data["messages"] if m["answer"]] == [GOOD_ANSWER]


async def test_without_the_flag_the_transcript_is_kept_but_not_printed(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER)])
    code, out, err = await agentls_run(env, workspace, as_json=True)
    assert code == 0
    assert "transcript" not in json.loads(out)
    assert "## system" not in err
    folder = transcripts(env)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (saved,) = folder.glob("*.md")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert saved.stem == json.loads(out)["run_id"]


async def test_secrets_never_reach_the_stored_transcript(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    (workspace / "app" / "aws.py").write_text(f'KEY_ID = "{LEAKY}"\n', encoding="utf-8")
    key = env["OPENAI_API_KEY"]
    fake_model.script([Turn(GOOD_ANSWER + f"\nYour key is {key}.\n")])
    code, _, err = await agentls_run(env, workspace, "use app/aws.py", transcript=True)
    assert code == 0
    (saved,) = transcripts(env).glob("*.md")
    stored = saved.read_text(encoding="utf-8")
    assert "app/aws.py" in stored  # the file was sent, redacted
    assert "Your key is [REDACTED]." in stored
    for secret in (LEAKY, key):
        assert secret not in stored
        assert secret not in err


async def test_a_model_error_still_keeps_what_was_sent(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn("", status=500)])
    code, result = await json_run(env, workspace)
    assert code == 1 and result["status"] == "failed"
    data = result["transcript"]
    assert [m["role"] for m in data["messages"]][:2] == ["system", "user"]
    assert "500" in data["error"]


async def test_transcript_command_prints_the_last_and_a_named_run(
    env: dict[str, str], workspace: Path, fake_model: FakeModel
) -> None:
    fake_model.script([Turn(GOOD_ANSWER)])
    _, first, _ = await agentls_run(env, workspace, as_json=True)
    fake_model.script([Turn("Nothing to change here, sorry.")])
    _, second, _ = await agentls_run(env, workspace, as_json=True)
    first_id, second_id = json.loads(first)["run_id"], json.loads(second)["run_id"]

    def agentls(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "agentls", *args],
            env=env,
            cwd=workspace,
            capture_output=True,
            text=True,
            timeout=60,
        )

    last = agentls("transcript")
    assert last.returncode == 0, last.stderr
    assert last.stdout.startswith(f"# agentls run {second_id}\n")
    assert "Nothing to change here, sorry." in last.stdout
    named = agentls("transcript", first_id)
    assert named.returncode == 0 and GOOD_ANSWER.strip() in named.stdout
    missing = agentls("transcript", "000000000000")
    assert missing.returncode == 1 and "no transcript of run 000000000000" in missing.stderr
    disabled = subprocess.run(
        [sys.executable, "-m", "agentls", "transcript"],
        env={**env, "AGENTLS_PROVENANCE__TRANSCRIPTS": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert disabled.returncode == 1 and "no transcripts are kept" in disabled.stderr
