"""The ledger: recording runs, lookups, re-anchoring, forgetting, expiry."""

from __future__ import annotations

from agentls.edits.model import FileChange, TextEdit
from agentls.provenance.ledger import (
    Ledger,
    generated_spans,
    make_region,
    part_explanation,
    regions_for_change,
)
from agentls.provenance.model import RunRecord, TextChange

from .markers import parse


def record(run_id: str = "run1", mode: str = "implement") -> RunRecord:
    return RunRecord(
        run_id=run_id,
        agent="backend-developer",
        provider="openai",
        model="scripted-model",
        created_at="2026-11-26T13:00:00+00:00",
        instruction="# TODO: add a /health endpoint",
        scope="selection",
        explanation="Added a health endpoint.",
        input_tokens=120,
        output_tokens=40,
        mode=mode,  # type: ignore[arg-type]
    )


def ledger_with(marked: str, run_id: str = "run1") -> tuple[Ledger, str]:
    text, region = parse(marked, run_id=run_id)
    ledger = Ledger()
    ledger.record_run(record(run_id), [region])
    return ledger, text


def spans(old: str, edits: list[TextEdit], kind: str = "modify") -> list[str]:
    new = old
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        new = new[: e.start] + e.new_text + new[e.end :]
    change = FileChange("a.py", kind, old, new, tuple(edits))  # type: ignore[arg-type]
    return [new[s:e] for s, e in generated_spans(change)]


def test_generated_spans_are_the_inserted_text_in_the_new_file() -> None:
    old = "one\ntwo\nthree\n"
    edits = [TextEdit(0, 0, "zero\n"), TextEdit(8, 13, "THREE")]
    assert spans(old, edits) == ["zero\n", "THREE"]


def test_generated_spans_merge_across_blank_space_with_deletions() -> None:
    old = "a\n\nb\nc\n"
    edits = [
        TextEdit(0, 1, "def f():\n    pass"),
        TextEdit(3, 4, "def g():\n    pass"),
        TextEdit(5, 7, ""),
    ]
    assert spans(old, edits) == ["def f():\n    pass\n\ndef g():\n    pass\n"]
    change = FileChange("a.py", "modify", old, "def f():\n    pass\n\ndef g():\n    pass\n", ())
    change = FileChange("a.py", "modify", old, change.new_text, tuple(edits))
    (region,) = regions_for_change("r", change)
    assert region.original == "a\n\nb\nc\n"


def test_a_hunk_that_only_deletes_is_widened_to_the_next_line() -> None:
    old = "keep\ndrop me\nafter\n"
    edits = [TextEdit(5, 13, "")]
    assert spans(old, edits) == ["after\n"]
    change = FileChange("a.py", "modify", old, "keep\nafter\n", tuple(edits))
    (region,) = regions_for_change("r", change)
    assert (region.text, region.original) == ("after\n", "drop me\nafter\n")


def test_a_deletion_at_the_end_is_widened_to_the_line_before() -> None:
    old = "one\ntwo\nthree\n"
    edits = [TextEdit(8, 14, "")]
    change = FileChange("a.py", "modify", old, "one\ntwo\n", tuple(edits))
    (region,) = regions_for_change("r", change)
    assert (region.text, region.original) == ("two\n", "two\nthree\n")


def test_created_file_is_one_region() -> None:
    assert spans("", [TextEdit(0, 0, "x = 1\n")], kind="create") == ["x = 1\n"]
    change = FileChange("new.py", "create", "", "x = 1\n", ())
    assert [(r.start, r.end, r.path) for r in regions_for_change("r", change)] == [(0, 6, "new.py")]


def test_regions_at_finds_only_covering_regions_innermost_first() -> None:
    text = "0123456789"
    ledger = Ledger()
    ledger.record_run(record("outer"), [make_region("outer", "a.py", text, 2, 8)])
    ledger.record_run(record("inner"), [make_region("inner", "a.py", text, 4, 6)])
    assert [r.run_id for r, _ in ledger.regions_at("a.py", 5)] == ["inner", "outer"]
    assert [r.run_id for r, _ in ledger.regions_at("a.py", 2)] == ["outer"]
    assert ledger.regions_at("a.py", 8) == []
    assert ledger.regions_at("a.py", 1) == []
    assert ledger.regions_at("other.py", 5) == []


def test_apply_changes_moves_regions_and_marks_dirty() -> None:
    ledger, _ = ledger_with("ab«cd»ef")
    ledger.dirty = False
    assert ledger.apply_changes("a.py", [TextChange(0, 0, "XY")])
    assert ledger.dirty
    ((region, rec),) = ledger.regions_in("a.py")
    assert (region.start, region.end, rec.run_id) == (4, 6, "run1")
    assert not ledger.apply_changes("a.py", [TextChange(8, 8, "after")])


def test_retiring_the_last_region_drops_the_run() -> None:
    ledger, _ = ledger_with("ab«cd»ef")
    ledger.apply_changes("a.py", [TextChange(0, 8, "")])
    assert ledger.regions_in("a.py") == []
    assert ledger.records == []


