"""Property: whatever arrives from files, editors or env, loading never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agentls.config import Settings
from agentls.settings_loader import load_settings

KEYS = st.sampled_from(
    ["model", "provider", "http", "readTimeout", "context", "exclude", "max_tokens", "agents",
     "paths", "apiKey", "temperature", "x", "local", "threads", "agentls"]
)  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(editor=st.dictionaries(KEYS, VALUES, max_size=6), env_value=st.text(max_size=6))
def test_load_settings_never_raises(editor: dict[str, Any], env_value: str) -> None:
    env = {"HOME": "/nonexistent", "AGENTLS_HTTP__READ_TIMEOUT": env_value, "AGENTLS_X": "1"}
    loaded = load_settings(workspace_root=None, editor_settings=editor, env=env)
    assert isinstance(loaded.settings, Settings)
