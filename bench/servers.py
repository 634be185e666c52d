"""agentls and the peers it is measured against, as commands to spawn.

agentls and the bare pygls server run on agentls' own interpreter (same Python, same
pygls), so their ratio isolates what agentls adds. The other peers live in the
bench-only venv made by `bench/setup-peers.sh`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BENCH_VENV = BENCH / ".venv"
COPILOT_NATIVE = (
    BENCH_VENV
    / "npm/node_modules/@github/copilot-language-server-linux-x64/copilot-language-server"
)
COPILOT_JS = BENCH_VENV / "npm/node_modules/@github/copilot-language-server/dist/language-server.js"


@dataclass(frozen=True, slots=True)
class ServerSpec:
    name: str
    command: tuple[str, ...]
    note: str = ""
    python: bool = True  # a Python server (memory then compares like with like)

    def available(self) -> bool:
        return Path(self.command[0]).exists()


def agentls() -> ServerSpec:
    return ServerSpec("agentls", (sys.executable, "-m", "agentls", "serve"))


def bare_pygls() -> ServerSpec:
    return ServerSpec(
        "bare pygls 2", (sys.executable, str(BENCH / "peers" / "bare_pygls.py")), "the floor"
    )


def jedi() -> ServerSpec:
    return ServerSpec("jedi-language-server", (str(BENCH_VENV / "bin/jedi-language-server"),))


def pylsp() -> ServerSpec:
    return ServerSpec("pylsp", (str(BENCH_VENV / "bin/pylsp"),))


def copilot() -> ServerSpec:
    # The npm launcher needs node >= 22.13 to run its JS build; otherwise it spawns the
    # native binary that ships in a sibling npm package. Run that directly when present.
    if COPILOT_NATIVE.exists():
        return ServerSpec(
            "copilot-language-server",
            (str(COPILOT_NATIVE), "--stdio"),
            "native build from npm, no sign-in",
            python=False,
        )
    return ServerSpec(
        "copilot-language-server",
        ("/usr/bin/node", str(COPILOT_JS), "--stdio"),
        "node build from npm, no sign-in",
        python=False,
    )


def all_servers() -> list[ServerSpec]:
    return [agentls(), bare_pygls(), jedi(), pylsp(), copilot()]
