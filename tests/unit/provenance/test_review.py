"""provenance.review: what Revert and Undo write back, as plain data."""

from __future__ import annotations

from agentls.edits.model import FileChange, TextEdit
from agentls.provenance.ledger import Ledger, regions_for_change
from agentls.provenance.model import RunRecord, TextChange
from agentls.provenance.review import apply_restores, plan_undo, revert_hunk

OLD = "import os\n\n# TODO: greet\n\nprint('end')\n"
NEW = "import os\nimport sys\n\ndef greet() -> None:\n    print('hi')\n\nprint('end')\n"


def applied_run(created: str | None = None) -> tuple[Ledger, RunRecord, dict[str, str]]:
    edits = (
        TextEdit(10, 10, "import sys\n"),
        TextEdit(11, 25, "def greet() -> None:\n    print('hi')\n"),
    )
    change = FileChange("a.py", "modify", OLD, NEW, edits)
    files = [change]
    if created:
        files.append(FileChange(created, "create", "", "x = 1\n", (TextEdit(0, 0, "x = 1\n"),)))
    record = RunRecord(
        "run1",
        "backend-developer",
        "openai",
        "m",
        "t",
        "greet",
        "selection",
        "why",
        created=(created,) if created else (),
    )
    ledger = Ledger()
    regions = [r for f in files for r in regions_for_change("run1", f)]
    ledger.record_run(record, regions)
    texts = {f.path: f.new_text for f in files}
    return ledger, record, texts


def test_the_two_hunks_carry_what_they_replaced() -> None:
    ledger, _, _ = applied_run()
    regions = [r for r, _ in ledger.regions_in("a.py")]
    # Hunks a blank line apart are one: the import and the function.
    assert [(NEW[r.start : r.end], r.original) for r in regions] == [
        ("import sys\n\ndef greet() -> None:\n    print('hi')\n", "\n# TODO: greet\n")
    ]


def test_undo_restores_the_old_text_and_deletes_created_files() -> None:
    ledger, _, texts = applied_run(created="b.py")
    plan = plan_undo(ledger, "run1", texts.get)
    assert plan is not None and plan.deletes == ["b.py"] and not plan.left_alone
    assert apply_restores(texts["a.py"], plan.restores["a.py"]) == OLD


def test_a_region_typed_into_is_not_reverted_and_undo_leaves_its_file_alone() -> None:
    ledger, record, texts = applied_run()
    region = ledger.regions_in("a.py")[-1][0]
    at = region.start + 4
    ledger.apply_changes("a.py", [TextChange(at, at, "X")])
    typed = texts["a.py"][:at] + "X" + texts["a.py"][at:]
    region = ledger.regions_in("a.py")[-1][0]
    assert isinstance(revert_hunk(region, record, typed), str)
    plan = plan_undo(ledger, "run1", {"a.py": typed}.get)
    assert plan is not None and plan.empty and "a.py" in plan.left_alone


def test_deleting_a_whole_region_marks_the_file_disturbed() -> None:
    ledger, _, texts = applied_run(created="b.py")
    region = ledger.regions_in("a.py")[0][0]
    ledger.apply_changes("a.py", [TextChange(region.start, region.end, "")])
    record = ledger.record("run1")
    assert record is not None and record.disturbed == ("a.py",)
    plan = plan_undo(ledger, "run1", texts.get)
    assert plan is not None and plan.deletes == ["b.py"] and "a.py" in plan.left_alone


def test_kept_regions_stay_and_are_not_reverted() -> None:
    ledger, record, texts = applied_run()
    for region, _ in ledger.regions_in("a.py"):
        assert ledger.keep(region.region_id)
    region = ledger.regions_in("a.py")[0][0]
    assert region.original is None
    assert "kept" in str(revert_hunk(region, record, texts["a.py"]))
    plan = plan_undo(ledger, "run1", texts.get)
    assert plan is not None and plan.empty


def test_undo_of_an_unknown_run_is_none() -> None:
    ledger, _, texts = applied_run()
    assert plan_undo(ledger, "nope", texts.get) is None
