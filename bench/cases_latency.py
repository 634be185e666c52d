"""3. `textDocument/codeAction` and `hover` latency on a 10,000-line file.

Each server gets the same file, opened once; a few warm-up requests are not counted
(jedi parses on first use). Requests go one at a time, at positions spread over the
file. "keystroke + codeAction" sends a one-character `didChange` before each code
action, which is what an editor does while the user types: the server must update
its copy of a large document before it can answer.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

from bench.envs import bench_env
from bench.lspclient import LspError, RawLsp
from bench.report import Section, Table, Target
from bench.servers import ServerSpec
from bench.stats import Summary
from bench.workspaces import big_python_file

WARMUP = 5
PEER_REQUESTS = 50
TIMEOUT = 30.0  # seconds for one request; a server that takes longer is given up on
KINDS = ("codeAction", "hover", "keystroke + codeAction")


def _positions(lines: int, count: int) -> list[tuple[int, int]]:
    step = max(1, lines // count)
    return [((i * step + 4) % lines, 8) for i in range(count)]


class _Open:
    """One server with the big file open, and the three kinds of timed step."""

    def __init__(self, spec: ServerSpec, client: RawLsp, uri: str) -> None:
        self.spec = spec
        self.client = client
        self.uri = uri
        self.version = 1
        self.samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.errors = 0  # requests answered with an error (still timed: the reply came)
        self.stopped = ""  # why this server was given up on, if it was

    def _action(self, line: int, col: int) -> Any:
        pos = {"line": line, "character": col}
        return {
            "textDocument": {"uri": self.uri},
            "range": {"start": pos, "end": pos},
            "context": {"diagnostics": []},
        }

    async def step(self, kind: str, line: int, col: int) -> float:
        try:
            return await self._step(kind, line, col)
        except LspError as error:
            self.errors += 1
            return error.seconds * 1000
        except TimeoutError:
            # The server is still busy with it; later requests would only queue behind.
            self.stopped = f"gave up on {kind} at line {line + 1}: over {TIMEOUT:.0f} s"
            return math.nan

    async def _step(self, kind: str, line: int, col: int) -> float:
        if kind == "hover":
            params = {
                "textDocument": {"uri": self.uri},
                "position": {"line": line, "character": col},
            }
            _, seconds = await self.client.request("textDocument/hover", params, timeout=TIMEOUT)
            return seconds * 1000
        if kind == "keystroke + codeAction":
            self.version += 1
            pos = {"line": line, "character": 0}
            self.client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": self.uri, "version": self.version},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": " "}],
                },
            )
        _, seconds = await self.client.request(
            "textDocument/codeAction", self._action(line, col), timeout=TIMEOUT
        )
        return seconds * 1000


async def _open(spec: ServerSpec, root: Path, env: dict[str, str]) -> _Open:
    text = (root / "big.py").read_text()
    uri = (root / "big.py").resolve().as_uri()
    client, _ = await RawLsp.spawn(spec.command, cwd=root, env=env)
    await client.initialize(root)
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    return _Open(spec, client, uri)


async def _measure_group(
    specs: list[ServerSpec], root: Path, env: dict[str, str], count: int, lines: int
) -> tuple[dict[str, dict[str, list[float]]], dict[str, str]]:
    """Open every server of the group, then alternate between them request by request,
    so a burst of load from other jobs lands on all of them alike. A server that timed
    out is restarted for the next kind of request (it would still be busy)."""
    opened: list[_Open] = []
    samples: dict[str, dict[str, list[float]]] = {s.name: {k: [] for k in KINDS} for s in specs}
    notes: dict[str, list[str]] = {spec.name: [] for spec in specs}
    errors = dict.fromkeys((spec.name for spec in specs), 0)
    try:
        for spec in specs:
            opened.append(await _open(spec, root, env))
        for kind in KINDS:
            for i, server in enumerate(opened):
                if server.stopped:
                    await server.client.close()
                    opened[i] = await _open(server.spec, root, env)
            for k, (line, col) in enumerate(_positions(lines, count + WARMUP)):
                for server in opened:
                    if server.stopped:
                        continue
                    ms = await server.step(kind, line, col)
                    if server.stopped:
                        notes[server.spec.name].append(server.stopped)
                    elif k >= WARMUP:
                        samples[server.spec.name][kind].append(ms)
        for server in opened:
            errors[server.spec.name] += server.errors
    finally:
        for server in opened:
            await server.client.close()
    results = {name: {**kinds, "errors": [float(errors[name])]} for name, kinds in samples.items()}
    return results, {name: "; ".join(found) for name, found in notes.items() if found}


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
        # agentls and its floor are measured side by side; the heavier peers on their own
        # (their background analysis would otherwise load the machine under agentls).
        pair = [s for s in servers if s.name in ("agentls", "bare pygls 2")]
        groups = [pair, *([s] for s in servers if s not in pair)]
        for group in groups:
            try:
                n = count if group is pair else min(count, PEER_REQUESTS)
                samples, stopped = await _measure_group(group, root, env, n, lines)
                measured.update(samples)
                failures.update(stopped)
            except Exception as error:
                for spec in group:
                    failures[spec.name] = f"{type(error).__name__}: {error}"[:200]
    floor = measured.get("bare pygls 2", {})
    rows = []
    for spec in servers:
        if spec.name not in measured:
            rows.append([spec.name, *["—"] * 8, f"failed: {failures.get(spec.name, '?')}"])
            continue
        cells = [spec.name]
        for kind in KINDS:
            s = Summary.of(measured[spec.name][kind])
            cells += [f"{s.median:.2f}", f"{s.p99:.2f}"] if s.n else ["—", "—"]
        base = Summary.of(floor.get("codeAction", []))
        mine = Summary.of(measured[spec.name]["codeAction"])
        cells.append(f"{mine.median / base.median:.2f}×" if floor and mine.n else "—")
        cells.append(str(int(measured[spec.name]["errors"][0])))
        cells.append(failures.get(spec.name, ""))
        rows.append(cells)
    section.tables.append(
        Table(
            f"Request → reply, ms ({count} requests of each kind after {WARMUP} warm-up; "
            f"{min(count, PEER_REQUESTS)} for jedi and pylsp, which take up to a second each; "
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
                "error replies",
                "note",
            ],
            rows,
            notes=[
                "Timed in the client (a lean JSON client, `bench/lspclient.py`), so each number "
                "includes pipe transport and the server's JSON decoding and encoding. The bare "
                "pygls server answers with nothing: its numbers are the cost of pygls itself. "
                "*error replies*: requests the server answered with an LSP error (timed all the "
                "same; jedi raises parso/AST errors on some positions of this file).",
            ],
        )
    )
    if "agentls" in measured:
        p99 = Summary.of(measured["agentls"]["codeAction"]).p99
        section.targets.append(Target("codeAction p99 ≤ 2 ms (10k-line file)", p99, 2.0, "ms"))
    return section
