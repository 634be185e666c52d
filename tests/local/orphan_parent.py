"""A parent that starts a local model child, prints the child's pid, then waits to be killed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from agentls.config import Settings
from agentls.llm.local import LocalModelManager


async def main(launcher: list[str], model: str, cache: str) -> None:
    manager = LocalModelManager(Settings(model=model), Path(cache), launcher=launcher)
    await manager.ensure()
    print(manager.pid, flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    # argv: MODEL CACHE_DIR LAUNCHER...
    asyncio.run(main(sys.argv[3:], sys.argv[1], sys.argv[2]))
