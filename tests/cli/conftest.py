"""Fixtures for the `agentls run` / `agentls doctor` tests: a scripted model and a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.fake_model import FakeModel
from tests.support.lsp_harness import server_env

MAIN_PY = '''"""A tiny service."""


def hello():
    return {"message": "hi"}


# TODO: add a health function that returns {"status": "ok"}
'''


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text(MAIN_PY, encoding="utf-8")
    (root / "README.md").write_text("# Demo\n\nA tiny service.\n", encoding="utf-8")
    return root


@pytest.fixture
def env(tmp_path: Path, fake_model: FakeModel) -> dict[str, str]:
    """The scripted model as an OpenAI-compatible provider; user files under tmp."""
    return server_env(
        tmp_path,
        AGENTLS_PROVIDER="openai",
        AGENTLS_BASE_URL=fake_model.openai_base_url,
        AGENTLS_MODEL="scripted-model",
        OPENAI_API_KEY="sk-test-key-0123456789",
        AGENTLS_HTTP__MAX_ATTEMPTS="1",
    )
