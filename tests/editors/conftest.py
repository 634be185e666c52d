"""Fixtures for the real-editor tests (Neovim, Emacs) and the Helix-conditions test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from editor_harness import FakeModel


@pytest.fixture
def start_model(tmp_path: Path) -> Iterator[Callable[[list[dict[str, Any]]], FakeModel]]:
    """Start the scripted model with the given turns; stopped after the test."""
    models: list[FakeModel] = []

    def start(turns: list[dict[str, Any]]) -> FakeModel:
        workdir = tmp_path / f"model{len(models)}"
        workdir.mkdir()
        model = FakeModel(workdir)
        models.append(model)
        model.start(turns)
        return model

    yield start
    for model in models:
        model.stop()
