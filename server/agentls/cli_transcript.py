"""Run transcripts on the command line: `agentls transcript [RUN_ID]`, and the keeping
and showing of one for `agentls run [--transcript]`."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from agentls.config import ProvenanceSettings
from agentls.engine.transcript import Transcript


def folder_for(settings: ProvenanceSettings, env: Mapping[str, str]) -> Path | None:
    """Where transcripts are kept; None when the settings keep none."""
    from agentls.provenance.transcripts import transcripts_dir

    if not settings.enabled or settings.transcripts == 0:
        return None
    return transcripts_dir(settings.state_dir, env)


def keep(
    transcript: Transcript, settings: ProvenanceSettings, env: Mapping[str, str], err: TextIO
) -> Path | None:
    """Write ``transcript`` to the state folder (problems go to ``err``); its file."""
    from agentls.provenance.transcripts import save

    folder = folder_for(settings, env)
    if folder is None or not transcript.messages:
        return None
    saved = save(folder, transcript, settings.transcripts)
    if isinstance(saved, str):
        print(f"agentls: {saved}", file=err)
        return None
    return saved


def as_json_data(transcript: Transcript, path: Path | None) -> dict[str, Any]:
    data = dataclasses.asdict(transcript)
    data["file"] = str(path) if path else None
    return data


def show(transcript: Transcript, path: Path | None, err: TextIO) -> None:
    """The transcript as markdown on ``err`` (stdout keeps the explanation and diff)."""
    from agentls.provenance.transcripts import render

    err.write(render(transcript))
    if path is not None:
        print(f"agentls: transcript saved to {path}", file=err)


def after_run(
    transcript: Transcript,
    settings: ProvenanceSettings,
    env: Mapping[str, str],
    *,
    wanted: bool,
    as_json: bool,
    err: TextIO,
) -> dict[str, Any] | None:
    """Keep a run's transcript; when ``wanted`` (`--transcript`), print it on ``err``, or
    with ``as_json`` return it for the JSON result."""
    path = keep(transcript, settings, env, err)
    if wanted and as_json:
        return as_json_data(transcript, path)
    if wanted:
        show(transcript, path, err)
    return None


def main(args: argparse.Namespace) -> int:
    """`agentls transcript [RUN_ID]`: print a kept transcript (the last run's by default)."""
    from agentls.provenance.transcripts import find
    from agentls.settings_loader import load_settings

    loaded = load_settings(workspace_root=None, editor_settings=None, env=os.environ)
    folder = folder_for(loaded.settings.provenance, os.environ)
    if folder is None:
        print(
            "agentls: no transcripts are kept (provenance is off or provenance.transcripts is 0)",
            file=sys.stderr,
        )
        return 1
    path = find(folder, args.run_id or None)
    if path is None:
        what = f"run {args.run_id}" if args.run_id else "any run"
        print(f"agentls: no transcript of {what} in {folder}", file=sys.stderr)
        return 1
    sys.stdout.write(path.read_text(encoding="utf-8"))
    return 0
