"""5. Context gathering on a synthetic repository with a .gitignore (in-process).

Two listings are timed: `git ls-files` (the repository is a git work tree with every
file added) and the `os.scandir` walk with gitignore rules (the same tree without
`.git`). "cold" builds a new `WorkspaceIndex` each time (the first run after start-up
or after a file was created or deleted); "warm" reuses the cached listing (every other
run). `gather_context` is timed for a selection-scope and a workspace-scope run.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from agentls.config import ContextSettings
from agentls.context.gather import gather_context
from agentls.context.index import WorkspaceIndex
from agentls.engine.model import DocumentSnapshot
from bench.report import Section, Table, Target
from bench.stats import Summary, times_ms
from bench.workspaces import first_module, make_repo


def _gather(index: WorkspaceIndex, scope: str, document: DocumentSnapshot) -> object:
    return gather_context(
        index=index,
        scope=scope,  # type: ignore[arg-type]
        document=document,
        selection=(0, 0),
        instruction="add a /health endpoint",
        open_documents={document.path: document},
        settings=index.settings,
        secret_values=(),
    )


def _cases(root: Path, repeats: int) -> dict[str, list[float]]:
    settings = ContextSettings()
    rel = first_module(root)
    document = DocumentSnapshot(rel, (root / rel).read_text(), 1, "python")
    warm = WorkspaceIndex(root, settings)
    listed = len(warm.files())
    results = {
        "list, cold": times_ms(lambda: WorkspaceIndex(root, settings).files(), repeats),
        "gather selection, warm": times_ms(lambda: _gather(warm, "selection", document), repeats),
        "gather workspace, warm": times_ms(lambda: _gather(warm, "workspace", document), repeats),
        "list + gather selection, cold": times_ms(
            lambda: _gather(WorkspaceIndex(root, settings), "selection", document), repeats
        ),
    }
    results["files listed"] = [float(listed)]
    return results


def measure(*, smoke: bool) -> Section:
    files = 200 if smoke else 20_000
    repeats = 2 if smoke else 15
    section = Section(f"5. Context gathering on a {files:,}-file repository")
    with tempfile.TemporaryDirectory(prefix="agentls-bench-") as tmp:
        root = make_repo(Path(tmp) / "repo", files, git=True)
        with_git = _cases(root, repeats)
        shutil.rmtree(root / ".git")
        walked = _cases(root, repeats)
    kinds = [k for k in with_git if k != "files listed"]
    rows = []
    for label, results in (("git ls-files", with_git), ("scandir walk", walked)):
        for kind in kinds:
            s = Summary.of(results[kind])
            rows.append([label, kind, f"{s.median:.1f}", f"{s.p99:.1f}"])
    section.tables.append(
        Table(
            f"In-process, ms ({repeats} repetitions; {int(with_git['files listed'][0]):,} files "
            f"kept by git, {int(walked['files listed'][0]):,} by the walk; ignored folders hold "
            f"{files // 10 // 2 * 2:,} more)",
            ["listing", "what", "median", "p99"],
            rows,
        )
    )
    cold_git = Summary.of(with_git["list + gather selection, cold"]).median
    cold_walk = Summary.of(walked["list + gather selection, cold"]).median
    warm = Summary.of(with_git["gather workspace, warm"]).median
    section.targets.append(
        Target("context ≤ 300 ms at 20k files (git, cold index)", cold_git, 300, "ms")
    )
    section.targets.append(
        Target("context ≤ 300 ms at 20k files (no git, cold index)", cold_walk, 300, "ms")
    )
    section.targets.append(
        Target("context ≤ 300 ms at 20k files (cached index, workspace scope)", warm, 300, "ms")
    )
    return section
