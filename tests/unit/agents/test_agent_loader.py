"""Parsing single agent files: opencode, Claude Code, the agentls block, and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentls.agents.loader import parse_agent_file, split_frontmatter
from agentls.agents.model import AgentLoadError, AgentSpec

FIXTURES = Path(__file__).parents[2] / "fixtures" / "agents"
REPO_AGENTS = Path(__file__).parents[3] / "agents"


def parse(tmp_path: Path, text: str, name: str = "my-agent.md") -> AgentSpec | AgentLoadError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_agent_file(path, "workspace")


def spec(result: AgentSpec | AgentLoadError) -> AgentSpec:
    assert isinstance(result, AgentSpec), result
    return result


def error(result: AgentSpec | AgentLoadError) -> str:
    assert isinstance(result, AgentLoadError), result
    return result.message


def test_opencode_agent() -> None:
    agent = spec(parse_agent_file(FIXTURES / "opencode-reviewer.md", "opencode"))
    assert agent.name == "opencode-reviewer"
    assert agent.description == "Reviews code for bugs and style."
    assert agent.prompt == "You review code. Point out bugs first, then style."
    assert (agent.mode, agent.temperature, agent.origin) == ("subagent", 0.1, "opencode")
    assert agent.model == "anthropic/claude-sonnet-4-20250514"
    assert agent.source == str(FIXTURES / "opencode-reviewer.md")
    assert agent.action_titles == ("Run opencode-reviewer", "Run opencode-reviewer in workspace")
    assert agent.offers_actions


def test_claude_code_agent_uses_its_name_and_maps_model_alias() -> None:
    agent = spec(parse_agent_file(FIXTURES / "claude-tester.md", "claude"))
    assert agent.name == "test-writer"
    assert agent.model is None
    assert agent.prompt == "You write focused unit tests."
    assert agent.mode == "all"


@pytest.mark.parametrize(
    ("model", "expected"),
    [("sonnet", None), ("opus", None), ("haiku", None), ("inherit", None), ("gpt-4o", "gpt-4o")],
)
def test_claude_model_aliases(tmp_path: Path, model: str, expected: str | None) -> None:
    agent = spec(parse(tmp_path, f"---\nname: a\ndescription: d\nmodel: {model}\n---\nbody\n"))
    assert agent.model == expected


@pytest.mark.parametrize("tools", ["Read, Edit", "[Read, Edit]", "{write: false}"])
def test_tools_in_every_shape(tmp_path: Path, tools: str) -> None:
    spec(parse(tmp_path, f"---\ndescription: d\ntools: {tools}\n---\nbody\n"))


def test_file_prompt_and_titles_block() -> None:
    agent = spec(parse_agent_file(FIXTURES / "file-prompt.md", "bundled"))
    assert agent.prompt == "You write docstrings and READMEs."
    assert agent.action_titles == ("Document this", "Document the workspace")
    assert agent.edit_format == "search-replace"


def test_inline_prompt_comes_before_the_body(tmp_path: Path) -> None:
    agent = spec(parse(tmp_path, "---\ndescription: d\nprompt: Be brief.\n---\nAlso kind.\n"))
    assert agent.prompt == "Be brief.\n\nAlso kind."


def test_missing_prompt_file_is_an_error(tmp_path: Path) -> None:
    message = error(parse(tmp_path, '---\ndescription: d\nprompt: "{file:./nope.txt}"\n---\n'))
    assert message.startswith("prompt: cannot read")


def test_bundled_backend_developer() -> None:
    agent = spec(parse_agent_file(REPO_AGENTS / "backend-developer.md", "bundled"))
    assert agent.name == "backend-developer"
    assert agent.action_titles == ("Implement backend", "Implement backend in workspace")
    assert agent.model is None
    assert agent.offers_actions
    assert len(agent.prompt) > 200


@pytest.mark.parametrize(
    ("front", "flag"),
    [("hidden: true", "hidden"), ("disable: true", "disable"), ("mode: primary", "primary")],
)
def test_hidden_disabled_and_primary_offer_no_actions(
    tmp_path: Path, front: str, flag: str
) -> None:
    agent = spec(parse(tmp_path, f"---\ndescription: d\n{front}\n---\nbody\n"))
    assert not agent.offers_actions, flag


def test_unknown_keys_are_tolerated(tmp_path: Path) -> None:
    agent = spec(parse(tmp_path, "---\ndescription: d\ncolor: blue\nmaxSteps: 3\n---\nbody\n"))
    assert agent.description == "d"


def test_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "w.md"
    path.write_bytes("\ufeff---\r\ndescription: d\r\n---\r\nline\r\n".encode())
    agent = spec(parse_agent_file(path, "workspace"))
    assert (agent.name, agent.prompt) == ("w", "line")


ERRORS = [
    ("no frontmatter\n", "no YAML frontmatter"),
    ("---\ndescription: d\nbody never closed\n", "no YAML frontmatter"),
    ("---\ndescription: [oops\n---\nbody\n", "invalid YAML frontmatter"),
    ("---\n- a\n- b\n---\nbody\n", "must be a mapping"),
    ("---\nmode: subagent\n---\nbody\n", "description: is required"),
    ("---\ndescription: d\ntemperature: hot\n---\n", "temperature: Input should be a valid number"),
    ("---\ndescription: d\ntemperature: 3\n---\n", "temperature: Input should be less than or"),
    ("---\ndescription: d\nmode: sometimes\n---\n", "mode: Input should be 'subagent'"),
    ("---\ndescription: d\nhidden: maybe\n---\n", "hidden: Input should be a valid boolean"),
    ("---\ndescription: d\ntools: 7\n---\n", "tools: Input should be a valid string"),
    (
        "---\ndescription: d\nagentls:\n  titles:\n    selection: [1]\n---\n",
        "agentls.titles.selection: Input should be a valid string",
    ),
    (
        "---\ndescription: d\nagentls:\n  edit_format: poetry\n---\n",
        "agentls.edit_format: Input should be",
    ),
    ('---\nname: "  "\ndescription: d\n---\n', "name: should not be empty"),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS)
def test_errors_name_the_field_and_problem(tmp_path: Path, text: str, expected: str) -> None:
    result = parse(tmp_path, text)
    assert expected in error(result)
    assert isinstance(result, AgentLoadError)
    assert result.source == str(tmp_path / "my-agent.md")


def test_unreadable_and_non_utf8_files_are_errors(tmp_path: Path) -> None:
    assert "cannot read" in error(parse_agent_file(tmp_path / "missing.md", "x"))
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ndescription: \xff\xfe\n---\n")
    assert "not UTF-8" in error(parse_agent_file(bad, "x"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\na: 1\n---\nbody", ("a: 1\n", "body")),
        ("---\n---\n", ("", "")),
        ("---\na: 1\n...\nb", ("a: 1\n", "b")),
        ("# title\n---\na: 1\n---\n", None),
        ("", None),
    ],
)
def test_split_frontmatter(text: str, expected: tuple[str, str] | None) -> None:
    assert split_frontmatter(text) == expected
