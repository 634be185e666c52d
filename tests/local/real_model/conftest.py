"""Fixtures for tests against the real embedded model (run by .ci/local-model.sh only)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from agentls.models_cache import models_dir, verify_model

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "hello-backend"


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The cache folder holding the pulled default model (`agentls model pull` did it)."""
    verify_model()  # fails loudly with "run agentls model pull" when missing
    return models_dir().parent


@pytest.fixture
def example_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def local_env(tmp_path: Path, model_cache: Path) -> dict[str, str]:
    """No keys, user config under tmp, the real model cache, the local provider."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTLS_")}
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_HOST"):
        env.pop(name, None)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".state"),
        XDG_CACHE_HOME=str(model_cache.parent),
        AGENTLS_PROVIDER="local",
        PYTHONUNBUFFERED="1",
    )
    return env
