"""Server environments for the bench: the tests' clean environment, with bytecode on.

An installed agentls has compiled bytecode (pip compiles on install). A developer shell
that sets PYTHONDONTWRITEBYTECODE would make every start recompile agentls from source,
which is not what users see, so the bench compiles once and lets servers use it.
"""

from __future__ import annotations

import compileall
from pathlib import Path

from tests.support.lsp_harness import server_env

REPO = Path(__file__).resolve().parents[1]


def bench_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = server_env(tmp, **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def precompile() -> None:
    import agentls  # the copy the servers will import (editable or installed)

    compileall.compile_dir(str(Path(agentls.__file__).parent), quiet=1)
    compileall.compile_file(str(REPO / "bench" / "peers" / "bare_pygls.py"), quiet=1)
