"""Property tests: the parser and builder never raise; minimal edits round-trip."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentls.edits import apply_edits, build_changeset, minimal_edits
from agentls.edits.line_ends import edits_keeping_line_ends
from agentls.edits.parse import parse_answer_unguarded

# Fragments that steer random text towards the parser's interesting paths.
PIECES = [
    "```", "````", "~~~", "```python", "```diff", "```python title=\"a.py\"", "a.py", "`b/c.py`:",
    "### `a.py`", "**a.py**", "File: a.py", "<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE",
    "--- a/a.py", "+++ b/a.py", "--- /dev/null", "+++ /dev/null", "@@ -1,2 +1,3 @@", "@@",
    " ctx", "-old", "+new", "...", "# ... existing code ...", "x = 1", "", "    ", "\t", "\r",
    "<think>", "</think>", "diff --git a/a.py b/a.py", "\\ No newline at end of file", "😀𝄞",
]  # fmt: skip

lines = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40)
answers = st.one_of(st.text(), lines.map("\n".join))
file_texts = st.one_of(
    st.text(max_size=200), lines.map("\n".join), lines.map("\r\n".join), st.just("")
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(answers)
def test_parse_never_raises(answer: str) -> None:
    parsed = parse_answer_unguarded(answer)
    assert isinstance(parsed.explanation, str)
    assert all(isinstance(p, str) for p in parsed.paths)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    answer=answers,
    text=file_texts,
    other=file_texts,
    data=st.data(),
    scope=st.sampled_from(["selection", "workspace"]),
)
def test_build_never_raises_and_edits_reproduce_new_text(
    answer: str, text: str, other: str, data: st.DataObject, scope: str
) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(text)))
    files = {"a.py": text, "b/c.py": other}
    changes = build_changeset(
        parse_answer_unguarded(answer),
        files=files,
        scope="selection" if scope == "selection" else "workspace",
        target_path="a.py",
        selection=(min(a, b), max(a, b)),
    )
    for change in changes.files:
        assert apply_edits(change.old_text, change.edits) == change.new_text
        if change.kind == "modify":
            assert change.old_text == files[change.path]


@settings(max_examples=500)
@given(st.text(), st.text())
def test_minimal_edits_round_trip_on_any_strings(old: str, new: str) -> None:
    assert apply_edits(old, minimal_edits(old, new)) == new


@settings(max_examples=300)
@given(lines, lines)
def test_minimal_edits_round_trip_on_line_soup(old: list[str], new: list[str]) -> None:
    a, b = "\n".join(old), "\n".join(new)
    assert apply_edits(a, minimal_edits(a, b)) == b


line_text = st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=8)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(line_text, st.sampled_from(["\n", "\r\n"])), max_size=12),
    st.lists(line_text, max_size=12),
    st.sampled_from(["\n", "\r\n"]),
)
def test_line_end_edits_reproduce_new_text(
    old: list[tuple[str, str]], new: list[str], eol: str
) -> None:
    original = "".join(text + end for text, end in old)
    new_lf = "".join(line + "\n" for line in new)
    result = apply_edits(original, edits_keeping_line_ends(original, new_lf, eol))
    assert result.replace("\r\n", "\n") == new_lf