def test_reanchor_unchanged_file_keeps_regions() -> None:
    ledger, text = ledger_with("x = 1\n«def f():\n    return 2\n»")
    ledger.observe("a.py", text)
    result = ledger.reanchor("a.py", text)
    assert (result.kept, result.moved, result.dropped) == (1, 0, 0)


def test_reanchor_exact_text_moved_elsewhere() -> None:
    ledger, text = ledger_with("x = 1\n«def f():\n    return 2\n»")
    ledger.observe("a.py", text)
    changed = "import os\n\n" + text
    result = ledger.reanchor("a.py", changed)
    ((region, _),) = ledger.regions_in("a.py")
    assert (result.moved, region.edited) == (1, False)
    assert changed[region.start : region.end] == "def f():\n    return 2\n"


def test_reanchor_fuzzy_match_marks_edited() -> None:
    ledger, _ = ledger_with("x = 1\n«def total(items):\n    return sum(items)\n»y = 2\n")
    changed = "# header\nx = 1\ndef total(items):\n    return sum(items) + 1\ny = 2\n"
    result = ledger.reanchor("a.py", changed)
    ((region, _),) = ledger.regions_in("a.py")
    assert (result.moved, region.edited) == (1, True)
    assert changed[region.start : region.end] == "def total(items):\n    return sum(items) + 1\n"


def test_reanchor_drops_what_cannot_be_found() -> None:
    ledger, _ = ledger_with("x = 1\n«def f():\n    return 2\n»")
    result = ledger.reanchor("a.py", "completely = 'different'\nprint(completely)\n")
    assert (result.dropped, ledger.regions_in("a.py"), ledger.records) == (1, [], [])


def test_forget_a_run_or_one_region() -> None:
    text = "aaaa bbbb cccc"
    ledger = Ledger()
    r1 = make_region("run1", "a.py", text, 0, 4)
    r2 = make_region("run1", "b.py", text, 5, 9)
    ledger.record_run(record("run1"), [r1, r2])
    assert ledger.forget("run1", path="a.py") == 1
    assert [r.path for p in ledger.paths for r, _ in ledger.regions_in(p)] == ["b.py"]
    assert ledger.forget_region(r2.region_id)
    assert not ledger.forget_region(r2.region_id)
    assert ledger.records == []


def test_explain_an_existing_region_keeps_its_origin() -> None:
    ledger, text = ledger_with("ab«cd»ef")
    ledger.set_explanation("a.py", 2, 4, "It spells cd.", record("explain1", "explain"), text)
    ((updated, rec),) = ledger.regions_at("a.py", 3)
    assert (rec.run_id, updated.explanation, updated.explained_by) == (
        "run1",
        "It spells cd.",
        "explain1",
    )
    assert ledger.record("explain1") is not None


def test_explain_a_plain_selection_makes_its_own_region() -> None:
    ledger = Ledger()
    text = "def handwritten():\n    pass\n"
    ledger.set_explanation("h.py", 0, 18, "A stub.", record("explain1", "explain"), text)
    ((region, rec),) = ledger.regions_at("h.py", 4)
    assert (rec.mode, region.explanation, region.text) == (
        "explain",
        "A stub.",
        "def handwritten():",
    )


def test_oldest_runs_expire_beyond_max_runs() -> None:
    ledger = Ledger(max_runs=3)
    text = "0123456789"
    for i in range(5):
        ledger.record_run(record(f"run{i}"), [make_region(f"run{i}", "a.py", text, i, i + 1)])
    assert [r.run_id for r in ledger.records] == ["run2", "run3", "run4"]
    assert sorted(r.run_id for r, _ in ledger.regions_in("a.py")) == ["run2", "run3", "run4"]


def test_expiring_a_run_drops_its_regions_and_their_explainer() -> None:
    ledger, text = ledger_with("ab«cd»ef")
    ledger.max_runs = 2
    ledger.set_explanation("a.py", 2, 4, "Explained.", record("explain1", "explain"), text)
    ledger.record_run(record("run2"), [make_region("run2", "b.py", "zz", 0, 2)])
    ledger.record_run(record("run3"), [make_region("run3", "c.py", "zz", 0, 2)])
    assert [r.run_id for r in ledger.records] == ["run2", "run3"]
    assert ledger.regions_in("a.py") == []


EXPLANATION = """I added a health endpoint.

`app/health.py` holds the status helper, so other probes can reuse it.

In main.py the route just calls it."""


def test_part_explanation_picks_paragraphs_naming_the_file() -> None:
    assert part_explanation(EXPLANATION, "app/health.py") == (
        "`app/health.py` holds the status helper, so other probes can reuse it."
    )
    assert part_explanation(EXPLANATION, "app/main.py") == "In main.py the route just calls it."
    assert part_explanation(EXPLANATION, "app/other.py") is None
    assert part_explanation("One paragraph about main.py.", "app/main.py") is None
