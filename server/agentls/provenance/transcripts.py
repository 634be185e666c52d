"""Run transcripts on disk: one markdown file per run, the newest few kept.

Location: ``<state>/agentls/transcripts/<run_id>.md`` where ``<state>`` is
``$XDG_STATE_HOME`` (default ``~/.local/state``); with ``provenance.state_dir`` set,
``<state_dir>/transcripts/``. The folder is 0700 and each file 0600: a transcript
holds the code the model saw. ``last`` names the newest run's id. Writes are atomic
(`agentls.files.write_atomically`); nothing here raises on a disk problem, it returns one.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

from agentls.engine.transcript import Transcript
from agentls.files import write_atomically

LAST = "last"
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def state_folder(
    name: str, state_dir: str | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """``<state>/agentls/<name>``, or ``<state_dir>/<name>`` with ``provenance.state_dir``."""
    env = os.environ if env is None else env
    if state_dir:
        return Path(state_dir).expanduser() / name
    state_home = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state_home) / "agentls" / name


def transcripts_dir(state_dir: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    return state_folder("transcripts", state_dir, env)


def transcript_path(folder: Path, run_id: str) -> Path | None:
    """Where run ``run_id``'s transcript lives; None for an id that is not a plain name."""
    return folder / f"{run_id}.md" if _RUN_ID.match(run_id) else None


# -- rendering -----------------------------------------------------------------------


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _tokens(transcript: Transcript) -> str:
    if transcript.input_tokens is None and transcript.output_tokens is None:
        return "not reported"
    return f"{transcript.input_tokens or 0:,} in / {transcript.output_tokens or 0:,} out"


def render(transcript: Transcript) -> str:
    """The transcript as markdown: a header, each message in a fence, the problems."""
    t = transcript
    lines = [
        f"# agentls run {t.run_id}",
        "",
        f"- agent: {t.agent} ({t.mode}, {t.scope} scope)",
        f"- model: {t.model} via {t.provider}",
        f"- started: {t.started_at}; finished: {t.finished_at}",
        f"- tokens: {_tokens(t)}",
        "",
        "Texts are as sent: secrets were redacted before the model saw them.",
        "",
    ]
    for message in t.messages:
        heading = f"## {message.role}"
        if message.answer:
            heading += f" (raw answer, round {message.round})"
        elif message.round > 1:
            heading += f" (round {message.round})"
        lines += [heading, "", _fence(message.text), ""]
        if message.elided:
            lines += [f"*{message.elided:,} characters were left out of this message.*", ""]
    if t.error:
        lines += ["## stopped", "", _fence(t.error), ""]
    lines += ["## problems", ""]
    if t.problems:
        lines += [_fence("\n".join(t.problems)), ""]
    else:
        lines += ["None.", ""]
    return "\n".join(lines)


# -- storing -------------------------------------------------------------------------


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def save(folder: Path, transcript: Transcript, keep: int) -> Path | str:
    """Write ``transcript`` and mark it the last one; keep only the newest ``keep``.

    Returns the file, or a problem string."""
    path = transcript_path(folder, transcript.run_id)
    if path is None:
        return f"not saving a transcript for the odd run id {transcript.run_id!r}"
    try:
        _private_folder(folder)
        write_atomically(path, render(transcript), overwrite=True, mode=0o600)
        write_atomically(folder / LAST, transcript.run_id + "\n", overwrite=True, mode=0o600)
    except OSError as exc:
        return f"could not save the run transcript in {folder}: {exc}"
    prune(folder, keep)
    return path


def prune(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest transcripts."""
    try:
        files = [(p.stat().st_mtime_ns, p.name, p) for p in folder.glob("*.md")]
    except OSError:
        return
    files.sort(reverse=True)
    for *_, path in files[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()


def find(folder: Path, run_id: str | None = None) -> Path | None:
    """The transcript of ``run_id``, or of the last run when None; None if not kept."""
    if run_id is not None:
        path = transcript_path(folder, run_id)
        return path if path is not None and path.is_file() else None
    try:
        last = (folder / LAST).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        last = ""
    path = transcript_path(folder, last) if last else None
    if path is not None and path.is_file():
        return path
    return _newest(folder)  # `last` was pruned or lost: the newest file left


def _newest(folder: Path) -> Path | None:
    try:
        files = [(p.stat().st_mtime_ns, p.name, p) for p in folder.glob("*.md")]
    except OSError:
        return None
    return max(files)[2] if files else None
