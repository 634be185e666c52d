"""Discovering agents across search folders: priority, shadowing, errors, ordering."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentls.agents.registry import discover_agents, search_locations
from agentls.config import Settings


def agent_file(folder: Path, stem: str, description: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.md"
    path.write_text(f"---\ndescription: {description}\n{extra}---\nPrompt of {stem}.\n")
    return path


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    home = tmp_path / "home"
    root = tmp_path / "ws"
    home.mkdir()
    root.mkdir()
    return home, root, {"HOME": str(home)}


def settings(**agents: object) -> Settings:
    return Settings.model_validate({"agents": agents})


# Folder (relative to home "~" or workspace "ws") in increasing priority.
PRIORITY = [
    ("~", ".config/agentls/agents", "user"),
    ("~", ".config/opencode/agent", "opencode-user"),
    ("~", ".config/opencode/agents", "opencode-user"),
    ("~", ".claude/agents", "claude-user"),
    ("ws", "extra-agents", "settings"),
    ("ws", ".agentls/agents", "workspace"),
    ("ws", ".opencode/agent", "opencode"),
    ("ws", ".opencode/agents", "opencode"),
    ("ws", ".claude/agents", "claude"),
]


@pytest.mark.parametrize("winner", range(len(PRIORITY)))
def test_higher_priority_folder_wins(dirs: tuple[Path, Path, dict[str, str]], winner: int) -> None:
    home, root, env = dirs
    for index, (base, rel, _origin) in enumerate(PRIORITY[: winner + 1]):
        agent_file((home if base == "~" else root) / rel, "helper", f"level {index}")
    registry = discover_agents(
        workspace_root=root, settings=settings(paths=["extra-agents"]), env=env, home=home
    )
    helper = registry.get("helper")
    assert helper is not None
    assert helper.description == f"level {winner}"
    assert helper.origin == PRIORITY[winner][2]
    assert len(registry.shadowed) == winner
    if winner:
        assert registry.shadowed[-1].by == helper
        assert registry.shadowed[-1].agent.description == f"level {winner - 1}"


def test_workspace_agent_shadows_the_bundled_one(dirs: tuple[Path, Path, dict[str, str]]) -> None:
    home, root, env = dirs
    agent_file(root / ".claude" / "agents", "backend-developer", "mine")
    registry = discover_agents(workspace_root=root, settings=Settings(), env=env, home=home)
    chosen = registry.get("backend-developer")
    assert chosen is not None and chosen.description == "mine"
    [shadowed] = registry.shadowed
    assert shadowed.agent.origin == "bundled"
    assert chosen.action_titles == ("Run backend-developer", "Run backend-developer in workspace")


def test_bundled_agent_is_found_and_first(dirs: tuple[Path, Path, dict[str, str]]) -> None:
    home, root, env = dirs
    agent_file(root / ".opencode" / "agent", "aaa", "sorted first by name otherwise")
    registry = discover_agents(workspace_root=root, settings=Settings(), env=env, home=home)
    assert [a.name for a in registry.agents] == ["backend-developer", "aaa", "tech-lead"]
    default = registry.default()
    assert default is not None and default.origin == "bundled"
    assert default.action_titles == ("Implement backend", "Implement backend in workspace")
    assert registry.errors == ()


def test_broken_file_is_reported_and_others_still_load(
    dirs: tuple[Path, Path, dict[str, str]],
) -> None:
    home, root, env = dirs
    folder = root / ".opencode" / "agent"
    agent_file(folder, "good", "fine")
    (folder / "broken.md").write_text("---\ndescription: [unclosed\n---\n")
    (folder / "notes.txt").write_text("not an agent")
    (folder / "README.md").write_text("# About these agents\n")
    (folder / "nested").mkdir()
    agent_file(folder / "nested", "deep", "top level only")
    registry = discover_agents(workspace_root=root, settings=Settings(), env=env, home=home)
    assert registry.get("good") is not None
    assert registry.get("deep") is None
    [err] = registry.errors
    assert err.source == str(folder / "broken.md")
    assert "invalid YAML" in err.message


def test_actionable_leaves_out_hidden_disabled_and_primary(
    dirs: tuple[Path, Path, dict[str, str]],
) -> None:
    home, root, env = dirs
    folder = root / ".agentls" / "agents"
    agent_file(folder, "visible", "v")
    agent_file(folder, "hidden", "h", "hidden: true\n")
    agent_file(folder, "off", "o", "disable: true\n")
    agent_file(folder, "main", "m", "mode: primary\n")
    registry = discover_agents(workspace_root=root, settings=Settings(), env=env, home=home)
    assert {a.name for a in registry.agents} >= {"visible", "hidden", "off", "main"}
    assert {a.name for a in registry.actionable()} == {"backend-developer", "tech-lead", "visible"}


def test_default_falls_back_when_the_configured_one_is_missing(
    dirs: tuple[Path, Path, dict[str, str]],
) -> None:
    home, root, env = dirs
    agent_file(root / ".agentls" / "agents", "zeta", "z")
    registry = discover_agents(
        workspace_root=root, settings=settings(default="nope"), env=env, home=home
    )
    assert registry.get("nope") is None
    default = registry.default()
    assert default is not None and default.name == "backend-developer"


def test_xdg_config_home_and_settings_paths(dirs: tuple[Path, Path, dict[str, str]]) -> None:
    home, root, env = dirs
    xdg = home / "xdg"
    agent_file(xdg / "agentls" / "agents", "from-xdg", "x")
    agent_file(home / "absolute", "from-abs", "a")
    agent_file(home / "tilde", "from-tilde", "t")
    registry = discover_agents(
        workspace_root=root,
        settings=settings(paths=[str(home / "absolute"), "~/tilde"]),
        env={**env, "XDG_CONFIG_HOME": str(xdg)},
        home=home,
    )
    assert {"from-xdg", "from-abs", "from-tilde"} <= {a.name for a in registry.agents}


def test_without_workspace_only_user_folders_are_searched(tmp_path: Path) -> None:
    locations = search_locations(
        workspace_root=None, settings=settings(paths=["rel"]), env={}, home=tmp_path
    )
    assert [loc.origin for loc in locations] == [
        "bundled",
        "user",
        "opencode-user",
        "opencode-user",
        "claude-user",
    ]


def test_same_name_in_one_folder_shadows_by_file_order(
    dirs: tuple[Path, Path, dict[str, str]],
) -> None:
    home, root, env = dirs
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("---\nname: twin\ndescription: first\n---\nx\n")
    (folder / "b.md").write_text("---\nname: twin\ndescription: second\n---\nx\n")
    registry = discover_agents(workspace_root=root, settings=Settings(), env=env, home=home)
    twin = registry.get("twin")
    assert twin is not None and twin.description == "second"
    assert [s.agent.description for s in registry.shadowed] == ["first"]
