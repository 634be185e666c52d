"""engine.replies and engine.followup: `agentls:` comments, questions, the follow-up message."""

from __future__ import annotations

import pytest

from agentls.agents.model import AgentSpec
from agentls.edits.model import ChangeSet, FileChange, TextEdit
from agentls.engine.followup import follow_up, without_comment
from agentls.engine.model import DocumentSnapshot, RunRequest
from agentls.llm.base import ChatMessage
from agentls.replies import asked_question, comment_instruction, comment_prefix


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("# agentls: use SQLAlchemy", "use SQLAlchemy"),
        ("    // agentls:make it async  ", "make it async"),
        ("-- agentls: index it", "index it"),
        (";; agentls: ", ""),
        ("# TODO: agentls: later", None),
        ("x = 1  # agentls: no", None),
    ],
)
def test_comment_instruction(line: str, words: str | None) -> None:
    assert comment_instruction(line) == words


def test_comment_prefix_follows_the_language() -> None:
    assert [comment_prefix(p) for p in ("a.py", "b.ts", "c.sql", "d.el")] == ["#", "//", "--", ";;"]


@pytest.mark.parametrize(
    ("answer", "question"),
    [
        ("Which database do you use?", True),
        ("Should I add a test? I can also add a migration.", True),
        ("I could not find the model.", False),
        ("", False),
        ("The `?` operator is not used here.", False),
    ],
)
def test_asked_question(answer: str, question: bool) -> None:
    assert (asked_question(answer) is not None) is question


def test_without_comment_adds_the_removal_beside_the_model_edits() -> None:
    text = "# agentls: async\ndef f():\n    pass\n"
    edits = (TextEdit(17, 20, "async def"),)
    change = FileChange(
        "a.py", "modify", text, "# agentls: async\nasync def f():\n    pass\n", edits
    )
    result = without_comment(ChangeSet((change,)), "a.py", text, 0, 17)
    assert result.files[0].new_text == "async def f():\n    pass\n"
    # A change that already rewrites the comment line keeps its own say.
    rewritten = FileChange("a.py", "modify", text, "x\n", (TextEdit(0, len(text), "x\n"),))
    assert without_comment(ChangeSet((rewritten,)), "a.py", text, 0, 17).files[0].new_text == "x\n"
    # A change elsewhere: the comment's file gets an edit of its own.
    other = FileChange("b.py", "create", "", "y\n", (TextEdit(0, 0, "y\n"),))
    alone = without_comment(ChangeSet((other,)), "a.py", text, 0, 17)
    assert [f.path for f in alone.files] == ["b.py", "a.py"]
    assert alone.files[1].new_text == "def f():\n    pass\n"


def test_follow_up_is_the_history_and_one_message_with_the_marked_file() -> None:
    agent = AgentSpec("backend-developer", "", "You write code.", "x", "bundled")
    history = (ChatMessage("system", "s"), ChatMessage("user", "u"), ChatMessage("assistant", "a"))
    text = "def f():\n    pass\n"
    request = RunRequest(
        agent,
        "selection",
        None,
        DocumentSnapshot("a.py", text, 1),
        (0, 8),
        "make it async",  # type: ignore[arg-type]
        history=history,
    )
    messages = follow_up(request, "full", lambda t, _p: t.replace("pass", "[x]"))
    assert messages[:3] == history
    assert messages[3].role == "user"
    assert messages[3].content.startswith("Follow-up: make it async")
    assert "<<<agentls:selection>>>def f():<<<agentls:end-selection>>>" in messages[3].content
    assert "[x]" in messages[3].content  # redacted like any prompt
