from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.fake_model import FakeModel
from tests.support.lsp_harness import server_env

MAIN_PY = '''"""A tiny service."""

from fastapi import FastAPI

app = FastAPI()


# TODO: add a /health endpoint that reports the service status
'''


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text(MAIN_PY, encoding="utf-8")
    (root / "README.md").write_text("# Demo service\n\nA FastAPI app.\n", encoding="utf-8")
    return root


@pytest.fixture
def env(tmp_path: Path, fake_model: FakeModel) -> dict[str, str]:
    return server_env(
        tmp_path,
        AGENTLS_PROVIDER="openai",
        AGENTLS_BASE_URL=fake_model.openai_base_url,
        AGENTLS_MODEL="scripted-model",
        OPENAI_API_KEY="sk-test-key-for-e2e-0123456789",
    )
