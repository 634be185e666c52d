"""Synthetic workspaces and files, made the same way on every run (fixed seeds)."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

FILES_PER_FOLDER = 50

GITIGNORE = "build/\nnode_modules/\n*.log\n.env\n__pycache__/\n"


def module_text(seed: int, lines: int = 12) -> str:
    rng = random.Random(seed)
    body = [f'"""Module {seed}."""', "", "import os", ""]
    for i in range((lines - 4) // 3):
        body += [f"def f{seed}_{i}(x):", f"    return x * {rng.randint(1, 99)} + {i}", ""]
    return "\n".join(body) + "\n"


def big_python_file(lines: int = 10_000, seed: int = 7) -> str:
    """A plausible Python module of exactly `lines` lines (classes, methods, comments)."""
    rng = random.Random(seed)
    out = ['"""A large generated module."""', "", "import math", ""]
    n = 0
    while len(out) < lines:
        n += 1
        out += [
            f"class Thing{n}:",
            f'    """Thing number {n}."""',
            "",
            "    def __init__(self, value: int) -> None:",
            f"        self.value = value + {rng.randint(0, 999)}",
            "",
            "    def area(self) -> float:",
            f"        # scale {rng.random():.6f}",
            f"        return math.pi * self.value ** 2 / {rng.randint(1, 50)}",
            "",
        ]
    return "\n".join(out[:lines]) + "\n"


def scattered_changes(text: str, count: int, seed: int = 11) -> str:
    """`count` single-line edits spread evenly over the file."""
    lines = text.split("\n")
    rng = random.Random(seed)
    step = max(1, (len(lines) - 1) // (count + 1))
    for k in range(1, count + 1):
        i = min(len(lines) - 2, k * step)
        lines[i] = lines[i] + f"  # changed {rng.randint(0, 10**6)}"
    return "\n".join(lines)


def make_repo(root: Path, files: int, *, git: bool) -> Path:
    """`files` tracked text files in folders of FILES_PER_FOLDER, plus a .gitignore and
    ignored folders (build/, node_modules/, logs) of about a tenth as many files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text(GITIGNORE)
    (root / "README.md").write_text("# Synthetic service\n\nGenerated for benchmarks.\n")
    (root / "pyproject.toml").write_text('[project]\nname = "synthetic"\nversion = "0"\n')
    made = 3
    n = 0
    while made < files:
        folder = root / "src" / f"pkg{n // (FILES_PER_FOLDER * 20)}" / f"mod{n // FILES_PER_FOLDER}"
        if n % FILES_PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{n}.py").write_text(module_text(n))
        n += 1
        made += 1
    ignored = max(1, files // 10)
    for sub in ("build", "node_modules/dep"):
        folder = root / sub
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(ignored // 2):
            (folder / f"gen{i}.py").write_text("x = 1\n")
    (root / "server.log").write_text("log line\n" * 100)
    if git:
        run = {"cwd": root, "check": True, "capture_output": True}
        subprocess.run(["git", "init", "-q"], **run)  # type: ignore[call-overload]
        subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    return root


def first_module(root: Path) -> str:
    return "src/pkg0/mod0/m0.py"
