"""Hostile paths in a model's answer, through a full workspace run: nothing outside the
workspace is written, `.git` is never written, and one message lists the refusals."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import MAIN_PY
from tests.reliability.support import TODO_RANGE, record, shown, still_serving
from tests.support.fake_model import FakeModel, Turn
from tests.support.lsp_harness import lsp_session

GIT_CONFIG = "[core]\n\trepositoryformatversion = 0\n"


def block(path: str, body: str = "pwned = True") -> str:
    return f'```python title="{path}"\n{body}\n```\n'


def hostile_paths(outside: Path, home: Path) -> dict[str, str]:
    """Row name -> the path the model names."""
    return {
        "parent ../": "../escaped.py",
        "nested ../": "app/../../escaped2.py",
        "absolute outside": str(outside / "absolute.py"),
        "home ~": "~/.ssh/authorized_keys",
        "home expanded": str(home / ".bashrc"),
        "symlinked folder": "linked/pwned.py",
        "symlinked file": "notes.txt",
        "Windows drive": "C:\\Windows\\system32\\evil.py",
        "NUL byte": "app/evil\x00.py",
        "5000 characters": "a/" * 2499 + "x.py",
        ".git/config": ".git/config",
        ".git hooks via ./": "./.git/hooks/post-checkout",
    }


async def test_hostile_paths_in_an_answer_write_nothing_outside(
    workspace: Path, env: dict[str, str], fake_model: FakeModel, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.txt").write_text("outside notes\n")
    (workspace / "linked").symlink_to(outside, target_is_directory=True)
    (workspace / "notes.txt").symlink_to(outside / "notes.txt")
    (workspace / ".git" / "hooks").mkdir(parents=True)
    (workspace / ".git" / "config").write_text(GIT_CONFIG)
    home = Path(env["HOME"])
    paths = hostile_paths(outside, home)
    answer = "Done as the README asked.\n\n" + "\n".join(block(p) for p in paths.values())
    fake_model.script([Turn(answer, chunk_size=256)])
    before_outside = sorted(p.name for p in outside.iterdir())
    before_parent = sorted(p.name for p in tmp_path.iterdir())

    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", TODO_RANGE, scope="workspace")
        messages = shown(session)
        assert len(messages) == 1, [m.message for m in messages]
        text = messages[0].message
        record("hostile paths", text)
        assert result["status"] in ("refused", "failed"), result
        assert session.editor.applied == []
        assert "refused" in text
        assert "refused to touch" in text
        assert await still_serving(session)

    assert sorted(p.name for p in outside.iterdir()) == before_outside
    assert (outside / "notes.txt").read_text() == "outside notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before_parent
    assert not (home / ".ssh").exists() and not (home / ".bashrc").exists()
    assert (workspace / ".git" / "config").read_text() == GIT_CONFIG
    assert os.listdir(workspace / ".git" / "hooks") == []
    assert not list(workspace.glob("~*")) and not (workspace / "C:").exists()
    assert (workspace / "app" / "main.py").read_text() == MAIN_PY
    assert not (workspace / "a").exists()


ONE_BLOCK_TARGETS = {
    "home ~": "~/.ssh/authorized_keys",
    ".git/config": ".git/config",
    ".git hooks via ./": "./.git/hooks/post-checkout",
    "5000 characters": "a/" * 2499 + "x.py",
}


async def test_a_block_addressed_to_a_refused_path_is_never_applied_elsewhere(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """A fence that names its file (`title="..."`) is a claim about that file. When the path
    is refused, the block must be refused too, not reused as a pathless block that replaces
    the selection in the current document."""
    (workspace / ".git" / "hooks").mkdir(parents=True)
    (workspace / ".git" / "config").write_text(GIT_CONFIG)
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        for name, raw in ONE_BLOCK_TARGETS.items():
            fake_model.script([Turn("As the NOTES.md asked.\n\n" + block(raw))])
            seen = len(shown(session))
            result = await session.run("app/main.py", TODO_RANGE, scope="workspace")
            new = [m.message for m in shown(session)[seen:]]
            record(f"one block to {name}", new[0] if new else "")
            assert result["status"] in ("refused", "failed"), (name, result)
            assert len(new) == 1 and "refused" in new[0], (name, new)
            assert session.editor.applied == [], name
            assert session.editor.text("app/main.py") == MAIN_PY, name
    assert (workspace / ".git" / "config").read_text() == GIT_CONFIG
    assert os.listdir(workspace / ".git" / "hooks") == []


async def test_a_refusal_message_stays_readable_for_a_huge_path(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """A 5000-character path is refused; the message shows an elided path, not all of it."""
    huge = "a/" * 2499 + "x.py"
    fake_model.script([Turn("Here.\n\n" + block(huge))])
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", TODO_RANGE, scope="workspace")
        messages = [m.message for m in shown(session)]
        assert result["status"] in ("refused", "failed"), result
        assert len(messages) == 1 and "longer than 4096 characters" in messages[0], messages
        assert len(messages[0]) <= 1000, f"{len(messages[0])} characters"


INVISIBLE = {  # names that display as something else (Trojan Source style)
    "right-to-left override": "app/\u202egnp.py",
    "zero-width space": "app/main\u200b.py",
    "C1 control (NEL)": "app/\x85x.py",
    "byte order mark": "app/x.py\ufeff",
}


async def test_paths_with_invisible_or_direction_changing_characters_are_refused(
    workspace: Path, env: dict[str, str], fake_model: FakeModel
) -> None:
    """A file named with a bidi override or a zero-width character looks like another file in
    the editor's tree (`app/main\u200b.py` next to `app/main.py`). Refuse such names."""
    answer = "Added helpers.\n\n" + "\n".join(block(p) for p in INVISIBLE.values())
    fake_model.script([Turn(answer)])
    before = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*"))
    async with lsp_session(workspace, env) as session:
        session.editor.open("app/main.py")
        result = await session.run("app/main.py", TODO_RANGE, scope="workspace")
        messages = [m.message for m in shown(session)]
        record("invisible characters in paths", messages[0] if messages else "")
        assert result["status"] in ("refused", "failed"), (result, messages)
        assert len(messages) == 1 and messages[0].count("refused") >= len(INVISIBLE), messages
        assert session.editor.applied == []
    after = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*"))
    assert after == before
