"""Property: no frontmatter text makes parse_agent_file raise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agentls.agents.loader import parse_agent_file
from agentls.agents.model import AgentLoadError, AgentSpec


@settings(max_examples=100, deadline=None)
@given(header=st.text(max_size=120), body=st.text(max_size=40))
def test_parse_agent_file_never_raises(tmp_path_factory: Any, header: str, body: str) -> None:
    path = Path(tmp_path_factory.mktemp("agent")) / "fuzz.md"
    path.write_text(f"---\n{header}\n---\n{body}", encoding="utf-8", errors="surrogatepass")
    assert isinstance(parse_agent_file(path, "fuzz"), AgentSpec | AgentLoadError)
