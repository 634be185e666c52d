"""1. Cold start (spawn -> initialize reply) and 2. idle memory (VmHWM after initialize).

Servers are started round-robin, so a burst of load on the shared machine hits all of
them alike. Idle memory is read after `initialized` and a `shutdown` round trip, so
whatever the server does on `initialized` (agentls loads settings and agents) counts.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bench.envs import bench_env
from bench.lspclient import RawLsp, read_status_kb, tree_kb
from bench.report import Section, Table, Target
from bench.servers import ServerSpec
from bench.stats import Summary
from bench.workspaces import make_repo


async def _one_start(spec: ServerSpec, root: Path, env: dict[str, str]) -> tuple[float, int | None]:
    client, spawned = await RawLsp.spawn(spec.command, cwd=root, env=env)
    try:
        replied = await client.initialize(root)
        await client.request("shutdown", None, timeout=30)
        memory = tree_kb(client.pid, "VmHWM") if spec.python else _rss_tree(client.pid)
        return replied - spawned, memory
    finally:
        client.notify("exit", None)
        await client.close()


def _rss_tree(pid: int) -> int | None:
    # Native servers with worker processes: current RSS of the whole tree.
    return tree_kb(pid, "VmRSS") if read_status_kb(pid, "VmRSS") is not None else None


async def measure(servers: list[ServerSpec], repeats: int) -> Section:
    section = Section("1–2. Cold start and idle memory")
    with tempfile.TemporaryDirectory(prefix="agentls-bench-") as tmp:
        root = make_repo(Path(tmp) / "ws", 10, git=False)
        env = bench_env(Path(tmp))
        times: dict[str, list[float]] = {s.name: [] for s in servers}
        memory: dict[str, list[int]] = {s.name: [] for s in servers}
        failures: dict[str, str] = {}
        for _ in range(repeats):
            for spec in servers:
                if spec.name in failures:
                    continue
                try:
                    seconds, kb = await asyncio.wait_for(_one_start(spec, root, env), 120)
                except Exception as error:  # a peer that cannot start is reported, not fatal
                    failures[spec.name] = f"{type(error).__name__}: {error}"[:200]
                    continue
                times[spec.name].append(seconds * 1000)
                if kb is not None:
                    memory[spec.name].append(kb)
    floor = Summary.of(times.get("bare pygls 2", []))
    floor_mem = Summary.of(memory.get("bare pygls 2", []))
    rows = []
    for spec in servers:
        if spec.name in failures and not times[spec.name]:
            rows.append([spec.name, *["—"] * 6, f"failed: {failures[spec.name]}"])
            continue
        t, m = Summary.of(times[spec.name]), Summary.of(memory[spec.name])
        rows.append(
            [
                spec.name,
                f"{t.median:.0f}",
                f"{t.p99:.0f}",
                f"{t.minimum:.0f}",
                f"{t.median / floor.median:.2f}×",
                f"{m.median / 1024:.1f}",
                f"{m.median / floor_mem.median:.2f}×",
                spec.note,
            ]
        )
    section.tables.append(
        Table(
            f"Spawn → initialize reply ({repeats} starts each, round-robin) and idle memory",
            [
                "server",
                "median ms",
                "p99 ms",
                "min ms",
                "median × bare",
                "idle MB",
                "MB × bare",
                "note",
            ],
            rows,
            notes=[
                "Idle memory is VmHWM (peak RSS) read after initialize, initialized and a "
                "shutdown round trip; for the native Copilot binary it is the RSS of its process "
                "tree at that moment.",
            ],
        )
    )
    agent_t = Summary.of(times["agentls"])
    agent_m = Summary.of(memory["agentls"])
    section.targets.append(
        Target("cold start ≤ 1.05× bare pygls", agent_t.median / floor.median, 1.05, "×")
    )
    section.targets.append(Target("idle RSS ≤ 60 MB", agent_m.median / 1024, 60, "MB"))
    section.plots = [
        {
            "title": "Cold start: spawn → initialize reply, median ms",
            "bars": [(s.name, Summary.of(times[s.name]).median) for s in servers if times[s.name]],
        },
        {
            "title": "Idle memory after initialize, MB",
            "bars": [
                (s.name, Summary.of(memory[s.name]).median / 1024)
                for s in servers
                if memory[s.name]
            ],
        },
    ]
    return section
