"""Small decisions of the local provider: is it installed, how many threads, what to say."""

from __future__ import annotations

import importlib.util

import pytest

import agentls.llm.local as local


@pytest.mark.parametrize(("found", "expected"), [(object(), True), (None, False)])
def test_local_available_follows_the_runtime(
    found: object, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: found if name == "xllamacpp" else real(name)
    )
    assert local.local_available() is expected


@pytest.mark.parametrize(("cpus", "threads"), [(None, 1), (1, 1), (2, 1), (4, 2), (8, 4), (64, 4)])
def test_few_threads_on_small_machines(
    cpus: int | None, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local.os, "cpu_count", lambda: cpus)
    assert local.default_threads() == threads


@pytest.mark.parametrize(("installed", "hint"), [(True, "provider: local"), (False, "[local]")])
def test_missing_provider_message_names_what_was_looked_for(
    installed: bool, hint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "local_available", lambda: installed)
    message = local.missing_provider_message(["OPENAI_API_KEY", "ANTHROPIC_API_KEY"])
    for looked_for in ("AGENTLS_PROVIDER", ".agentls.yaml", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        assert looked_for in message
    assert hint in message
