"""Transcripts on disk: markdown rendering, private atomic files, the last pointer,
and pruning to the newest N."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from agentls.engine.transcript import Transcript, TranscriptMessage
from agentls.provenance.transcripts import (
    find,
    prune,
    render,
    save,
    transcript_path,
    transcripts_dir,
)


def transcript(run_id: str = "run1", **fields: object) -> Transcript:
    base: dict[str, object] = {
        "agent": "backend-developer",
        "provider": "openai",
        "model": "gpt-test",
        "scope": "selection",
        "started_at": "2026-12-04T10:00:00+00:00",
        "finished_at": "2026-12-04T10:00:09+00:00",
        "messages": (
            TranscriptMessage("system", "You are an agent."),
            TranscriptMessage("user", "Implement the TODO."),
            TranscriptMessage("assistant", "Done:\n```python\nx = 1\n```\n", answer=True),
        ),
        "input_tokens": 1200,
        "output_tokens": 34,
    }
    base.update(fields)
    return Transcript(run_id=run_id, **base)  # type: ignore[arg-type]


def test_render_has_a_header_a_section_per_message_and_the_problems() -> None:
    text = render(transcript(problems=("error: app/x.py: no match",)))
    assert text.startswith("# agentls run run1\n")
    assert "- agent: backend-developer (implement, selection scope)" in text
    assert "- model: gpt-test via openai" in text
    assert "- tokens: 1,200 in / 34 out" in text
    assert text.index("## system") < text.index("## user") < text.index("## assistant")
    assert "## assistant (raw answer, round 1)" in text
    assert "## problems\n\n```text\nerror: app/x.py: no match\n```" in text


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    text = render(transcript())
    assert "````text\nDone:\n```python\nx = 1\n```\n\n````" in text


def test_render_notes_elisions_errors_and_no_problems() -> None:
    cut = TranscriptMessage("user", "head … tail", round=2, elided=5_000)
    text = render(transcript(messages=(cut,), error="cancelled while waiting for the model"))
    assert "## user (round 2)" in text
    assert "5,000 characters were left out" in text
    assert "## stopped\n\n```text\ncancelled while waiting for the model\n```" in text
    assert text.rstrip().endswith("## problems\n\nNone.")


def test_save_writes_a_private_file_and_points_last_at_it(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "transcripts"
    saved = save(folder, transcript("abc"), keep=5)
    assert saved == folder / "abc.md"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert saved.read_text(encoding="utf-8") == render(transcript("abc"))
    assert find(folder) == saved
    assert find(folder, "abc") == saved
    assert find(folder, "nope") is None
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_loose_folder_is_made_private_again(tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    save(folder, transcript(), keep=5)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_only_the_newest_n_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    for n in range(5):
        path = save(folder, transcript(f"run{n}"), keep=100)
        assert isinstance(path, Path)
        os.utime(path, ns=(n * 10**9, n * 10**9))  # run4 is the newest
    prune(folder, 2)
    assert sorted(p.name for p in folder.glob("*.md")) == ["run3.md", "run4.md"]
    save(folder, transcript("run5"), keep=2)
    assert sorted(p.name for p in folder.glob("*.md")) == ["run4.md", "run5.md"]


def test_without_last_the_newest_file_is_shown(tmp_path: Path) -> None:
    folder = tmp_path / "transcripts"
    for n in range(2):
        path = save(folder, transcript(f"run{n}"), keep=5)
        assert isinstance(path, Path)
        os.utime(path, ns=((n + 1) * 10**9, (n + 1) * 10**9))
    (folder / "last").write_text("run9\n", encoding="utf-8")  # pruned meanwhile
    assert find(folder) == folder / "run1.md"
    assert find(tmp_path / "missing") is None


def test_run_ids_that_are_not_plain_names_are_refused(tmp_path: Path) -> None:
    assert transcript_path(tmp_path, "../escape") is None
    assert find(tmp_path, "../../etc/passwd") is None
    assert isinstance(save(tmp_path, transcript("a/b"), keep=5), str)


def test_the_folder_follows_state_settings(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    assert transcripts_dir(None, env) == tmp_path / "agentls" / "transcripts"
    assert transcripts_dir(str(tmp_path / "mine"), env) == tmp_path / "mine" / "transcripts"
