"""JavaScript syntax: `node --check` on a temporary copy of the new text.

Only .js/.mjs/.cjs files, and only where `node` is on PATH. TypeScript is not checked:
node can only check it by stripping types (an experimental flag on node 22+), which
would refuse valid TypeScript on older nodes. Run as an argv (no shell) with a timeout;
callers run this off the event loop.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import PurePosixPath

from agentls.edits.model import Problem

JS_SUFFIXES = (".js", ".mjs", ".cjs")
NODE_TIMEOUT = 10.0
_ERROR_LINE = re.compile(r"^(\w*Error): (.*)$", re.MULTILINE)
_LOCATION = re.compile(r":(\d+)\s*$", re.MULTILINE)


def node_path() -> str | None:
    return shutil.which("node")


def node_check(node: str, path: str, text: str) -> tuple[str, Problem] | None:
    """(key, Problem) when node says the text does not parse; None when it does.

    A node that cannot run or times out says nothing: the check is skipped, not failed.
    """
    suffix = PurePosixPath(path).suffix
    fd, temp = tempfile.mkstemp(prefix="agentls-check-", suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            done = subprocess.run(
                [node, "--check", temp],
                capture_output=True,
                text=True,
                timeout=NODE_TIMEOUT,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError):
            return None
    finally:
        os.unlink(temp)
    if done.returncode == 0:
        return None
    error = _ERROR_LINE.search(done.stderr)
    if error is None:
        return None  # not a syntax verdict (node crashed, odd build): say nothing
    said = f"{error.group(1)}: {error.group(2)}"
    where = _LOCATION.search(done.stderr.split(error.group(0))[0])
    line_no = int(where.group(1)) if where else 0
    lines = text.splitlines()
    hints = (f"{line_no} | {lines[line_no - 1].strip()}",) if 0 < line_no <= len(lines) else ()
    at = f" at line {line_no}" if line_no else ""
    return said, Problem(f"JavaScript {said}{at} (node --check)", path=path, hints=hints)
