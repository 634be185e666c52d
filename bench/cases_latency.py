"""3. `textDocument/codeAction` and `hover` latency on a 10,000-line file.

Each server gets the same file, opened once; a few warm-up requests are not counted
(jedi parses on first use). Requests go one at a time, at positions spread over the
file. "keystroke + codeAction" sends a one-character `didChange` before each code
action, which is what an editor does while the user types: the server must update
its copy of a large document before it can answer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.envs import bench_env
from bench.lspclient import RawLsp
from bench.report import Section, Table, Target
from bench.servers import ServerSpec
from bench.stats import Summary
from bench.workspaces import big_python_file

WARMUP = 5


def _positions(lines: int, count: int) -> list[tuple[int, int]]:
    step = max(1, lines // count)
    return [((i * step + 4) % lines, 8) for i in range(count)]


async def _timed(
    client: RawLsp, method: str, make: Callable[[int, int], Any], count: int, lines: int
) -> list[float]:
    samples = []
    for k, (line, col) in enumerate(_positions(lines, count + WARMUP)):
        _, seconds = await client.request(method, make(line, col), timeout=60)
        if k >= WARMUP:
            samples.append(seconds * 1000)
    return samples


async def _measure_one(spec: ServerSpec, root: Path, env: dict[str, str], count: int) -> dict:
    text = (root / "big.py").read_text()
    lines = text.count("\n")
    uri = (root / "big.py").resolve().as_uri()
    client, _ = await RawLsp.spawn(spec.command, cwd=root, env=env)
    try:
        await client.initialize(root)
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )

        def action(line: int, col: int) -> Any:
            pos = {"line": line, "character": col}
            return {
                "textDocument": {"uri": uri},
                "range": {"start": pos, "end": pos},
                "context": {"diagnostics": []},
            }

        def hover(line: int, col: int) -> Any:
            return {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}

        results = {
            "codeAction": await _timed(client, "textDocument/codeAction", action, count, lines),
            "hover": await _timed(client, "textDocument/hover", hover, count, lines),
        }
        typed: list[float] = []
        version = 1
        for k, (line, _col) in enumerate(_positions(lines, count + WARMUP)):
            version += 1
            pos = {"line": line, "character": 0}
            client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": " "}],
                },
            )
            _, seconds = await client.request("textDocument/codeAction", action(line, 4))
            if k >= WARMUP:
                typed.append(seconds * 1000)
        results["keystroke + codeAction"] = typed
        return results
    finally:
        await client.close()


async def measure(servers: list[ServerSpec], *, smoke: bool) -> Section:
    count = 5 if smoke else 200
    lines = 300 if smoke else 10_000
    section = Section("3. Code action and hover latency on a 10,000-line file")
    measured: dict[str, dict[str, list[float]]] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="agentls-bench-") as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        (root / "big.py").write_text(big_python_file(lines))
        env = bench_env(Path(tmp))
        for spec in servers:
            try:
                measured[spec.name] = await _measure_one(spec, root, env, count)
            except Exception as error:
                failures[spec.name] = f"{type(error).__name__}: {error}"[:200]
    floor = measured.get("bare pygls 2", {})
    kinds = ("codeAction", "hover", "keystroke + codeAction")
    rows = []
    for spec in servers:
        if spec.name not in measured:
            rows.append([spec.name, *["—"] * 6, f"failed: {failures.get(spec.name, '?')}"])
            continue
        cells = [spec.name]
        for kind in kinds:
            s = Summary.of(measured[spec.name][kind])
            cells += [f"{s.median:.2f}", f"{s.p99:.2f}"]
        base = Summary.of(floor.get("codeAction", []))
        mine = Summary.of(measured[spec.name]["codeAction"])
        cells.append(f"{mine.median / base.median:.2f}×" if floor else "—")
        rows.append(cells)
    section.tables.append(
        Table(
            f"Request → reply, ms ({count} requests each after {WARMUP} warm-up, "
            f"{lines}-line file)",
            [
                "server",
                "codeAction p50",
                "codeAction p99",
                "hover p50",
                "hover p99",
                "keystroke+action p50",
                "keystroke+action p99",
                "codeAction p50 × bare",
            ],
            rows,
            notes=[
                "Timed in the client (a lean JSON client, `bench/lspclient.py`), so each number "
                "includes pipe transport and the server's JSON decoding and encoding. The bare "
                "pygls server answers with nothing: its numbers are the cost of pygls itself.",
            ],
        )
    )
    if "agentls" in measured:
        p99 = Summary.of(measured["agentls"]["codeAction"]).p99
        section.targets.append(Target("codeAction p99 ≤ 2 ms (10k-line file)", p99, 2.0, "ms"))
    return section
