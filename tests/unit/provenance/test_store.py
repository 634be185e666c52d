"""Persistence: where the ledger lives, round trips, atomic writes, corrupt files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentls.provenance.ledger import Ledger, make_region
from agentls.provenance.store import SCHEMA_VERSION, ledger_path, load, save

from .test_ledger import record

ROOT = "/home/me/project"


def filled_ledger() -> Ledger:
    text = "import os\n\ndef health():\n    return {'status': 'ok'}  # 😀\r\n"
    ledger = Ledger()
    ledger.record_run(record("run1"), [make_region("run1", "app/main.py", text, 11, len(text))])
    ledger.set_explanation("app/main.py", 0, 9, "Imports os.", record("ex1", "explain"), text)
    ledger.observe("app/main.py", text)
    return ledger


def snapshot(ledger: Ledger) -> tuple[object, ...]:
    regions = [pair for path in ledger.paths for pair in ledger.regions_in(path)]
    return (ledger.records, regions, ledger.seen)


def test_path_is_keyed_by_workspace_under_xdg_state_home(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    one = ledger_path(ROOT, env=env)
    assert one.parent == tmp_path / "agentls" / "provenance"
    assert one.suffix == ".json" and len(one.stem) == 16
    assert ledger_path(ROOT + "2", env=env) != one
    assert ledger_path(ROOT, env=env) == one


def test_path_falls_back_to_local_state_and_honours_state_dir(tmp_path: Path) -> None:
    assert ledger_path(ROOT, env={}).parent == Path.home() / ".local/state/agentls/provenance"
    assert ledger_path(ROOT, state_dir=str(tmp_path), env={}).parent == tmp_path


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "ledger.json"
    original = filled_ledger()
    assert save(path, original, ROOT) is None
    assert not original.dirty
    loaded = Ledger()
    assert load(path, loaded) == []
    assert snapshot(loaded) == snapshot(original)
    assert not loaded.dirty
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == SCHEMA_VERSION


def test_save_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    for _ in range(3):
        assert save(path, filled_ledger(), ROOT) is None
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.json"]


def test_missing_file_is_an_empty_ledger(tmp_path: Path) -> None:
    ledger = Ledger()
    assert load(tmp_path / "none.json", ledger) == []
    assert ledger.records == []


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        json.dumps({"schema": 99, "runs": [], "regions": []}).encode(),
        json.dumps({"schema": SCHEMA_VERSION, "runs": {}, "regions": []}).encode(),
    ],
    ids=["bad_json", "bad_utf8", "not_an_object", "future_schema", "runs_not_a_list"],
)
def test_corrupt_ledger_is_set_aside_and_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ledger.json"
    path.write_bytes(content)
    ledger = filled_ledger()
    problems = load(path, ledger)
    assert len(problems) == 1 and "moved it to ledger.json.corrupt-" in problems[0]
    assert not path.exists()
    (aside,) = tmp_path.glob("ledger.json.corrupt-*")
    assert aside.read_bytes() == content
    assert ledger.records == []
    assert save(path, filled_ledger(), ROOT) is None  # a fresh ledger can be written again


def test_bad_entries_are_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    assert save(path, filled_ledger(), ROOT) is None
    data = json.loads(path.read_text(encoding="utf-8"))
    data["regions"].append({"run_id": "run1", "path": "x.py", "start": "zero"})
    data["regions"].append({**data["regions"][0], "start": 5, "end": 2})
    data["runs"].append({"run_id": 7})
    path.write_text(json.dumps(data), encoding="utf-8")
    ledger = Ledger()
    problems = load(path, ledger)
    assert len(problems) == 3
    assert ledger.records == filled_ledger().records
    assert len([p for p in ledger.paths for _ in ledger.regions_in(p)]) == 2


def test_unwritable_location_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    problem = save(blocker / "ledger.json", filled_ledger(), ROOT)
    assert problem is not None and "could not save provenance ledger" in problem
