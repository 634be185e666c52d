"""Project rules (AGENTS.md, CLAUDE.md, .github/copilot-instructions.md): which files,
in which order, within which budget, redacted, confined to the workspace, and the switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentls.context.gather import ContextBundle
from agentls.context.rules import MAX_RULE_CHARS, bounded, find_rules, rule_paths
from tests.unit.context.test_context_gather import gather, make_tree

APP = {
    "app/api/routes.py": "def list_todos():\n    return []\n",
    "app/api/AGENTS.md": "API rule: every route returns JSON.\n",
    "app/AGENTS.md": "App rule: use the repository layer.\n",
    "app/CLAUDE.md": "App rule for Claude: keep functions short.\n",
    "AGENTS.md": "Root rule: run pytest before you finish.\n",
    ".github/copilot-instructions.md": "Copilot rule: prefer type hints.\n",
    "lib/AGENTS.md": "Lib rule: never shown for app files.\n",
    "README.md": "# Todo service\n",
}


def rules(bundle: ContextBundle) -> list[tuple[str, str]]:
    return [(f.path, f.reason) for f in bundle.rules]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    make_tree(tmp_path, APP)
    return tmp_path


def test_rule_paths_go_from_the_root_to_the_document() -> None:
    assert rule_paths("app/api/routes.py") == [
        "AGENTS.md",
        "CLAUDE.md",
        ".github/copilot-instructions.md",
        "app/AGENTS.md",
        "app/CLAUDE.md",
        "app/api/AGENTS.md",
        "app/api/CLAUDE.md",
    ]
    assert rule_paths(None) == ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md"]
    assert "AGENTS.md" not in rule_paths("AGENTS.md")  # the document is sent anyway


def test_root_and_nested_rules_come_root_first(app: Path) -> None:
    bundle = gather(app, document="app/api/routes.py", scope="selection")
    assert rules(bundle) == [
        ("AGENTS.md", "project rules"),
        (".github/copilot-instructions.md", "project rules"),
        ("app/AGENTS.md", "project rules"),
        ("app/CLAUDE.md", "project rules"),
        ("app/api/AGENTS.md", "project rules"),
    ]
    assert bundle.rules[-1].text == APP["app/api/AGENTS.md"]


def test_rules_are_not_sent_twice_nor_from_other_folders(app: Path) -> None:
    bundle = gather(app, document="app/api/routes.py", scope="workspace")
    sent = [f.path for f in bundle.files]
    assert not {f.path for f in bundle.rules} & set(sent)
    assert "lib/AGENTS.md" in sent  # an ordinary file: not on the way to the document
    assert "README.md" in sent
    assert (
        bundle.estimated_tokens
        > ContextBundle(
            bundle.tree, bundle.files, bundle.omitted, bundle.redactions
        ).estimated_tokens
    )  # rules count against the budget


def test_without_a_document_only_the_root_rules(app: Path) -> None:
    bundle = gather(app, document=None)
    assert [f.path for f in bundle.rules] == ["AGENTS.md", ".github/copilot-instructions.md"]


def test_secrets_in_rules_are_redacted(app: Path) -> None:
    make_tree(app, {"AGENTS.md": "Deploy with key sk-proj-abcdefghijklmnopqrstuvwx1234.\n"})
    bundle = gather(app, document="app/api/routes.py")
    root = next(f for f in bundle.rules if f.path == "AGENTS.md")
    assert "sk-proj" not in root.text and "[REDACTED]" in root.text
    assert bundle.redactions >= 1


def test_the_setting_turns_rules_off(app: Path) -> None:
    bundle = gather(app, document="app/api/routes.py", scope="selection", project_rules=False)
    assert bundle.rules == ()
    # Off, they are ordinary files again: sent only if relevant, like before.
    assert "app/api/AGENTS.md" in [f.path for f in bundle.files]  # a neighbour


def test_a_symlink_leading_out_of_the_workspace_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "AGENTS.md").write_text("Secret rule from outside the workspace.\n")
    root = tmp_path / "ws"
    make_tree(root, {"app/main.py": "x = 1\n"})
    (root / "AGENTS.md").symlink_to(outside / "AGENTS.md")
    (root / "app" / "AGENTS.md").symlink_to(outside / "AGENTS.md")
    bundle = gather(root, document="app/main.py")
    assert bundle.rules == ()
    assert all("outside" not in f.text for f in bundle.files)


def test_a_symlink_inside_the_workspace_is_read(tmp_path: Path) -> None:
    make_tree(tmp_path, {"app/main.py": "x = 1\n", "docs/rules.md": "Shared rule.\n"})
    (tmp_path / "AGENTS.md").symlink_to(tmp_path / "docs" / "rules.md")
    bundle = gather(tmp_path, document="app/main.py")
    assert [(f.path, f.text) for f in bundle.rules] == [("AGENTS.md", "Shared rule.\n")]


def test_a_huge_rules_file_is_cut_with_a_note(app: Path) -> None:
    huge = "".join(f"Rule {i}: be careful with item {i}.\n" for i in range(2000))
    make_tree(app, {"AGENTS.md": huge})
    bundle = gather(app, document="app/api/routes.py")
    root = bundle.rules[0]
    assert root.path == "AGENTS.md"
    assert len(root.text) <= MAX_RULE_CHARS
    assert root.text.startswith("Rule 0: be careful with item 0.\n")
    assert root.text.endswith(
        f"[… AGENTS.md is cut here by agentls: its {len(huge):,} characters are more than "
        "the prompt has room for.]"
    )
    body = root.text.rpartition("\n[…")[0]
    assert huge.startswith(body + "\n")  # cut at a line


def test_nearer_rules_get_the_budget_first() -> None:
    texts = {"AGENTS.md": "r" * 900, "app/AGENTS.md": "a" * 900, "app/x/AGENTS.md": "x" * 900}
    sent, left_out = find_rules("app/x/y.py", texts.get, budget_chars=2000, overhead_chars=40)
    assert [path for path, _ in sent] == ["app/AGENTS.md", "app/x/AGENTS.md"]
    assert left_out == ("AGENTS.md",)


def test_a_rule_that_fits_only_in_part_is_cut_to_the_room_left() -> None:
    texts = {"AGENTS.md": "root line\n" * 100, "app/AGENTS.md": "a" * 500}
    sent, left_out = find_rules("app/y.py", texts.get, budget_chars=1000)
    assert dict(sent)["app/AGENTS.md"] == "a" * 500
    root = dict(sent)["AGENTS.md"]
    assert len(root) <= 500 and "is cut here by agentls" in root
    assert left_out == ()


def test_budget_spent_elsewhere_leaves_rules_out(app: Path) -> None:
    bundle = gather(app, document="app/api/routes.py", max_tokens=20)
    assert bundle.rules == ()
    assert "AGENTS.md" in bundle.omitted and "app/api/AGENTS.md" in bundle.omitted


def test_bounded_keeps_what_fits_and_drops_a_stub() -> None:
    text = "line\n" * 100
    assert bounded("AGENTS.md", text, 10_000) == text
    assert bounded("AGENTS.md", text, 150) is None  # no room for a useful part and the note
