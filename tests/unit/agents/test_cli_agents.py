"""`agentls agents`: listing, shadow marks, errors on stderr, JSON, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from agentls.agents import registry
from agentls.cli_agents import run


def invoke(root: Path, home: Path, *, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(workspace=root, as_json=as_json, env={"HOME": str(home)}, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def make_workspace(tmp_path: Path) -> tuple[Path, Path]:
    root, home = tmp_path / "ws", tmp_path / "home"
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    home.mkdir()
    (folder / "backend-developer.md").write_text("---\ndescription: mine\n---\nx\n")
    (folder / "quiet.md").write_text("---\ndescription: q\nhidden: true\n---\nx\n")
    (folder / "broken.md").write_text("no frontmatter\n")
    (root / ".agentls.yaml").write_text("bogus: 1\n")
    return root, home


def test_text_listing_marks_shadowed_and_reports_errors(tmp_path: Path) -> None:
    root, home = make_workspace(tmp_path)
    code, out, err = invoke(root, home)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("backend-developer  [claude] (default, shadows another)")
    assert "Run backend-developer" in lines[1]
    assert lines[2].startswith("quiet  [claude]")
    assert lines[3] == "    no code actions (hidden)"
    assert lines[4].startswith("tech-lead  [bundled]")
    assert lines[5:7] == [
        "    actions: 'Plan feature'",
        "    writes plans, never code; backend-developer implements them",
    ]
    assert lines[7].startswith("shadowed: backend-developer  [bundled]")
    assert "broken.md: no YAML frontmatter" in err
    assert "config: `.agentls.yaml`: bogus: unknown setting" in err


def test_json_listing(tmp_path: Path) -> None:
    root, home = make_workspace(tmp_path)
    code, out, _err = invoke(root, home, as_json=True)
    data = json.loads(out)
    assert code == 0
    assert [a["name"] for a in data["agents"]] == ["backend-developer", "quiet", "tech-lead"]
    assert data["agents"][2]["actions"] == ["Plan feature"]
    assert data["agents"][1]["actions"] == []
    assert data["shadowed"][0]["origin"] == "bundled"
    assert data["errors"][0]["source"].endswith("broken.md")


def test_no_agents_at_all_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_bundled_folders", lambda: iter([tmp_path / "none"]))
    (tmp_path / "ws").mkdir()
    code, out, err = invoke(tmp_path / "ws", tmp_path)
    assert (code, out) == (1, "")
    assert "no agents found" in err
    assert f"{tmp_path / 'ws' / '.claude' / 'agents'}  [claude]" in err
