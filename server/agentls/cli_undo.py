"""`agentls undo RUN_ID`: put back what a run wrote, on disk, where nobody edited it since."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

EXIT_OK, EXIT_USAGE, EXIT_REFUSED = 0, 2, 1


def main(args: argparse.Namespace) -> int:
    return undo(args.run_id, Path(args.workspace), as_json=args.json, env=os.environ)


def undo(
    run_id: str,
    workspace: Path,
    *,
    as_json: bool,
    env: Mapping[str, str],
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    from agentls.provenance.on_disk import undo_on_disk
    from agentls.settings_loader import load_settings

    root = workspace.expanduser().resolve()
    if not root.is_dir():
        print(f"agentls: workspace {workspace} is not a folder", file=err)
        return EXIT_USAGE
    settings = load_settings(workspace_root=root, editor_settings=None, env=env).settings
    if not settings.provenance.enabled:
        print("agentls: provenance is off (provenance.enabled), so no run can be undone", file=err)
        return EXIT_USAGE
    result = undo_on_disk(root, settings.provenance, env, run_id)
    for problem in result.problems:
        print(f"agentls: {problem}", file=err)
    if as_json:
        data = {
            "status": result.status,
            "message": result.message,
            "restored": result.restored,
            "deleted": result.deleted,
            "left_alone": [{"path": p, "reason": w} for p, w in sorted(result.left_alone.items())],
        }
        print(json.dumps(data, indent=2), file=out)
    else:
        print(f"agentls: {result.message}", file=err if result.status == "refused" else out)
    return EXIT_REFUSED if result.status == "refused" else EXIT_OK
