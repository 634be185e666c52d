"""The scripted model server itself: turn selection, scripting API and the standalone CLI."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.fake_model import FakeModel, Turn, parse_script

SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "support" / "fake_model.py"


def chat(fake: FakeModel, user_text: str) -> httpx.Response:
    body = {"model": "m", "messages": [{"role": "user", "content": user_text}]}
    return httpx.post(f"{fake.openai_base_url}/chat/completions", json=body)


def answer_of(response: httpx.Response) -> str:
    return str(response.json()["choices"][0]["message"]["content"])


def test_unmatched_turns_are_consumed_in_order_and_the_last_repeats(fake: FakeModel) -> None:
    fake.script([Turn("one"), Turn("two")])
    assert [answer_of(chat(fake, "x")) for _ in range(3)] == ["one", "two", "two"]


def test_matched_turn_wins_when_its_text_is_in_the_last_user_message(fake: FakeModel) -> None:
    fake.script([Turn("plain"), Turn("special", match="FIXME")])
    assert answer_of(chat(fake, "please FIXME now")) == "special"
    assert answer_of(chat(fake, "nothing here")) == "plain"


def test_nothing_scripted_answers_500_with_a_reason(fake: FakeModel) -> None:
    response = chat(fake, "x")
    assert response.status_code == 500
    assert "no turn is scripted" in response.json()["error"]["message"]


def test_requests_are_recorded_with_headers_and_body(fake: FakeModel) -> None:
    fake.push(Turn("ok"))
    chat(fake, "hello")
    (recorded,) = fake.requests
    assert recorded.path == "/v1/chat/completions"
    assert recorded.body["messages"][0]["content"] == "hello"
    assert "content-type" in recorded.headers


def test_reset_forgets_script_and_requests(fake: FakeModel) -> None:
    fake.push(Turn("ok"))
    chat(fake, "x")
    fake.reset()
    assert fake.requests == []
    assert chat(fake, "x").status_code == 500


def test_model_lists_in_openai_and_ollama_shapes(fake: FakeModel) -> None:
    fake.script([], models=["a:latest", "b"])
    openai = httpx.get(f"{fake.base_url}/v1/models").json()
    ollama = httpx.get(f"{fake.base_url}/api/tags").json()
    assert [m["id"] for m in openai["data"]] == ["a:latest", "b"]
    assert [m["name"] for m in ollama["models"]] == ["a:latest", "b"]


def test_script_route_replaces_turns_and_requests_route_reports(fake: FakeModel) -> None:
    script = {"turns": [{"answer": "from http"}], "models": ["x"]}
    assert httpx.post(f"{fake.base_url}/_script", json=script).status_code == 200
    assert answer_of(chat(fake, "hi")) == "from http"
    recorded = httpx.get(f"{fake.base_url}/_requests").json()
    assert [r["path"] for r in recorded] == ["/v1/chat/completions"]


def test_unknown_turn_field_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="answr"):
        parse_script([{"answr": "typo"}])


def test_cli_writes_port_file_serves_script_and_stops_on_sigterm(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"answer": "from the cli"}]), encoding="utf-8")
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [
            sys.executable,
            str(SERVER_SCRIPT),
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--script",
            str(script),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        port = int(port_file.read_text(encoding="utf-8"))
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").text == "ok"
        body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
        response = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body)
        assert response.json()["choices"][0]["message"]["content"] == "from the cli"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
