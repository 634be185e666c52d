"""Shared helpers for the local model tests.

`real_model/` needs `agentls[local]` and the pulled model; only `.ci/local-model.sh`
collects it (it sets AGENTLS_REAL_MODEL_TESTS=1).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FAKE_LAUNCHER = (sys.executable, str(HERE / "fake_child.py"))

collect_ignore = [] if os.environ.get("AGENTLS_REAL_MODEL_TESTS") == "1" else ["real_model"]


def process_gone(pid: int) -> bool:
    """True when `pid` has exited (a zombie left for init to reap counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process_gone(pid):
            return True
        time.sleep(0.05)
    return process_gone(pid)


@pytest.fixture
def fake_launcher() -> tuple[str, ...]:
    return FAKE_LAUNCHER


@pytest.fixture
def gone():
    """`gone(pid, timeout=10.0)`: wait until the process has exited; True if it did."""
    return wait_gone


@pytest.fixture
def fake_model_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"GGUF-not-really")
    return path
