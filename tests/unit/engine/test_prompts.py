"""The prompt profiles: what a small model is shown, and what a strong one is shown."""

from __future__ import annotations

from pathlib import Path

from agentls.agents.model import AgentSpec
from agentls.context.gather import ContextBundle, ContextFile
from agentls.engine.edit_format import choose_prompt_profile
from agentls.engine.model import DocumentSnapshot, RunRequest
from agentls.engine.prompt import build_messages

AGENT = AgentSpec(
    name="backend-developer",
    description="",
    prompt="You are a careful backend engineer.",
    source="/agents/backend-developer.md",
    origin="bundled",
)
ORDERS = "from store import ITEMS\n\n\ndef total(order):\n    # TODO: sum the prices\n    pass\n"


def _request(scope: str = "selection", cursor: bool = False) -> RunRequest:
    start = ORDERS.index("    # TODO")
    end = start if cursor else ORDERS.index("    pass")
    return RunRequest(
        agent=AGENT,
        scope="selection" if scope == "selection" else "workspace",
        workspace_root=Path("/nowhere"),
        document=DocumentSnapshot("orders.py", ORDERS, 1),
        selection=(start, end),
    )


CONTEXT = ContextBundle(
    tree="orders.py\nstore.py\nREADME.md\nlegacy/big.py",
    files=(
        ContextFile("orders.py", ORDERS, "document"),
        ContextFile("store.py", "ITEMS = {}\n", "imported"),
        ContextFile("legacy/big.py", "x = 1\n" * 50, "neighbour"),
        ContextFile("README.md", "# Shop\n", "docs"),
    ),
    omitted=(),
    redactions=0,
)


def test_small_models_get_the_lean_prompt_and_strong_ones_the_full_one() -> None:
    assert choose_prompt_profile("auto", "openai", "qwen2.5-coder-0.5b-instruct") == "lean"
    assert choose_prompt_profile("auto", "local", "anything") == "lean"
    assert choose_prompt_profile("auto", "ollama", "smollm2:135m") == "lean"
    assert choose_prompt_profile("auto", "openai", "gpt-4o") == "full"
    assert choose_prompt_profile("auto", "anthropic", "claude-sonnet-4-5") == "full"
    assert choose_prompt_profile("full", "local", "x") == "full"
    assert choose_prompt_profile("lean", "openai", "gpt-4o") == "lean"


def test_lean_selection_prompt_has_no_example_and_ends_with_the_rules() -> None:
    messages = build_messages(_request(), CONTEXT, "whole", profile="lean")
    assert [m.role for m in messages] == ["system", "user"]
    system, user = messages[0].content, messages[1].content
    assert system.startswith("You are a careful backend engineer.")  # the agent's own prompt
    assert "get_item" not in system + user and "app/store.py" not in system + user
    assert user.rstrip().endswith("say in one sentence what the code does.")
    assert "exactly one ```python code block" in user
    assert "<<<agentls:selection>>>    # TODO: sum the prices\n<<<agentls:end-selection>>>" in user
    # Only the files the code uses: the imported store.py, not the neighbour or the tree.
    assert "File: store.py" in user
    assert "legacy/big.py" not in user and "README.md" not in user


def test_lean_cursor_prompt_names_the_cursor_line() -> None:
    user = build_messages(_request(cursor=True), CONTEXT, "whole", profile="lean")[1].content
    assert "replaces the line with the cursor marker" in user
    assert "<<<agentls:cursor>>>    # TODO" in user


def test_lean_workspace_prompt_asks_for_paths_and_shows_the_docs() -> None:
    user = build_messages(_request("workspace", cursor=True), CONTEXT, "whole", profile="lean")[
        1
    ].content
    assert "write its path relative to the project root on its own line" in user
    assert "Project files:\norders.py" in user and "File: README.md" in user
    assert "legacy/big.py\n```" not in user  # listed in the tree, its content not shown


def test_full_prompt_keeps_the_format_rules_and_the_example() -> None:
    messages = build_messages(_request(), CONTEXT, "search-replace", profile="full")
    assert messages[0].content.startswith("You are a careful backend engineer.")
    assert "SEARCH/REPLACE" in messages[0].content
    assert len(messages) == 4  # system, example request, example answer, the request


def test_the_lean_prompt_is_redacted() -> None:
    def scrub(text: str, path: str | None = None) -> str:
        return text.replace("ITEMS", "[redacted]")

    user = build_messages(_request(), CONTEXT, "whole", redact=scrub, profile="lean")[1].content
    assert "ITEMS" not in user and "[redacted]" in user


def test_project_rules_follow_the_agent_prompt_in_both_profiles() -> None:
    rules = (
        ContextFile("AGENTS.md", "Use httpx, never requests.", "project rules"),
        ContextFile("svc/AGENTS.md", "Money is integer cents.", "project rules"),
    )
    bundle = ContextBundle(CONTEXT.tree, CONTEXT.files, (), 0, rules)
    for profile in ("lean", "full"):
        system = build_messages(_request(), bundle, "whole", profile=profile)[0].content  # type: ignore[arg-type]
        assert system.startswith("You are a careful backend engineer.")
        root = system.index("## Project rules (AGENTS.md)\nUse httpx, never requests.")
        nearer = system.index("## Project rules (svc/AGENTS.md)\nMoney is integer cents.")
        assert root < nearer


def test_prompt_sentences_echoed_after_the_code_leave_the_explanation() -> None:
    from agentls.edits.model import ChangeSet
    from agentls.engine.run import without_echoed_prompt

    messages = build_messages(_request(), CONTEXT, "whole", profile="lean")
    rules = messages[-1].content.rstrip().split("\n")[-1]
    changes = ChangeSet(explanation=f"Sums the prices.\n\n{rules}\nOK.")
    assert without_echoed_prompt(changes, messages).explanation == "Sums the prices.\n\nOK."
    untouched = ChangeSet(explanation="Sums the prices of the order lines.")
    assert without_echoed_prompt(untouched, messages) is untouched


def test_lean_repair_rounds_sample_warmer_and_full_ones_do_not() -> None:
    from agentls.engine.edit_format import repair_temperature

    assert repair_temperature(0.2, "lean", 1) == 0.5
    assert repair_temperature(0.2, "lean", 2) == 0.8
    assert repair_temperature(None, "lean", 5) == 1.0
    assert repair_temperature(0.2, "full", 2) == 0.2
    assert repair_temperature(None, "full", 1) is None
